// reshape-dependency: for each `view` op (view, reshape), the conv/linear
// layers directly upstream of it (NNI's ReshapeDependency). Their output
// channels feed fixed view sizes, so pruning them may break the view.
//
// The walk from a view passes every op except a `weight-layer` (collected)
// and a `barrier`.
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/index/LayerIndex.h"

#include <llvm/ADT/ArrayRef.h>

namespace pd {

// One view op and the layers above it.
struct ReshapeEntry {
  uint32_t position;               // the view's position in the LayerIndex
  Symbol name;                     // its display name (its result)
  llvm::ArrayRef<uint32_t> layers; // layer ids (LayerIndex::layer), sorted by name
};

class ReshapeDependency {
public:
  // Every view op, in graph order, even those with no layer upstream.
  uint32_t size() const { return static_cast<uint32_t>(views_.size()); }
  // Entry e, its layers a view of this object's arrays.
  ReshapeEntry entry(uint32_t e) const {
    const uint32_t *layers = layers_.data();
    return {views_[e], names_[e], {layers + layersFrom_[e], layers + layersFrom_[e + 1]}};
  }

  static ReshapeDependency compute(const LayerIndex &ix);

private:
  // A sixth of a transformer's ops are views: flat arrays, each written once
  // as the walks go (no vector per view, no per-entry copies of the layers).
  LargeVector<uint32_t> views_;      // entry e's view is at position views_[e]
  LargeVector<Symbol> names_;        // its display name
  LargeVector<uint32_t> layers_;     // every entry's layer ids, entry after entry
  LargeVector<uint32_t> layersFrom_; // entry e's are layers_[layersFrom_[e], layersFrom_[e + 1])
};

struct ReshapeDependencyAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "reshape-dependency";
  using Result = ReshapeDependency;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
