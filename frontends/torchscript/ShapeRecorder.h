// Running the model once to learn every value: the shape and dtype of each
// tensor, and the value of each non-tensor (sizes, flags, lists, ...).
//
// We run a copy of the inlined forward in which every top-level value is an
// extra graph output; for a tensor only its size and dtype are output (two
// small nodes inserted after it), so recording costs no memory beyond one
// ordinary forward pass. Shapes thus come from LibTorch itself, in process.
#pragma once
#include "frontends/TorchScriptFrontend.h"
#include "frontends/torchscript/ModuleInliner.h"

#include <ATen/core/ivalue.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace pd::ts {

struct TensorFacts {
  std::vector<int64_t> shape;
  c10::ScalarType dtype = c10::ScalarType::Float;
};

class Recording {
public:
  // Shape and dtype of a tensor value, or null if it was not recorded.
  const TensorFacts *tensor(const torch::jit::Value *v) const;
  // The runtime value of a non-tensor value (int, list, tuple of tensors,
  // ...), or of a 0-dim tensor computed from sizes (prim::NumToTensor and
  // arithmetic on it); null if not recorded.
  const c10::IValue *value(const torch::jit::Value *v) const;
  // A 0-dim tensor computed from sizes only: folded into the attributes of
  // the ops using it, like NNI's unpack_manually folds size arithmetic.
  bool isSizeScalar(const torch::jit::Value *v) const;

private:
  friend Recording recordValues(const InlinedForward &, const std::vector<c10::IValue> &);
  friend std::optional<Recording> recordFromTracedTypes(const InlinedForward &,
                                                        const std::vector<c10::IValue> &,
                                                        std::string *);
  std::unordered_map<const torch::jit::Value *, TensorFacts> tensors_;
  std::unordered_map<const torch::jit::Value *, c10::IValue> values_;
};

// Values worth recording: the plain data types (tensors, numbers, lists and
// tuples of them, ...), not modules or other objects.
bool recordable(const c10::TypePtr &t);
// Whether values of this type hold a tensor (a tensor, or a list, tuple, ...
// with one inside).
bool containsTensor(const c10::TypePtr &t);
// Whether the value is typed as a tensor (not a list or tuple of them).
bool isTensor(const torch::jit::Value *v);

// Tensors that only carry a size (prim::NumToTensor of an aten::size and
// arithmetic on such tensors): candidates whose value, once known to be
// 0-dim, is folded into attributes.
std::unordered_set<const torch::jit::Value *> sizeScalarCandidates(const InlinedForward &fwd);

// Random inputs of the requested shapes and dtypes (normal floats; 0/1 for
// integer inputs so any embedding index or mask is valid), seeded.
std::vector<c10::IValue> makeInputs(const std::vector<TensorInputSpec> &specs);

// Runs the forward once on `inputs` (without self) and records every
// top-level value. LibTorch errors (a wrong input shape) propagate.
Recording recordValues(const InlinedForward &fwd, const std::vector<c10::IValue> &inputs);

// The IR dtype of a LibTorch scalar type; throws pd::Error for others.
DType toDType(c10::ScalarType t);
c10::ScalarType toScalarType(DType d);

} // namespace pd::ts
