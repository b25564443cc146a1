// channel axes: which tensor dims and layer weight dims carry the same
// channels, the one source of truth every layer-level answer reads.
//
// It runs the index maps of channel-groups (passes/channels/ChannelMaps.h, the
// `[channel-map]` table) over the same blocks (a tensor's dim, a layer's
// weight dim), but keeps nothing per channel index: two blocks tied index by
// index become one *class*; any other tie (a concat piece at an offset, a
// chunk, a channel shuffle, a group fold) is a run between classes. Runs cut
// classes into *segments* (index ranges that every run maps whole), and the
// segments that runs tie form segment classes. Two positions are tied in
// channel-groups exactly when their segments are in one segment class at the
// same offset, so a layer-level set read from the segment classes never
// splits layers channel-groups ties, and ties nothing channel-groups does not.
// Memory is a few words per block, run and segment: none per channel, except
// where a map ties single indices (a shuffle, a flatten of spatial dims).
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/channels/ChannelPositions.h"
#include "passes/index/LayerIndex.h"
#include "passes/index/UnionFind.h"

#include <llvm/ADT/ArrayRef.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace pd {

class ChannelAxes {
public:
  // A layer's weight dim that channels reach: the layer's output channels
  // (norm layers: their channels) or its input channels.
  struct Slot {
    uint32_t layer;
    SlotRole role;
    uint32_t firstSegment, numSegments;
  };
  llvm::ArrayRef<Slot> slots() const { return slots_; }
  uint32_t numSegmentClasses() const { return numSegmentClasses_; }
  uint32_t segmentClass(uint32_t segment) const { return segmentClass_[segment]; }

  // The layer-level partition of `role`: layers whose rule has any of
  // `targets` and whose `role` slots reach one segment class are in one
  // class, transitively (a target layer joins every segment of its slot: a
  // conv whose output feeds two halves of a concat ties both halves'
  // readers). Under filter pruning (`targets` has channel-target) a
  // per-channel GroupNorm joins with its channels too (NNI's depthwise rule).
  // Elements 0..numLayers-1 are the layers (DependencySets).
  UnionFind layerClasses(const LayerIndex &ix, SlotRole role, TraitSet targets) const;
  // Whether `layer` is a member of those classes (and joins what its `role`
  // slots reach): the one test layerClasses and --explain share.
  static bool isMember(const LayerIndex &ix, uint32_t layer, SlotRole role, TraitSet targets);

  // The ties themselves, kept only when asked (for --explain): every block,
  // its segment range, and every run, whole ties included, with its op.
  struct TieGraph {
    std::vector<PositionBlock> blocks;
    std::vector<uint32_t> firstSegment; // by block
    std::vector<uint32_t> numSegments;  // by block (its class's)
    std::vector<int64_t> segmentStart;  // by segment: its first index in its class
    std::vector<TieRun> runs;
  };
  const TieGraph *graph() const { return graph_.get(); }

  static ChannelAxes compute(const LayerIndex &ix, bool keepGraph = false);

private:
  std::vector<Slot> slots_;
  LargeVector<uint32_t> segmentClass_;
  uint32_t numSegmentClasses_ = 0;
  std::shared_ptr<TieGraph> graph_;
};

struct ChannelAxesAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "channel-axes";
  using Result = ChannelAxes;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
