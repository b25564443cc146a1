// The result of channel-dependency and input-channel-dependency: layers that
// must be pruned together, as a partition. Every reported layer (every target
// of the analysis) is in exactly one set, singletons included; members are
// sorted by name and sets by their first member, so the output is stable.
//
// Stored flat (one array of members, one of offsets): a million-layer graph
// has half a million singleton sets, and a vector per set would cost as many
// heap allocations.
#pragma once
#include "passes/index/LayerIndex.h"
#include "passes/index/UnionFind.h"

#include <llvm/ADT/ArrayRef.h>

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace pd {

class DependencySets {
public:
  using Set = llvm::ArrayRef<Layer>;

  DependencySets() = default;
  DependencySets(DependencySets &&) = default;
  DependencySets &operator=(DependencySets &&) = default;
  DependencySets(const DependencySets &o);
  DependencySets &operator=(const DependencySets &o);

  llvm::ArrayRef<Set> sets() const { return views_; }
  // Every set's members, set after set: each set is a slice of this array.
  llvm::ArrayRef<Layer> members() const { return members_; }
  // Set indices in the order of their first reported layer in the graph (the
  // numbering of NNI's CSV export).
  llvm::ArrayRef<uint32_t> graphOrder() const { return graphOrder_; }
  // The set holding the layer called `name`, or null.
  const Set *find(Symbol name) const;

  // Reads the classes of `uf` (whose elements 0..numLayers-1 are the layers),
  // which it uses up: one set per class holding a layer for which `reported`
  // is true, with every layer of that class as a member. `reported` is asked
  // in graph order, at most once per layer, and not of the layers after the
  // first reported one of their class (a predicate: the answer is the same).
  static DependencySets fromClasses(const LayerIndex &ix, UnionFind &&uf,
                                    const std::function<bool(const Layer &)> &reported);
  // The same, a layer reported when its rule has any of `reportedTraits`:
  // the test reads the index's traits word per layer and nothing else (the
  // built-in analyses; at a million ops reading each Layer record for the
  // callback is a 10 MB stream).
  static DependencySets fromClasses(const LayerIndex &ix, UnionFind &&uf, TraitSet reportedTraits);

private:
  // isReported(layer id) -> bool; asked at most once per layer, in graph
  // order, and not of a layer whose class is reported already.
  template <typename IsReported>
  static DependencySets fromMarkedClasses(const LayerIndex &ix, UnionFind &&uf,
                                          IsReported isReported);
  void rebuildViews();

  // Every array holds one entry per reported layer or set: LargeVectors, so
  // that a million-op graph's result is not built on fresh pages each run.
  LargeVector<Layer> members_;   // set after set, each sorted by name
  LargeVector<uint32_t> begin_;  // set i is members_[begin_[i], begin_[i+1])
  LargeVector<Set> views_;       // one view per set into members_
  LargeVector<uint32_t> graphOrder_;
  // Every member's name with its set, sorted by name: find() bisects it,
  // reading the names' text only then (building it from the index's name
  // order needs no name read at all).
  LargeVector<std::pair<Symbol, uint32_t>> byName_;
};

} // namespace pd
