#include "passes/ChannelDependency.h"

#include "passes/GraphWalk.h"
#include "passes/OpFacts.h"

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
  // NNI's _get_parent_layers: stop at a target and at a reshape that changes
  // the channel count; everything else passes.
  StepTable toTargets(ix, [&](const Op &op, const OpRule *r) {
    if (r && r->has(target))
      return Step::Collect;
    if (stopsAllWalks(r) || (r && r->has(Trait::Reshape) && !keepsChannelCount(op, *r)))
      return Step::Stop;
    return Step::Pass;
  });
  const uint32_t numLayers = ix.numLayers(), numOps = ix.size();
  UnionFind uf(numLayers + numOps);
  UpwardJoiner joinTargets(ix, toTargets, uf, numLayers);
  std::vector<uint32_t> selfJoins;
  for (uint32_t pos = 0; pos < numOps; ++pos) {
    const OpRule *r = ix.rule(pos);
    if (!r)
      continue;
    const Op *op = &ix.op(pos);
    // Two tensors combined position by position must agree on channels; one
    // tensor and a scalar tie nothing (NNI walks from `x * 2` too, and so
    // ties whatever a matmul or an unknown op above it read).
    bool joins = (r->has(Trait::Elementwise) && numTensorOperands(*op) >= 2) ||
                 (r->has(Trait::Concat) && !isChannelConcat(*op, *r));
    if (joins)
      joinTargets.joinFrom(joinTargets.cell(pos), pos);
    // Only a layer can join itself (a functional conv has no module to prune).
    if ((isDepthwise(*op, r) || isPerChannelGroupNorm(*op, r)) &&
        ix.layerOf(pos) != LayerIndex::kNoLayer)
      selfJoins.push_back(pos);
  }
  if (!selfJoins.empty()) {
    // NNI's _depthwise_get_parent: stop at conv/linear only. Its memo cells
    // are a second block of elements (what lies above an op differs by walk).
    StepTable toWeights(ix, [](const Op &, const OpRule *r) {
      if (r && r->has(Trait::WeightLayer))
        return Step::Collect;
      return stopsAllWalks(r) ? Step::Stop : Step::Pass;
    });
    uf.grow(numOps);
    UpwardJoiner joinWeights(ix, toWeights, uf, numLayers + numOps);
    for (uint32_t pos : selfJoins)
      joinWeights.joinFromPredecessors(ix.layerOf(pos), pos);
  }
  return DependencySets::fromClasses(ix, uf, [&](const Layer &l) {
    return ix.has(l.position, target);
  });
}

} // namespace pd
