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

// One Step per position for one kind of walk. The built-in walks are a view
// of the steps the LayerIndex decided at build time (walkStep; the rules are
// in WalkSteps.h): at a million ops an analysis building its own table from
// the rules read 9-13 bytes per position to write one; this reads the index's
// word in place. Only a layer (a module call) can be collected: an op with a
// layer's traits that is no module call (F.linear) stops the walk instead.
//
// A walk of one's own (a new analysis, in the tree or in a plugin) needs no
// change to the index: give the step of each op as a function, decided here
// once per op into a byte per position.
class StepTable {
public:
  StepTable(const LayerIndex &ix, WalkKind kind) : ix_(&ix), kind_(kind) {}
  template <typename StepAt> // Step stepAt(const LayerIndex &, uint32_t pos)
  static StepTable decide(const LayerIndex &ix, StepAt stepAt) {
    StepTable t(ix, WalkKind::ChannelTargets);
    t.own_.reserve(ix.size());
    for (uint32_t pos = 0; pos < ix.size(); ++pos)
      t.own_.push_back(static_cast<uint8_t>(stepAt(ix, pos)));
    return t;
  }
  Step operator[](uint32_t pos) const {
    return static_cast<Step>(own_.empty() ? ix_->walkStep(kind_, pos) : own_[pos]);
  }

private:
  const LayerIndex *ix_;
  WalkKind kind_;
  std::vector<uint8_t> own_; // a walk of one's own; empty for a built-in walk
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
