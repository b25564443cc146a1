// attention-weight-dependency: the q, k, v and output projections of one
// attention layer (NNI's AttentionWeightDependency).
//
// For each `matmul` op, the nearest `linear` layers upstream and downstream,
// not walking through an `attention-barrier` (LayerNorm) or a `barrier`.
// Exactly three upstream and one downstream make a group [q, k, v, o]; q, k, v
// in graph order.
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/index/LayerIndex.h"

#include <array>
#include <vector>

namespace pd {

struct AttentionGroup {
  const Op *matmul;
  Symbol matmulName;           // display name of the matmul op
  std::array<Layer, 4> layers; // q, k, v, o
};

class AttentionWeightDependency {
public:
  // One group per matmul that has three linear layers above and one below, in
  // graph order of the matmul.
  llvm::ArrayRef<AttentionGroup> groups() const { return groups_; }
  // The distinct groups, sorted by their members' names (two matmuls of one
  // attention may see the same four layers).
  llvm::ArrayRef<std::array<Layer, 4>> distinctSets() const { return distinct_; }

  static AttentionWeightDependency compute(const LayerIndex &ix);

private:
  // Tens of thousands of groups at a million ops: LargeVectors, not fresh
  // pages on every run.
  LargeVector<AttentionGroup> groups_;
  LargeVector<std::array<Layer, 4>> distinct_;
};

struct AttentionWeightDependencyAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "attention-weight-dependency";
  using Result = AttentionWeightDependency;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
