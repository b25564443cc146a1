// input-channel-dependency: conv/linear layers that read the same tensor,
// directly or through ops that keep its channel count, must prune the same
// input channels (NNI's InputChannelDependency).
//
// The downward walk from a tensor stops at a `weight-layer` (collected), at a
// `reshape` op that changes the channel count and at a `barrier`. Reported
// layers: every `channel-target` or `weight-layer` layer (NNI reports its
// filter targets, Embedding included, as singletons).
#pragma once
#include "passes/AnalysisManager.h"
#include "passes/DependencySets.h"

namespace pd {

DependencySets computeInputChannelDependency(const Graph &g, const LayerIndex &ix);

struct InputChannelDependencyAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "input-channel-dependency";
  using Result = DependencySets;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
