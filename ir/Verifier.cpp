#include "ir/Verifier.h"

#include "ir/LargeArray.h"
#include "ir/Printer.h"

#include <llvm/ADT/DenseSet.h>

namespace pd {

static std::string ref(const Value *v) { return "'" + valueRef(v) + "'"; }

void verifyGraph(const Graph &g, const OpRegistry *registry) {
  // 0 = not (yet) defined, 1 = defined earlier in the list.
  LargeVector<uint8_t> defined(g.valueIdBound(), 0);
  // Sized once: growing to a million names would rehash it fifteen times.
  llvm::DenseSet<uint32_t> names;
  names.reserve(g.valueIdBound());
  Location graphLoc;
  auto declare = [&](const Value *v, const Location &loc) {
    if (v->name().empty())
      throw Error(loc, "a value has an empty name");
    if (!v->type())
      throw Error(loc, "value " + ref(v) + " has no type");
    if (v->type()->isTensor())
      if (std::optional<std::string> why = v->type()->shapeProblem())
        throw Error(loc, "value " + ref(v) + ": " + *why);
    if (!names.insert(v->name().id()).second)
      throw Error(loc, "value name " + ref(v) + " is defined twice");
    defined[v->id()] = 1;
  };
  for (const Value *in : g.inputs())
    declare(in, graphLoc);
  LargeVector<uint8_t> inList(g.opIdBound(), 0);
  for (const Op &op : g.ops())
    inList[op.id()] = 1;
  for (const Op &op : g.ops()) {
    for (unsigned i = 0; i < op.numOperands(); ++i) {
      const Value *v = op.operand(i);
      if (!v)
        throw Error(op.loc(), "operand " + std::to_string(i) + " of '" +
                                  std::string(op.kind().str()) + "' is missing");
      if (v->definingOp() && !inList[v->definingOp()->id()])
        throw Error(op.loc(), "operand " + ref(v) + " of '" + std::string(op.kind().str()) +
                                  "' is dangling: its defining op was erased");
      if (v->id() >= defined.size() || !defined[v->id()])
        throw Error(op.loc(), "operand " + ref(v) + " of '" + std::string(op.kind().str()) +
                                  "' is used before its definition");
    }
    for (const Value *r : op.results())
      declare(r, op.loc());
    if (op.isModuleCall() && op.modulePath().empty())
      throw Error(op.loc(), "module op '" + std::string(op.kind().str()) + "' has no module path");
    if (!registry)
      continue;
    const OpRule *rule = registry->lookup(op.kind());
    if (!rule)
      continue;
    unsigned n = op.numOperands();
    if ((rule->minOperands && n < *rule->minOperands) ||
        (rule->maxOperands && n > *rule->maxOperands)) {
      std::string want = rule->minOperands == rule->maxOperands
                             ? std::to_string(*rule->minOperands)
                             : std::to_string(rule->minOperands.value_or(0)) + " to " +
                                   std::to_string(rule->maxOperands.value_or(~0u));
      throw Error(op.loc(), "'" + std::string(op.kind().str()) + "' takes " + want +
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
    if (out->definingOp() && !inList[out->definingOp()->id()])
      throw Error(graphLoc, "graph output " + ref(out) + " is dangling: its defining op was erased");
  }
}

} // namespace pd
