#include "passes/ChannelDependency.h"

#include "passes/WalkSteps.h"

namespace pd {

AnalysisKey ChannelDependencyAnalysis::Key;
AnalysisKey BatchNormDependencyAnalysis::Key;

ChannelDependencyAnalysis::Result ChannelDependencyAnalysis::run(Graph &, AnalysisManager &am) {
  return computeChannelDependency(am.getResult<LayerIndexAnalysis>(), PruneType::Filter);
}

BatchNormDependencyAnalysis::Result BatchNormDependencyAnalysis::run(Graph &,
                                                                     AnalysisManager &am) {
  return computeChannelDependency(am.getResult<LayerIndexAnalysis>(), PruneType::BatchNorm);
}

DependencySets computeChannelDependency(const LayerIndex &ix, PruneType type) {
  const Trait target = type == PruneType::Filter ? Trait::ChannelTarget : Trait::BatchNormTarget;
  UnionFind uf = channelDependencyClasses(ix, type);
  return DependencySets::fromClasses(ix, std::move(uf), traitSet({target}));
}

UnionFind channelDependencyClasses(const LayerIndex &ix, PruneType type) {
  const Trait target = type == PruneType::Filter ? Trait::ChannelTarget : Trait::BatchNormTarget;
  StepTable toTargets = channelTargetSteps(ix, target);
  const uint32_t numLayers = ix.numLayers(), numOps = ix.size();
  UnionFind uf(numLayers + numOps);
  UpwardJoiner joinTargets(ix, toTargets, uf, numLayers);
  LargeVector<uint32_t> selfJoins;
  for (uint32_t pos = 0; pos < numOps; ++pos) {
    // Two tensors combined position by position must agree on channels; one
    // tensor and a scalar tie nothing (NNI walks from `x * 2` too, and so
    // ties whatever a matmul or an unknown op above it read). Both facts come
    // from the index (isChannelJoin, isSelfJoin): no Op is read here.
    if (ix.isChannelJoin(pos))
      joinTargets.joinFrom(joinTargets.cell(pos), pos);
    if (ix.isSelfJoin(pos))
      selfJoins.push_back(pos);
  }
  if (!selfJoins.empty()) {
    // NNI's _depthwise_get_parent: stop at conv/linear only. Its memo cells
    // are a second block of elements (what lies above an op differs by walk).
    StepTable toWeights = weightLayerSteps(ix);
    uf.grow(numOps);
    UpwardJoiner joinWeights(ix, toWeights, uf, numLayers + numOps);
    for (uint32_t pos : selfJoins)
      joinWeights.joinFromPredecessors(ix.layerOf(pos), pos);
  }
  return uf;
}

} // namespace pd
