// Channel facts of one op, read from the op table (which attribute holds the
// channel count, the groups, the cat dim) and from the explicit tensor shapes.
// The dependency analyses ask these questions; none of them looks at an op's
// name. Public so that plugins asking the same questions get the same answers.
#pragma once
#include "ir/Graph.h"
#include "ir/OpRegistry.h"

#include <optional>

namespace pd {

// The channel axis, as NNI and PyTorch's NC... layouts have it: dim 1.
inline constexpr int64_t kChannelAxis = 1;

// The channel count of a tensor: its dim 1, when the rank is at least 2 and
// the dim is known. nullopt for anything else (scalars, vectors, non-tensors,
// unknown dims).
std::optional<int64_t> channelCount(const Value *v);

// NNI's reshape_break_channel_dependency, negated and read from the shapes:
// a reshape-like op keeps the channel dependency when its output and its input
// (every tensor input of a concat) have the same known channel count. Rank <= 1
// and unknown dims break, as in NNI. Deviation: a one-input op between tensors
// of rank 2 or more that only adds, drops or moves dims of size 1 (its sizes
// other than 1 stay the same, in the same order: unsqueeze, squeeze,
// MultiheadAttention's view [L, E] -> [L, 1, E] and transpose(1, 0) back to
// [1, L, E]) moves no data and keeps it too.
bool keepsChannelCount(const Op &op, const OpRule &rule);

// The concat dim named by the rule's `dim` attribute, made non-negative against
// the output rank (torch.cat's default 0 when the attribute is absent).
// nullopt when a negative dim cannot be normalised (no ranked tensor output).
std::optional<int64_t> concatDim(const Op &op, const OpRule &rule);
// True when the concat runs along the channel axis (so it ties no channels).
bool isChannelConcat(const Op &op, const OpRule &rule);

// Number of operands that are tensors.
unsigned numTensorOperands(const Op &op);

// A layer's output / input channel count: the attribute the rule names for it,
// else dim 1 of the result / first operand.
std::optional<int64_t> outChannels(const Op &op, const OpRule *rule);
std::optional<int64_t> inChannels(const Op &op, const OpRule *rule);

// `groups` of a grouped layer (1 when the rule or the op has none).
int64_t convGroups(const Op &op, const OpRule *rule);
// `num_groups` of a group norm (nullopt when the op lacks it).
std::optional<int64_t> normGroups(const Op &op, const OpRule *rule);

// A depthwise conv: grouped, groups == out_channels, and more than one group
// (NNI's _conv_condition without its groups == out_channels == 1 corner).
bool isDepthwise(const Op &op, const OpRule *rule);
// A group norm with one channel per group (num_groups == num_channels > 1).
bool isPerChannelGroupNorm(const Op &op, const OpRule *rule);

// Whether every dependency walk stops at this op: a `barrier`. An op no rule
// covers passes, as every op outside NNI's lists does in NNI; the driver's
// --unknown-ops policy (passes/graph/UnknownOps.h) gives each unknown op a barrier
// or transparent rule before any pass runs, so the walks follow that choice.
inline bool stopsAllWalks(const OpRule *rule) { return rule && rule->has(Trait::Barrier); }

} // namespace pd
