#include "ir/Verifier.h"

#include "ir/LargeArray.h"
#include "ir/Printer.h"
#include "ir/SymbolIdTable.h"

#include <llvm/ADT/DenseSet.h>

#include <algorithm>
#include <utility>

namespace pd {

static std::string ref(const Value *v) { return "'" + valueRef(v) + "'"; }

// One sequential walk over the op list (at a million ops every walk of the
// list is a chain of dependent loads through 120 MB of ops): the checks that
// need more than what came before (is an op still in the list?) only run to
// tell an error's cause apart.
void verifyGraph(const Graph &g, const OpRegistry *registry) {
  // 0 = not (yet) defined, 1 = defined earlier in the list.
  LargeVector<uint8_t> defined(g.valueIdBound(), 0);
  // By name symbol id: 1 once a value has that name. Names are interned as
  // the parser meets them, so ids come in about the order the walk does: a
  // flat array is read in sequence where a hash set of a million names would
  // be read at random (ir/SymbolIdTable.h).
  SymbolIdTable<uint8_t> nameTaken(std::max<size_t>(size_t(1) << 16, 8 * size_t(g.valueIdBound())),
                                   size_t(g.valueIdBound()) + 1024);
  // Types are interned and most values share a few of them: each distinct
  // type's shape is checked once (the last one checked first, as neighbours
  // mostly have the same type).
  const Type *lastGoodType = nullptr;
  llvm::DenseSet<const Type *> goodTypes;
  // Ops in the list, by op id: built only to tell a dangling operand (its
  // defining op was erased) from one used before its definition.
  LargeVector<uint8_t> inList;
  auto isInList = [&](const Op *op) {
    if (inList.empty()) {
      inList.assign(g.opIdBound(), 0);
      for (const Op &o : g.ops())
        inList[o.id()] = 1;
    }
    return inList[op->id()] != 0;
  };
  Location graphLoc;
  auto declare = [&](const Value *v, const Location &loc) {
    if (v->name().empty())
      throw Error(loc, "a value has an empty name");
    const Type *type = v->type();
    if (!type)
      throw Error(loc, "value " + ref(v) + " has no type");
    if (type != lastGoodType) {
      if (!goodTypes.count(type)) {
        if (type->isTensor())
          if (std::optional<std::string> why = type->shapeProblem())
            throw Error(loc, "value " + ref(v) + ": " + *why);
        goodTypes.insert(type);
      }
      lastGoodType = type;
    }
    uint32_t name = v->name().id();
    if (std::exchange(nameTaken.at(name), 1))
      throw Error(loc, "value name " + ref(v) + " is defined twice");
    defined[v->id()] = 1;
  };
  for (const Value *in : g.inputs())
    declare(in, graphLoc);
  const OpRule *rule = nullptr;
  Symbol ruleKind;
  bool haveRule = false;
  for (const Op &op : g.ops()) {
    // The op list is a chain of dependent loads: fetch the ops and values
    // a few dozen ahead while this one is checked (Graph.h).
    prefetchAheadWithResults(op);
    for (unsigned i = 0; i < op.numOperands(); ++i) {
      const Value *v = op.operand(i);
      if (!v)
        throw Error(op.loc(), "operand " + std::to_string(i) + " of '" +
                                  std::string(op.kind().str()) + "' is missing");
      // A defined value's op is in the list (it was declared from there), so
      // only an undefined one can be dangling.
      if (v->id() >= defined.size() || !defined[v->id()]) {
        if (v->definingOp() && !isInList(v->definingOp()))
          throw Error(op.loc(), "operand " + ref(v) + " of '" + std::string(op.kind().str()) +
                                    "' is dangling: its defining op was erased");
        throw Error(op.loc(), "operand " + ref(v) + " of '" + std::string(op.kind().str()) +
                                  "' is used before its definition");
      }
    }
    for (const Value *r : op.results())
      declare(r, op.loc());
    if (op.isModuleCall() && op.modulePath().empty())
      throw Error(op.loc(), "module op '" + std::string(op.kind().str()) + "' has no module path");
    if (!registry)
      continue;
    // Runs of ops of one kind (a chain of convs, of adds) look it up once.
    if (!haveRule || op.kind() != ruleKind) {
      rule = registry->lookup(op.kind());
      ruleKind = op.kind();
      haveRule = true;
    }
    if (!rule)
      continue;
    unsigned n = op.numOperands();
    if ((rule->minOperands && n < *rule->minOperands) ||
        (rule->maxOperands && n > *rule->maxOperands)) {
      std::string want = rule->minOperands == rule->maxOperands
                             ? std::to_string(*rule->minOperands)
                             : std::to_string(rule->minOperands.value_or(0)) + " to " +
                                   std::to_string(rule->maxOperands.value_or(~0u));
      // Named: a lowered module call may have no source location.
      std::string which = op.isModuleCall() ? "module '" + std::string(op.displayName()) + "'"
                                            : "'" + std::string(op.displayName()) + "'";
      throw Error(op.loc(), "'" + std::string(op.kind().str()) + "' (" + which + ") takes " + want +
                                " operands but has " + std::to_string(n));
    }
    if (rule->numResults && op.numResults() != *rule->numResults)
      throw Error(op.loc(), "'" + std::string(op.kind().str()) + "' has " +
                                std::to_string(*rule->numResults) + " results but " +
                                std::to_string(op.numResults()) + " are named");
    // Layers and elementwise ops compute on tensors: a non-tensor operand or
    // result there is a type mismatch the analyses must never see.
    if (rule->has(Trait::WeightLayer) || rule->has(Trait::Normalization) ||
        rule->has(Trait::ChannelTarget)) {
      for (const Value *v : op.operands())
        if (!v->type()->isTensor())
          throw Error(op.loc(), "'" + std::string(op.kind().str()) + "' expects a tensor operand but " +
                                    ref(v) + " has type " + v->type()->str());
      for (const Value *v : op.results())
        if (!v->type()->isTensor())
          throw Error(op.loc(), "'" + std::string(op.kind().str()) + "' must produce a tensor but " +
                                    ref(v) + " has type " + v->type()->str());
    }
  }
  for (const Value *out : g.outputs()) {
    if (!out || out->id() >= defined.size() || !defined[out->id()])
      throw Error(graphLoc, "graph output " + (out ? ref(out) : std::string("?")) +
                                " is not defined");
    // Defined means declared from the list, so its op is there: the output
    // of an erased op fails as "not defined" above (eraseOp refuses an op
    // whose result is an output in the first place).
  }
}

} // namespace pd
