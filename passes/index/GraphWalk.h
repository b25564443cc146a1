// Worklist walks over the graph, shared by the analyses that still walk
// (group-, reshape-, attention-weight-dependency, explain, dot).
//
// NNI answers "which layers are nearest upstream of this op" with a fresh
// list-based BFS per op, so a chain of n residual adds costs O(n^2). Here an
// analysis first classifies every op once for its kind of walk (a StepTable:
// pass through, collect and stop, or stop), then walks positions over the
// LayerIndex's edge arrays, each op at most once per walk (EpochMarks).
#pragma once
#include "passes/index/LayerIndex.h"

#include <cstdint>
#include <vector>

namespace pd {

// What a walk does when it reaches an op.
enum class Step : uint8_t {
  Pass,    // keep walking through it
  Collect, // a layer the walk is looking for: record it, walk no further
  Stop,    // walk no further
};

// One Step per position for one kind of walk: a view of the steps the
// LayerIndex decided at build time for every walk (walkStep; the rules are in
// WalkSteps.h). At a million ops an analysis building its own table from the
// rules read 9-13 bytes per position to write one; this reads the index's
// word in place. Only a layer (a module call) can be collected: an op with a
// layer's traits that is no module call (F.linear) stops the walk instead.
class StepTable {
public:
  StepTable(const LayerIndex &ix, WalkKind kind) : ix_(&ix), kind_(kind) {}
  Step operator[](uint32_t pos) const { return static_cast<Step>(ix_->walkStep(kind_, pos)); }

private:
  const LayerIndex *ix_;
  WalkKind kind_;
};

// Visited marks that need no clearing between walks: each walk takes a new
// epoch, and "visited" means "marked in this epoch".
class EpochMarks {
public:
  explicit EpochMarks(size_t n = 0) : marks_(n, 0) {}
  void nextEpoch() { ++epoch_; }
  // Marks `i`; returns false when it was already marked in this epoch.
  bool mark(size_t i) {
    if (marks_[i] == epoch_)
      return false;
    marks_[i] = epoch_;
    return true;
  }

private:
  LargeVector<uint32_t> marks_;
  uint32_t epoch_ = 1;
};

} // namespace pd
