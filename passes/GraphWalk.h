// Worklist walks over the graph, shared by the dependency analyses.
//
// NNI answers "which layers are nearest upstream of this op" with a fresh
// list-based BFS per op, so a chain of n residual adds costs O(n^2). Here an
// analysis first classifies every op once for its kind of walk (a StepTable:
// pass through, collect and stop, or stop), then walks positions over the
// LayerIndex's edge arrays; the walks that merge what they find
// (channel-dependency) are memoised: see UpwardJoiner.
#pragma once
#include "passes/LayerIndex.h"
#include "passes/UnionFind.h"

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

// found[pos] = 1 when a walk upward from that op (the op included) collects
// at least one layer. One forward sweep.
LargeVector<uint8_t> collectsUpward(const LayerIndex &ix, const StepTable &steps);

// Merges, into one class of a UnionFind, every layer a walk upward reaches.
//
// Union-find elements 0..numLayers-1 are the layers; elements base+pos are
// this joiner's memo cells. When a walk expands an op X it unites X's cell with
// the class it is building, which then holds every layer upstream of X. A later
// walk reaching X unites with that cell and stops: its layers are already in
// one class. That is exactly NNI's merge of overlapping sets, because the cell
// is only used when X's upstream is not empty (`collectsUpward`): two walks
// that share a non-empty upstream set share a layer, and NNI merges them too.
// Every op is expanded at most once per joiner, so all walks together are
// linear in the size of the graph.
class UpwardJoiner {
public:
  // `uf` must have at least base + ix.size() elements.
  UpwardJoiner(const LayerIndex &ix, const StepTable &steps, UnionFind &uf, uint32_t base);

  // Unites `into` with every layer collected upward from the op at `pos`, that
  // op included (NNI's _get_parent_layers).
  void joinFrom(uint32_t into, uint32_t pos);
  // The same, starting at the producers of its operands (NNI's
  // _depthwise_get_parent).
  void joinFromPredecessors(uint32_t into, uint32_t pos);

  // The memo cell of the op at `pos`.
  uint32_t cell(uint32_t pos) const { return base_ + pos; }

private:
  void visit(uint32_t into, uint32_t pos);
  void drain(uint32_t into);

  const LayerIndex &ix_;
  const StepTable &steps_;
  UnionFind &uf_;
  uint32_t base_;
  LargeVector<uint8_t> found_;
  LargeVector<uint8_t> expanded_;
  LargeVector<uint32_t> work_;
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
