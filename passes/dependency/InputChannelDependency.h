// input-channel-dependency: conv/linear layers that must prune the same input
// channels (NNI's InputChannelDependency).
//
// Two layers are in one set when their input channels reach one class of
// tied channels (passes/channels/ChannelAxes.h), transitively: layers reading the same
// tensor (NNI's rule), and also readers of tensors that share channels
// through a concat, a pool branch, a permute or a view, which NNI misses.
// Reported layers: every `channel-target` or `weight-layer` layer (NNI reports
// its filter targets, Embedding included, as singletons).
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/channels/ChannelAxes.h"
#include "passes/index/DependencySets.h"

namespace pd {

DependencySets computeInputChannelDependency(const LayerIndex &ix, const ChannelAxes &axes);

struct InputChannelDependencyAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "input-channel-dependency";
  using Result = DependencySets;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
