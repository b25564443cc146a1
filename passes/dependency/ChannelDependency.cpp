#include "passes/dependency/ChannelDependency.h"

namespace pd {

AnalysisKey ChannelDependencyAnalysis::Key;
AnalysisKey BatchNormDependencyAnalysis::Key;

ChannelDependencyAnalysis::Result ChannelDependencyAnalysis::run(Graph &, AnalysisManager &am) {
  return computeChannelDependency(am.getResult<LayerIndexAnalysis>(),
                                  am.getResult<ChannelAxesAnalysis>(), PruneType::Filter);
}

BatchNormDependencyAnalysis::Result BatchNormDependencyAnalysis::run(Graph &,
                                                                     AnalysisManager &am) {
  return computeChannelDependency(am.getResult<LayerIndexAnalysis>(),
                                  am.getResult<ChannelAxesAnalysis>(), PruneType::BatchNorm);
}

DependencySets computeChannelDependency(const LayerIndex &ix, const ChannelAxes &axes, PruneType type) {
  TraitSet targets = traitSet({targetTrait(type)});
  return DependencySets::fromClasses(ix, axes.layerClasses(ix, SlotRole::Out, targets), targets);
}

} // namespace pd
