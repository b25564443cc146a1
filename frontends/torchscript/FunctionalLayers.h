// Layers used through their tensors instead of called.
//
// torch's MultiheadAttention never calls its `out_proj` Linear: it runs
// F.linear(x, out_proj.weight, out_proj.bias). Lowered as it is, that is an
// aten::linear on two stored tensors, and no analysis sees a layer
// `out_proj`. A function op that is a layer's own computation on all of one
// module's tensors is that module's layer op: kind nn.Linear (from the op,
// never from names), module path of the module holding the tensors, the
// layer's attributes. Decided by where the tensors come from:
//   - the op is one of the layer functions below (linear, conv*, batch/
//     instance/group/layer norm, embedding, prelu), its `weight` argument is
//     parameter `weight` of a module M (not the root), and every other tensor
//     argument of the layer (bias, running stats) is M's tensor of that name,
//     or None where M has none;
//   - the op table knows the layer type (nn.Linear) as a leaf module;
//   - M is of that very type (a Conv2d's weight in F.conv2d), or M is a module
//     of a type the table does not know whose tensors are exactly those the op
//     uses and that has no submodules (NonDynamicallyQuantizableLinear):
//     nothing of M is left out of the layer op;
//   - every use of M's tensors in the forward is such an op, so M's weights
//     never appear both as a layer's slot and as a stored tensor operand.
// HF transformers' Conv1D (x @ weight + bias, weight stored [in, out]) is
// aten::addmm(bias, x, weight) on its two tensors: a Linear layer op with
// `transposed = true`.
// The in-projection of MultiheadAttention (in_proj_weight, a parameter of the
// attention module itself, packing q, k and v) stays a function op on stored
// tensors, which the channel maps handle.
#pragma once
#include "frontends/torchscript/ModuleInliner.h"

#include <ATen/core/ivalue.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pd::ts {

// What the lowering knows of one argument of a node.
struct CallArg {
  enum class Kind { Other, Tensor, Stored, None };
  Kind kind = Kind::Other;
  std::string path;   // Stored: the parameter/buffer path ("a.b.weight")
  at::Tensor stored;  // Stored: its value
  int64_t rank = -1;  // Tensor, Stored: the rank
  c10::IValue value;  // Other: the constant value, when known
};

struct FunctionalLayer {
  std::string type;    // the layer's module type: "Linear"
  std::string path;    // the module holding its tensors
  size_t dataArg = 0;  // the argument that is the layer's input
  // The weight is stored [in, out] (addmm, HF's Conv1D): the layer op gets
  // `transposed = true`.
  bool transposedWeight = false;
};

// How many nodes of the forward use each parameter/buffer (by path), and how
// many of those uses are the layer-function argument of that name (a
// candidate for folding); computed once per forward.
class StoredTensorUses {
public:
  explicit StoredTensorUses(const InlinedForward &fwd);
  // Whether every use of `path` is as the argument named like its last
  // component in a layer function.
  bool onlyLayerUses(const std::string &path) const;

private:
  std::unordered_map<std::string, std::pair<size_t, size_t>> uses_; // path -> (all, layer)
};

// The layer `n` computes, if it is one by the rules above. `args` are `n`'s
// inputs as the lowering knows them.
std::optional<FunctionalLayer> matchFunctionalLayer(const torch::jit::Node *n, const std::vector<CallArg> &args,
                                                    const InlinedForward &fwd, const StoredTensorUses &uses);

} // namespace pd::ts
