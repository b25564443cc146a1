// The walk rules the walking analyses share: which ops a walk collects,
// passes through or stops at, which ops tie the channels of the layers
// above them (joins), and what group count an op requires. group-dependency,
// reshape-dependency, attention-weight-dependency, explain and dot decide
// these the same way, so the rules live here once. (channel- and
// input-channel-dependency read the channel axes instead: ChannelAxes.h.)
#pragma once
#include "passes/index/GraphWalk.h"

#include <cstdint>

namespace pd {

// NNI's _get_parent_layers for channel-dependency (the dot picture's edges):
// collect `channel-target` layers, stop at a barrier and at a reshape that
// changes the channel count, pass everything else.
StepTable channelTargetSteps(const LayerIndex &ix);

// NNI's _depthwise_get_parent and the group-dependency walk: collect the
// nearest conv/linear (`weight-layer`), stop at a barrier only.
StepTable weightLayerSteps(const LayerIndex &ix);


// The attention-weight-dependency walk: collect `linear` layers, stop at a
// barrier and at an `attention-barrier` (LayerNorm).
StepTable attentionLinearSteps(const LayerIndex &ix);

// The rules behind the tables above, for the LayerIndex to decide once per
// op: every WalkKind's Step at an op with rule `rule` (null: none), packed two
// bits per kind. `changesChannels`: a reshape that does not keep the channel
// count; `isLayer`: a module call (anything else is never collected).
uint8_t walkStepsAt(const OpRule *rule, bool changesChannels, bool isLayer);

// An op that ties the channels of the targets above it: an `elementwise` op
// with two or more tensor operands (one tensor and a scalar tie nothing), or
// a `concat` off the channel axis.
bool isChannelJoin(const Op &op, const OpRule &rule);

// A layer that joins itself with the weight layers above it: a depthwise conv
// or a per-channel GroupNorm that is a module call (a functional op has no
// module to prune). Decided once in the LayerIndex (isSelfJoin(pos) there).
bool isSelfJoin(const LayerIndex &ix, uint32_t pos);

// The group count an op requires of its own channels and of the nearest
// conv/linear above it: a grouped conv's groups (1 for a depthwise conv,
// whose groups follow its channels), a group norm's num_groups (at least 1);
// 0 for any other op. The LayerIndex holds it per position (requiredGroups(pos)).
int64_t requiredGroups(const Op &op, const OpRule *rule);

} // namespace pd
