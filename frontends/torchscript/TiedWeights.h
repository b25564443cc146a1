// Tied weights: one tensor that is the weight of two layers (GPT-2's lm_head
// and token embedding), or a layer's weight also read by a function op.
//
// Pruning one of them prunes the other: the same entries go from both. The
// lowering records it in the IR, where the channel maps can see it: every
// layer op whose `weight` is a layer's weight met earlier in graph order, and
// every stored-tensor op (prim::Parameter) that is a layer's weight under
// another name, gets `tied = "<owner layer>.weight"`. The owner is the first
// layer op in graph order holding the tensor.
#pragma once
#include "ir/Graph.h"

#include <ATen/core/Tensor.h>

#include <functional>
#include <optional>

namespace pd::ts {

// `tensorOf(op)`: a layer op's `weight`, a prim::Parameter's tensor, nullopt
// for other ops. Throws pd::Error when two ops share a weight's storage
// through different views (a transposed copy-free view): the entries of one
// are not the same-numbered entries of the other.
void markTiedWeights(Graph &g, const std::function<std::optional<at::Tensor>(const Op &)> &tensorOf);

// Whether `a` and `b` are the very same tensor data (storage, offset, sizes,
// strides).
bool sameTensorData(const at::Tensor &a, const at::Tensor &b);

} // namespace pd::ts
