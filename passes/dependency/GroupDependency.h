// group-dependency: the number each layer's output channel count must stay
// divisible by (NNI's GroupDependency).
//
// Every `grouped` layer (conv) and `group-norm` layer requires its own group
// count (1 for a depthwise conv, whose groups follow its channels); when that
// count g > 1, the nearest `weight-layer`s (conv/linear) upstream must keep a
// multiple of g output channels too. Per layer, `divisor` is the lcm of all
// requirements and `min_groups` their minimum when it divides all of them,
// else 1 (NNI's min_groups).
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/index/LayerIndex.h"

#include <vector>

namespace pd {

struct GroupConstraint {
  Layer layer;
  int64_t divisor;
  int64_t minGroups;
};

class GroupDependency {
public:
  // Every constrained layer, in graph order of its first call.
  llvm::ArrayRef<GroupConstraint> layers() const { return layers_; }
  // Indices into layers(), sorted by layer name.
  llvm::ArrayRef<uint32_t> byName() const { return byName_; }
  const GroupConstraint *find(Symbol layer) const;

  static GroupDependency compute(const LayerIndex &ix);

private:
  // Hundreds of thousands of rows at a million ops: LargeVectors, not fresh
  // pages on every run.
  LargeVector<GroupConstraint> layers_;
  LargeVector<uint32_t> byName_;
};

struct GroupDependencyAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "group-dependency";
  using Result = GroupDependency;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
