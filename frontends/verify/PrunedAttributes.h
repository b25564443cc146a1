// The attributes of a function op in the pruned model: those that count
// channels or name indices (view/reshape/expand sizes, split sizes, slice
// bounds, the selected index, conv groups, group_norm's num_groups,
// layer_norm's normalized_shape) recomputed from what the group removes; the
// rest unchanged. Which attribute is which comes from the op's channel map.
#pragma once
#include "frontends/verify/Pruning.h"
#include "ir/ChannelMap.h"

#include <ATen/core/Tensor.h>

namespace pd::verify {

AttributeList prunedAttributes(const Op &op, const ChannelMap *map, const Pruning &p,
                               const std::vector<at::Tensor> &operands);

} // namespace pd::verify
