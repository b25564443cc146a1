#include "passes/index/WalkSteps.h"

#include "passes/index/OpFacts.h"

#include <algorithm>

namespace pd {

StepTable channelTargetSteps(const LayerIndex &ix) { return StepTable(ix, WalkKind::ChannelTargets); }

StepTable weightLayerSteps(const LayerIndex &ix) { return StepTable(ix, WalkKind::WeightLayers); }

StepTable attentionLinearSteps(const LayerIndex &ix) { return StepTable(ix, WalkKind::AttentionLinears); }

uint8_t walkStepsAt(const OpRule *r, bool changesChannels, bool isLayer) {
  auto step = [&](Trait collect, bool stop) {
    if (r && r->has(collect))
      return isLayer ? Step::Collect : Step::Stop;
    return stopsAllWalks(r) || stop ? Step::Stop : Step::Pass;
  };
  Step steps[kNumWalkKinds];
  steps[unsigned(WalkKind::ChannelTargets)] = step(Trait::ChannelTarget, changesChannels);
  steps[unsigned(WalkKind::WeightLayers)] = step(Trait::WeightLayer, false);
  steps[unsigned(WalkKind::AttentionLinears)] =
      step(Trait::Linear, r && r->has(Trait::AttentionBarrier));
  uint8_t packed = 0;
  for (unsigned k = 0; k < kNumWalkKinds; ++k)
    packed |= static_cast<uint8_t>(static_cast<unsigned>(steps[k]) << (2 * k));
  return packed;
}

bool isChannelJoin(const Op &op, const OpRule &rule) {
  return (rule.has(Trait::Elementwise) && numTensorOperands(op) >= 2) ||
         (rule.has(Trait::Concat) && !isChannelConcat(op, rule));
}

bool isSelfJoin(const LayerIndex &ix, uint32_t pos) { return ix.isSelfJoin(pos); }

int64_t requiredGroups(const Op &op, const OpRule *rule) {
  if (!rule)
    return 0;
  if (rule->has(Trait::Grouped)) {
    int64_t g = convGroups(op, rule);
    // One group is 1 either way: skip the channel count (a second attribute
    // read per conv of the graph).
    return g == 1 || outChannels(op, rule) == g ? 1 : g;
  }
  if (rule->has(Trait::GroupNorm))
    return std::max<int64_t>(normGroups(op, rule).value_or(1), 1);
  return 0;
}

} // namespace pd
