// channel-dependency: layers whose output channels must be pruned together
// (NNI's ChannelDependency).
//
// Targets are the layers the op table marks `channel-target` (filter pruning:
// Conv*, ConvTranspose*, Linear, Embedding) or `batchnorm-target` (BatchNorm*).
// Two targets are in one set when their output channels reach one class of
// tied channels (passes/channels/ChannelAxes.h), transitively: through elementwise
// ops and broadcasts (NNI's joins), a depthwise conv or per-channel GroupNorm
// (NNI's depthwise rule: its input channel i is its output channel i), and
// also where NNI's walks stop or miss: permutes and transposes, views that
// merge or split the channel dim, the contraction of a matmul, the pieces of
// a concat or chunk, a channel shuffle. The sets are read from the same index
// maps as channel-groups, so they never split layers channel-groups ties.
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/channels/ChannelAxes.h"
#include "passes/index/DependencySets.h"

namespace pd {

enum class PruneType { Filter, BatchNorm };

// The trait of the layers a prune type reports.
inline Trait targetTrait(PruneType type) {
  return type == PruneType::Filter ? Trait::ChannelTarget : Trait::BatchNormTarget;
}

DependencySets computeChannelDependency(const LayerIndex &ix, const ChannelAxes &axes, PruneType type);

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
