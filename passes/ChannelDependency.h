// channel-dependency: layers whose output channels must be pruned together
// (NNI's ChannelDependency).
//
// Targets are the layers the op table marks `channel-target` (filter pruning:
// Conv*, ConvTranspose*, Linear, Embedding) or `batchnorm-target` (BatchNorm*).
// Joins:
//  - an `elementwise` op with two or more tensor operands (add, mul, ...)
//    joins the nearest targets upstream of it;
//  - so does a `concat` op that is not on the channel axis;
//  - a depthwise conv (groups == out_channels) and a per-channel GroupNorm
//    (num_groups == num_channels) join themselves with the nearest
//    `weight-layer` (conv/linear) upstream.
// The upward walk from a join stops at a target, at a `reshape` op that
// changes the channel count (read from the shapes), and at a `barrier`.
#pragma once
#include "passes/AnalysisManager.h"
#include "passes/DependencySets.h"
#include "passes/UnionFind.h"

namespace pd {

enum class PruneType { Filter, BatchNorm };

DependencySets computeChannelDependency(const LayerIndex &ix, PruneType type);

// The classes behind computeChannelDependency, for passes that need more than
// the sets (explain: which joins tie a layer's set). Elements
// 0..numLayers-1 are the layers; element numLayers + pos is the op at `pos`:
// a join's element is in the class of the layers it ties.
UnionFind channelDependencyClasses(const LayerIndex &ix, PruneType type);

// Filter pruning (NNI's prune_type='Filter').
struct ChannelDependencyAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "channel-dependency";
  using Result = DependencySets;
  Result run(Graph &g, AnalysisManager &am);
};

// BatchNorm pruning (NNI's prune_type='Batchnorm').
struct BatchNormDependencyAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "channel-dependency{prune-type=batchnorm}";
  using Result = DependencySets;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
