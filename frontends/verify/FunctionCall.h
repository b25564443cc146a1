// Calls a function op of the IR (`aten::view(%x) {size = [1, -1]}`) through
// the JIT operator registry: the overload is the one whose schema takes the
// op's attributes by name and its tensor operands in order, the attributes
// converted to the argument types.
#pragma once
#include "ir/Graph.h"

#include <ATen/core/Tensor.h>
#include <ATen/core/stack.h>
#include <torch/csrc/jit/runtime/operator.h>

#include <memory>
#include <vector>

namespace pd::verify {

class FunctionCaller {
public:
  // Runs `op` on `operands` with attributes `attrs` (the op's own, or
  // recomputed for a pruned model); returns its tensor results in order.
  // Throws pd::Error when no overload fits, c10::Error when the op fails.
  // An in-place op writes into copies of its operands unless `inPlace`: a
  // run that reuses values across runs must not see them change, while a
  // run of the whole model needs the writes (Swin fills its attention mask
  // through slices of it, and later ops read the mask).
  std::vector<at::Tensor> call(const Op &op, const std::vector<at::Tensor> &operands,
                               const AttributeList &attrs, bool inPlace = false);

private:
  std::vector<std::shared_ptr<torch::jit::Operator>> chosen_; // by op id, once found
};

// The LibTorch scalar type of an IR dtype.
c10::ScalarType toScalarType(DType d);

// The tensors in `v` (a tensor, a list, tuple or dict of them), in order.
void collectTensors(const c10::IValue &v, std::vector<at::Tensor> &out);

} // namespace pd::verify
