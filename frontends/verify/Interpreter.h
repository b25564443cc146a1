// Runs the IR with LibTorch, op by op, pruned or not.
//
// Module calls run the module of the archive (ModuleCall.h), function ops the
// JIT operator of their kind (FunctionCall.h), stored tensors (prim::Parameter)
// come from the archive. The unpruned run keeps every value; a pruned run
// re-runs only the ops whose operands changed shape or that the pruning
// touches, and reuses the unpruned values elsewhere, so its cost is that of
// the group's footprint, not of the model.
#pragma once
#include "frontends/verify/FunctionCall.h"
#include "passes/prune/Pruning.h"
#include "ir/OpRegistry.h"

#include <ATen/core/Tensor.h>
#include <torch/csrc/jit/api/module.h>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pd::verify {

class Interpreter {
public:
  Interpreter(const Graph &g, const OpRegistry &registry, torch::jit::Module model,
              std::vector<at::Tensor> inputs);

  // Runs the unpruned graph, checking every shape against the IR's. Throws
  // pd::Error naming the op when it cannot.
  void runBaseline();

  // Runs the graph pruned by `p`. Returns the first failure ("%x (aten::view):
  // why"), or nullopt when every op ran and, with `predictedShapes`, gave the
  // shape the analysis predicts.
  std::optional<std::string> run(const Pruning &p, bool predictedShapes);


  // Runs every op, from the inputs, on `pruned`: a model whose layers and
  // stored tensors already hold the tensors pruned by `p` (PrunedModel.h),
  // with the attributes `p` recomputes. No value is reused from the
  // unpruned run and in-place ops write through (a mask filled through its
  // slices), so under the tracer this records the whole pruned forward. An
  // in-place op on a graph input writes into it: pass inputs no other run
  // needs. Returns the graph's outputs; throws pd::Error naming the op.
  std::vector<at::Tensor> runPrunedModel(torch::jit::Module pruned, const Pruning &p);

private:
  using OpRunner = std::function<std::vector<at::Tensor>(const Op &, const std::vector<at::Tensor> &)>;
  using ShapeCheck = std::function<std::optional<std::string>(const Value *, const at::Tensor &)>;
  // Every op in graph order from the inputs, each result into `values` (by
  // value id): `run` computes an op's results, `shapeProblem` says what is
  // wrong with a result's shape (nullopt: nothing). Throws pd::Error
  // "%x (kind) ...: why" at the first op that fails.
  void runEveryOp(std::vector<at::Tensor> &values, const OpRunner &run, const ShapeCheck &shapeProblem);
  std::vector<at::Tensor> executeOnPruned(const Op &op, const std::vector<at::Tensor> &operands,
                                          const Pruning &p, torch::jit::Module &pruned);
  std::vector<at::Tensor> execute(const Op &op, const std::vector<at::Tensor> &operands, const Pruning *p);
  // The value check of IndexCheck.h for one op; the reason when it fails.
  std::optional<std::string> checkValues(const Op &op, const Pruning &p);
  const ChannelMap *mapOf(const Op &op) const;
  torch::jit::Module &moduleAt(Symbol path);
  at::Tensor storedTensor(const Op &op, torch::jit::Module *root = nullptr);

  const Graph &g_;
  const OpRegistry &registry_;
  torch::jit::Module model_;
  std::vector<at::Tensor> inputs_;
  std::vector<at::Tensor> baseline_; // by value id
  std::unordered_map<uint32_t, torch::jit::Module> modules_; // by path symbol id
  FunctionCaller caller_;
};

// The module at `path` ("layer1.0.conv1") under `root`; throws pd::Error when
// there is none.
torch::jit::Module submodule(torch::jit::Module root, std::string_view path);

// "%x (aten::view) in layer1.0" - an op as the verifier's messages name it.
std::string describeOp(const Op &op);

} // namespace pd::verify
