#include "passes/WalkSteps.h"

#include "passes/OpFacts.h"

#include <algorithm>

namespace pd {

StepTable channelTargetSteps(const LayerIndex &ix, Trait target) {
  return StepTable(ix, [&](uint32_t pos, const OpRule *r) {
    if (r && r->has(target))
      return Step::Collect;
    if (stopsAllWalks(r) || ix.changesChannels(pos))
      return Step::Stop;
    return Step::Pass;
  });
}

StepTable weightLayerSteps(const LayerIndex &ix) {
  return StepTable(ix, [](uint32_t, const OpRule *r) {
    if (r && r->has(Trait::WeightLayer))
      return Step::Collect;
    return stopsAllWalks(r) ? Step::Stop : Step::Pass;
  });
}

StepTable weightLayerChannelSteps(const LayerIndex &ix) {
  return StepTable(ix, [&](uint32_t pos, const OpRule *r) {
    if (r && r->has(Trait::WeightLayer))
      return Step::Collect;
    if (stopsAllWalks(r) || ix.changesChannels(pos))
      return Step::Stop;
    return Step::Pass;
  });
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
