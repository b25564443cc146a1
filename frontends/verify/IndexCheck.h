// The value check of a pruning run: shapes alone cannot tell a cat offset or
// a flatten stride that is off. For every op the pruning touches, the pruned
// op on the unpruned operands with the removed indices dropped must give the
// unpruned op's result on the same operands with the removed indices zeroed,
// minus the indices the group removes from the result. That holds for ops
// that keep channels apart (activations, BatchNorm, cat, views, permutes)
// and for those that sum over them (conv, linear, matmul: a zero adds
// nothing); it tests the index maps and the weight slicing of each op on
// its own. Ops that mix values along a cut dim (LayerNorm or a softmax or
// mean along it, shrinking GroupNorm groups) are skipped: their kept values
// change by design.
#pragma once
#include "passes/prune/Pruning.h"
#include "ir/ChannelMap.h"

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>

namespace pd::verify {

bool mixesCutValues(const Op &op, const ChannelMap *map, const Pruning &p);

// Whether the op draws random numbers (dropout with train=true, as
// tacotron2's prenet runs in eval; bernoulli, rand_like, ...): its pruned and
// its reference run cannot draw the same, so its values are not compared.
bool drawsRandomNumbers(const Op &op);

// `t` with indices `removed` of dim `dim` set to zero (a copy).
at::Tensor zeroIndices(const at::Tensor &t, int64_t dim, const std::vector<int64_t> &removed);

// Why `pruned` is not `reference` (shape, or the largest difference), or
// nullopt when they agree up to float rounding.
std::optional<std::string> differs(const at::Tensor &pruned, const at::Tensor &reference);

} // namespace pd::verify
