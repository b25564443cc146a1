// The attributes of an op in the pruned model: those that count channels or
// name indices recomputed from what the pruning removes, the rest unchanged.
//
// - function ops: view/reshape/expand/create sizes, split sizes, slice
//   bounds, the selected index, conv groups (when whole groups go),
//   group_norm's num_groups (one channel per group), layer_norm's
//   normalized_shape;
// - layers: the same map-named counts (groups, num_groups, normalized_shape,
//   PReLU's num_parameters) and the channel counts the op rule names
//   (in_channels/out_channels, in/out_features, num_features, num_channels,
//   embedding_dim).
//
// Which attribute is which comes from the op's rule and channel map, never
// from its kind. Sizes are the analysis' predicted shapes of the operands
// and results (Pruning::predictedShape), so the verifier, which runs the
// pruned tensors, and the IR rewrite, which has none, share this one
// implementation. Call it before any type of the graph is changed: it reads
// the unpruned sizes from the types.
#pragma once
#include "ir/Attribute.h"
#include "ir/OpRegistry.h"
#include "passes/prune/Pruning.h"

namespace pd {

// `rule`: the op's rule (null: no rule, the attributes stay).
AttributeList prunedAttributes(const Op &op, const OpRule *rule, const Pruning &p);

} // namespace pd
