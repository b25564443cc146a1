#include "frontends/verify/Interpreter.h"

#include "frontends/torchscript/Messages.h"
#include "frontends/verify/IndexCheck.h"
#include "frontends/verify/ModuleCall.h"
#include "ir/Attribute.h"
#include "ir/Printer.h"
#include "passes/prune/PrunedAttributes.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

namespace pd::verify {
namespace {

std::string shapeText(c10::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

} // namespace

std::string describeOp(const Op &op) {
  std::string s = op.numResults() ? valueRef(op.result()) : std::string(op.displayName());
  s += " (" + std::string(op.kind().str()) + ")";
  if (op.modulePath() && !op.isModuleCall())
    s += " in " + std::string(op.modulePath().str());
  return s;
}

Interpreter::Interpreter(const Graph &g, const OpRegistry &registry, torch::jit::Module model,
                         std::vector<at::Tensor> inputs)
    : g_(g), registry_(registry), model_(std::move(model)), inputs_(std::move(inputs)) {}

const ChannelMap *Interpreter::mapOf(const Op &op) const {
  const OpRule *r = registry_.lookup(op.kind());
  return r && r->channelMap ? &*r->channelMap : nullptr;
}

torch::jit::Module submodule(torch::jit::Module root, std::string_view path) {
  torch::jit::Module m = root;
  std::string_view rest = path;
  while (!rest.empty()) {
    size_t dot = rest.find('.');
    std::string part(rest.substr(0, dot));
    if (!m.hasattr(part) || !m.attr(part).isModule())
      throw Error("the model has no module '" + std::string(path) + "'");
    m = m.attr(part).toModule();
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  return m;
}

torch::jit::Module &Interpreter::moduleAt(Symbol path) {
  auto it = modules_.find(path.id());
  if (it != modules_.end())
    return it->second;
  return modules_.emplace(path.id(), submodule(model_, path.str())).first->second;
}

// A parameter or buffer by its path (the `name` attribute the map names), or
// zeros of the IR's shape for a constant whose data the IR does not carry
// (shapes are what a pruning run checks).
at::Tensor Interpreter::storedTensor(const Op &op, torch::jit::Module *root) {
  const ChannelMap *map = mapOf(op);
  const Attribute *name = map ? map->attrArg(op, ChannelMapKey::Name) : nullptr;
  if (name && name->isStr()) {
    const std::string &path = name->getStr();
    size_t dot = path.rfind('.');
    std::string ownerPath = dot == std::string::npos ? "" : path.substr(0, dot);
    torch::jit::Module owner = root ? submodule(*root, ownerPath) : moduleAt(Symbol::get(ownerPath));
    std::string leaf = dot == std::string::npos ? path : path.substr(dot + 1);
    if (!owner.hasattr(leaf) || !owner.attr(leaf).isTensor())
      throw Error("the model has no tensor '" + path + "'");
    return owner.attr(leaf).toTensor();
  }
  const Type *t = op.result()->type();
  return at::zeros(t->shape(), at::TensorOptions().dtype(toScalarType(t->dtype())));
}

std::vector<at::Tensor> Interpreter::execute(const Op &op, const std::vector<at::Tensor> &operands,
                                             const Pruning *p) {
  const ChannelMap *map = mapOf(op);
  if (map && map->kind == ChannelMapKind::Parameter) {
    at::Tensor t = storedTensor(op);
    if (p)
      if (const std::vector<Removed> *cuts = p->storedCuts(op.result()))
        for (const Removed &c : *cuts)
          t = dropIndices(t, c.dim, c.indices);
    return {t};
  }
  if (op.isModuleCall()) {
    torch::jit::Module &m = moduleAt(op.modulePath());
    const std::vector<MemberCut> *cuts = p ? p->moduleCuts(op.modulePath()) : nullptr;
    if (!cuts && runsOwnForward(op, m))
      return callModuleForward(m, operands);
    if (!map)
      throw Error("no channel map for " + std::string(op.kind().str()));
    return callModulePruned(op, *map, m, operands, cuts ? *cuts : std::vector<MemberCut>{}, p);
  }
  if (p)
    return caller_.call(op, operands, prunedAttributes(op, registry_.lookup(op.kind()), *p));
  return caller_.call(op, operands, op.attrs());
}

// A layer whose ATen call the verifier knows takes its tensors from the
// pruned model; any other leaf (pooling, an activation: no tensors) runs the
// original's forward.
std::vector<at::Tensor> Interpreter::executeOnPruned(const Op &op, const std::vector<at::Tensor> &operands,
                                                     const Pruning &p, torch::jit::Module &pruned) {
  const ChannelMap *map = mapOf(op);
  if (map && map->kind == ChannelMapKind::Parameter)
    return {storedTensor(op, &pruned)};
  if (op.isModuleCall()) {
    if (map && holdsLayerTensors(*map)) {
      torch::jit::Module m = submodule(pruned, op.modulePath().str());
      return callLayer(op, *map, slicedLayerTensors(op, *map, m, {}, nullptr), operands);
    }
    torch::jit::Module &m = moduleAt(op.modulePath());
    if (runsOwnForward(op, m))
      return callModuleForward(m, operands);
    throw Error("cannot run module " + std::string(op.modulePath().str()) + " (" +
                std::string(op.moduleType().str()) + ") of the pruned model: no forward of its own");
  }
  return caller_.call(op, operands, prunedAttributes(op, registry_.lookup(op.kind()), p), /*inPlace=*/true);
}

void Interpreter::runEveryOp(std::vector<at::Tensor> &values, const OpRunner &run, const ShapeCheck &shapeProblem) {
  values.assign(g_.valueIdBound(), at::Tensor());
  for (size_t i = 0; i < g_.inputs().size(); ++i)
    values[g_.inputs()[i]->id()] = inputs_.at(i);
  for (const Op &op : g_.ops()) {
    std::vector<at::Tensor> operands;
    for (const Value *v : op.operands())
      operands.push_back(values[v->id()]);
    std::vector<at::Tensor> results;
    try {
      results = run(op, operands);
    } catch (const c10::Error &e) {
      throw Error(describeOp(op) + ": " + ts::condenseTorchMessage(e.what_without_backtrace()));
    } catch (const std::exception &e) {
      throw Error(describeOp(op) + ": " + ts::condenseTorchMessage(e.what()));
    }
    if (results.size() != op.numResults())
      throw Error(describeOp(op) + ": gave " + std::to_string(results.size()) + " tensors for " +
                  std::to_string(op.numResults()) + " results");
    for (unsigned r = 0; r < op.numResults(); ++r) {
      if (std::optional<std::string> why = shapeProblem(op.result(r), results[r]))
        throw Error(describeOp(op) + ": " + *why);
      values[op.result(r)->id()] = results[r];
    }
  }
}

std::vector<at::Tensor> Interpreter::runPrunedModel(torch::jit::Module pruned, const Pruning &p) {
  // Every value is computed afresh and in-place ops write through, as in the
  // model's own forward; only the inputs are shared with other runs.
  std::vector<at::Tensor> values;
  runEveryOp(
      values, [&](const Op &op, const std::vector<at::Tensor> &in) { return executeOnPruned(op, in, p, pruned); },
      [&](const Value *v, const at::Tensor &t) -> std::optional<std::string> {
        std::vector<int64_t> expected = p.predictedShape(v);
        if (t.sizes() == c10::IntArrayRef(expected))
          return std::nullopt;
        return "gave " + shapeText(t.sizes()) + " where the groups predict " + shapeText(expected);
      });
  std::vector<at::Tensor> out;
  for (const Value *v : g_.outputs())
    out.push_back(values[v->id()]);
  return out;
}

void Interpreter::runBaseline() {
  try {
    runEveryOp(
        baseline_, [&](const Op &op, const std::vector<at::Tensor> &in) { return execute(op, in, nullptr); },
        [](const Value *v, const at::Tensor &t) -> std::optional<std::string> {
          if (t.sizes() == c10::IntArrayRef(v->type()->shape()))
            return std::nullopt;
          return "gave " + shapeText(t.sizes()) + " where the IR says " + v->type()->str();
        });
  } catch (const Error &e) {
    throw Error(std::string("cannot run the unpruned model: ") + e.what());
  }
}

std::optional<std::string> Interpreter::checkValues(const Op &op, const Pruning &p) {
  bool cuts = op.isModuleCall() && p.moduleCuts(op.modulePath());
  std::vector<at::Tensor> zeroed, dropped;
  for (const Value *v : op.operands()) {
    at::Tensor z = baseline_[v->id()], d = z;
    if (const std::vector<Removed> *r = p.removed(v))
      for (const Removed &x : *r) {
        z = zeroIndices(z, x.dim, x.indices);
        d = dropIndices(d, x.dim, x.indices);
        cuts = true;
      }
    zeroed.push_back(z);
    dropped.push_back(d);
  }
  for (const Value *r : op.results())
    cuts |= p.removed(r) != nullptr;
  if (!cuts || mixesCutValues(op, mapOf(op), p) || drawsRandomNumbers(op))
    return std::nullopt;
  std::vector<at::Tensor> reference = execute(op, zeroed, nullptr), pruned = execute(op, dropped, &p);
  for (unsigned r = 0; r < op.numResults() && r < reference.size() && r < pruned.size(); ++r) {
    at::Tensor expected = reference[r];
    if (const std::vector<Removed> *removed = p.removed(op.result(r)))
      for (const Removed &x : *removed)
        expected = dropIndices(expected, x.dim, x.indices);
    if (std::optional<std::string> why = differs(pruned[r], expected))
      return "pruned, it does not compute the unpruned op's values with the removed indices zeroed (" +
             *why + "): an index map or a weight slice is wrong";
  }
  return std::nullopt;
}

std::optional<std::string> Interpreter::run(const Pruning &p, bool predictedShapes) {
  std::vector<at::Tensor> changed(g_.valueIdBound());
  for (const Op &op : g_.ops()) {
    bool touched = false;
    std::vector<at::Tensor> operands;
    for (const Value *v : op.operands()) {
      const at::Tensor &c = changed[v->id()];
      touched |= c.defined();
      operands.push_back(c.defined() ? c : baseline_[v->id()]);
    }
    touched |= op.isModuleCall() && p.moduleCuts(op.modulePath());
    for (const Value *r : op.results())
      touched |= p.removed(r) || p.storedCuts(r);
    if (!touched)
      continue; // as unpruned
    std::vector<at::Tensor> results;
    try {
      results = execute(op, operands, &p);
    } catch (const c10::Error &e) {
      return describeOp(op) + ": " + ts::condenseTorchMessage(e.what_without_backtrace());
    } catch (const std::exception &e) {
      return describeOp(op) + ": " + ts::condenseTorchMessage(e.what());
    }
    if (results.size() != op.numResults())
      return describeOp(op) + ": gave " + std::to_string(results.size()) + " tensors for " +
             std::to_string(op.numResults()) + " results";
    for (unsigned r = 0; r < op.numResults(); ++r) {
      const Value *v = op.result(r);
      std::vector<int64_t> expected = p.predictedShape(v);
      if (predictedShapes && results[r].sizes() != c10::IntArrayRef(expected))
        return describeOp(op) + ": gave " + shapeText(results[r].sizes()) + " where the groups predict " +
               shapeText(expected);
      // A result of the unpruned shape is as good as the unpruned value:
      // nothing after it needs to run again.
      if (results[r].sizes() != c10::IntArrayRef(v->type()->shape()))
        changed[v->id()] = results[r];
    }
    if (predictedShapes) {
      std::optional<std::string> wrong;
      try {
        wrong = checkValues(op, p);
      } catch (const c10::Error &e) {
        wrong = "the value check failed: " + ts::condenseTorchMessage(e.what_without_backtrace());
      } catch (const std::exception &e) {
        wrong = "the value check failed: " + ts::condenseTorchMessage(e.what());
      }
      if (wrong)
        return describeOp(op) + ": " + *wrong;
    }
  }
  return std::nullopt;
}

} // namespace pd::verify
