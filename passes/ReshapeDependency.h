// reshape-dependency: for each `view` op (view, reshape), the conv/linear
// layers directly upstream of it (NNI's ReshapeDependency). Their output
// channels feed fixed view sizes, so pruning them may break the view.
//
// The walk from a view passes every op except a `weight-layer` (collected)
// and a `barrier`.
#pragma once
#include "passes/AnalysisManager.h"
#include "passes/LayerIndex.h"

#include <vector>

namespace pd {

struct ReshapeEntry {
  const Op *op;
  Symbol name;               // the op's display name (its result)
  std::vector<Layer> layers; // sorted by name
};

class ReshapeDependency {
public:
  // Every view op, in graph order, even those with no layer upstream.
  const std::vector<ReshapeEntry> &ops() const { return ops_; }

  static ReshapeDependency compute(const LayerIndex &ix);

private:
  std::vector<ReshapeEntry> ops_;
};

struct ReshapeDependencyAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "reshape-dependency";
  using Result = ReshapeDependency;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
