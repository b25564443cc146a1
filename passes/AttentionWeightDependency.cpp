#include "passes/AttentionWeightDependency.h"

#include "passes/GraphWalk.h"
#include "passes/OpFacts.h"

#include <algorithm>

namespace pd {

AnalysisKey AttentionWeightDependencyAnalysis::Key;

AttentionWeightDependencyAnalysis::Result
AttentionWeightDependencyAnalysis::run(Graph &, AnalysisManager &am) {
  return AttentionWeightDependency::compute(am.getResult<LayerIndexAnalysis>());
}

namespace {

// The distinct layers a walk reaches, kept only up to Cap: the analysis only
// asks "exactly three?" and "exactly one?", so a set that reaches Cap stands
// for "too many". Exact while below Cap (a union of exact small sets is exact;
// a union involving a full set is full), O(1) per edge.
template <unsigned Cap> struct CappedSet {
  uint32_t n = 0;
  uint32_t ids[Cap];

  void add(uint32_t id) {
    if (n == Cap)
      return;
    for (uint32_t i = 0; i < n; ++i)
      if (ids[i] == id)
        return;
    ids[n++] = id;
  }
  void merge(const CappedSet &o) {
    for (uint32_t i = 0; i < o.n && n < Cap; ++i)
      add(o.ids[i]);
  }
};

} // namespace

// NNI runs two BFS per matmul over everything between it and the nearest
// Linear layers; here one forward and one backward sweep give every op's
// nearest Linear layers above and below it.
AttentionWeightDependency AttentionWeightDependency::compute(const LayerIndex &ix) {
  StepTable steps(ix, [](uint32_t, const OpRule *r) {
    if (r && r->has(Trait::Linear))
      return Step::Collect;
    if (stopsAllWalks(r) || (r && r->has(Trait::AttentionBarrier)))
      return Step::Stop;
    return Step::Pass;
  });
  const uint32_t n = ix.size();
  LargeVector<CappedSet<4>> above(n);
  for (uint32_t pos = 0; pos < n; ++pos) {
    CappedSet<4> &s = above[pos];
    if (steps[pos] == Step::Collect)
      s.add(ix.layerOf(pos));
    else if (steps[pos] == Step::Pass)
      for (uint32_t p : ix.preds(pos))
        s.merge(above[p]);
  }
  LargeVector<CappedSet<2>> below(n);
  for (uint32_t pos = n; pos-- > 0;) {
    CappedSet<2> &s = below[pos];
    if (steps[pos] == Step::Collect)
      s.add(ix.layerOf(pos));
    else if (steps[pos] == Step::Pass)
      for (uint32_t u : ix.succs(pos))
        s.merge(below[u]);
  }

  AttentionWeightDependency out;
  std::vector<std::array<uint32_t, 4>> sets; // layer ids, one per group
  for (uint32_t pos = 0; pos < n; ++pos) {
    if (!ix.has(pos, Trait::Matmul))
      continue;
    const Op *op = &ix.op(pos);
    const CappedSet<4> &up = above[pos];
    const CappedSet<2> &down = below[pos];
    if (up.n != 3 || down.n != 1)
      continue;
    std::array<uint32_t, 3> qkv = {up.ids[0], up.ids[1], up.ids[2]};
    // Layer ids are numbered in graph order of the first call.
    std::sort(qkv.begin(), qkv.end());
    out.groups_.push_back({op, Symbol::get(op->displayName()),
                           {ix.layer(qkv[0]), ix.layer(qkv[1]), ix.layer(qkv[2]),
                            ix.layer(down.ids[0])}});
    sets.push_back({qkv[0], qkv[1], qkv[2], down.ids[0]});
  }

  // Distinct sets in name order, compared as the members' ranks in the
  // index's name order: the same order as comparing the names (a layer's name
  // is unique), without reading a name scattered in the symbol pool per
  // comparison (n log n of them made this sort most of the analysis at 1M ops).
  LargeVector<uint32_t> rankOf(ix.numLayers());
  llvm::ArrayRef<uint32_t> byName = ix.layersByName();
  for (uint32_t r = 0; r < byName.size(); ++r)
    rankOf[byName[r]] = r;
  for (auto &set : sets)
    for (uint32_t &l : set)
      l = rankOf[l];
  std::sort(sets.begin(), sets.end());
  sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
  out.distinct_.reserve(sets.size());
  for (const auto &ranks : sets)
    out.distinct_.push_back({ix.layer(byName[ranks[0]]), ix.layer(byName[ranks[1]]),
                             ix.layer(byName[ranks[2]]), ix.layer(byName[ranks[3]])});
  return out;
}

} // namespace pd
