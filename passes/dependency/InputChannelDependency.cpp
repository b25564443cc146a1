#include "passes/dependency/InputChannelDependency.h"

namespace pd {

AnalysisKey InputChannelDependencyAnalysis::Key;

InputChannelDependencyAnalysis::Result InputChannelDependencyAnalysis::run(Graph &,
                                                                           AnalysisManager &am) {
  return computeInputChannelDependency(am.getResult<LayerIndexAnalysis>(),
                                       am.getResult<ChannelAxesAnalysis>());
}

DependencySets computeInputChannelDependency(const LayerIndex &ix, const ChannelAxes &axes) {
  TraitSet targets = traitSet({Trait::ChannelTarget, Trait::WeightLayer});
  return DependencySets::fromClasses(ix, axes.layerClasses(ix, SlotRole::In, targets), targets);
}

} // namespace pd
