#include "passes/dependency/AttentionWeightDependency.h"

#include "passes/index/OpFacts.h"
#include "passes/index/WalkSteps.h"

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

using RankSet = std::array<uint32_t, 4>;

// Sorts the sets of ranks (each below numLayers) lexicographically: an LSD
// radix sort over 16-bit digits, last rank first, so linear in the sets and
// the layers where std::sort was n log n (a fifth of the analysis at 1M ops).
void sortRankSets(LargeVector<RankSet> &sets, uint32_t numLayers) {
  if (sets.size() < 4096) {
    std::sort(sets.begin(), sets.end());
    return;
  }
  const unsigned digits = numLayers > (1u << 16) ? 2 : 1;
  LargeVector<RankSet> tmp(sets.size());
  std::vector<uint32_t> count((1u << 16) + 1);
  for (int k = 3; k >= 0; --k)
    for (unsigned d = 0; d < digits; ++d) {
      const unsigned shift = 16 * d;
      std::fill(count.begin(), count.end(), 0);
      for (const RankSet &s : sets)
        ++count[((s[k] >> shift) & 0xffff) + 1];
      for (size_t b = 1; b < count.size(); ++b)
        count[b] += count[b - 1];
      for (const RankSet &s : sets)
        tmp[count[(s[k] >> shift) & 0xffff]++] = s;
      sets.swap(tmp);
    }
}

} // namespace

// NNI runs two BFS per matmul over everything between it and the nearest
// Linear layers; here one forward and one backward sweep give every op's
// nearest Linear layers above and below it.
//
// Each sweep appends its sets in the order it visits the ops (the backward
// one into an array reversed by position) instead of filling arrays cleared
// first: at a million ops every pass over these bytes per op is a pass over
// DRAM. Each sweep also copies out what the groups need as it goes (the
// forward one the matmuls with three Linears above, the backward one their
// Linear below), so nothing reads a sweep's array again at scattered places
// afterwards: at a million ops those were a DRAM miss per matmul.
AttentionWeightDependency AttentionWeightDependency::compute(const LayerIndex &ix) {
  StepTable steps = attentionLinearSteps(ix);
  const uint32_t n = ix.size();
  struct Candidate {
    uint32_t pos;
    std::array<uint32_t, 3> up; // the three Linear layers above
    uint32_t down;              // the one below, or kNoLayer
  };
  LargeVector<Candidate> candidates; // in graph order
  {
    LargeVector<CappedSet<4>> above;
    above.reserve(n);
    for (uint32_t pos = 0; pos < n; ++pos) {
      CappedSet<4> &s = above.emplace_back();
      if (steps[pos] == Step::Collect)
        s.add(ix.layerOf(pos));
      else if (steps[pos] == Step::Pass)
        for (uint32_t p : ix.preds(pos))
          s.merge(above[p]);
      if (s.n == 3 && ix.isMatmul(pos))
        candidates.push_back({pos, {s.ids[0], s.ids[1], s.ids[2]}, LayerIndex::kNoLayer});
    }
  }
  // belowRev[n - 1 - pos]: the sets of the ops below, in the sweep's order.
  LargeVector<CappedSet<2>> belowRev;
  belowRev.reserve(n);
  size_t next = candidates.size(); // candidates[next - 1] is the next one up
  for (uint32_t pos = n; pos-- > 0;) {
    CappedSet<2> &s = belowRev.emplace_back();
    if (steps[pos] == Step::Collect)
      s.add(ix.layerOf(pos));
    else if (steps[pos] == Step::Pass)
      for (uint32_t u : ix.succs(pos))
        s.merge(belowRev[n - 1 - u]);
    if (next > 0 && candidates[next - 1].pos == pos) {
      --next;
      if (s.n == 1)
        candidates[next].down = s.ids[0];
    }
  }

  AttentionWeightDependency out;
  // Layer ids, one per group; compared below as the members' ranks in the
  // index's name order, the same order as comparing the names (a layer's name
  // is unique), without reading a name scattered in the symbol pool per
  // comparison (n log n of them made this sort most of the analysis at 1M ops).
  LargeVector<RankSet> sets;
  out.groups_.reserve(candidates.size());
  sets.reserve(candidates.size());
  for (const Candidate &c : candidates) {
    if (c.down == LayerIndex::kNoLayer)
      continue;
    const uint32_t pos = c.pos, down = c.down;
    std::array<uint32_t, 3> qkv = c.up;
    // Layer ids are numbered in graph order of the first call.
    std::sort(qkv.begin(), qkv.end());
    out.groups_.push_back({&ix.op(pos), ix.displayName(pos),
                           {ix.layer(qkv[0]), ix.layer(qkv[1]), ix.layer(qkv[2]), ix.layer(down)}});
    sets.push_back({ix.nameRank(qkv[0]), ix.nameRank(qkv[1]), ix.nameRank(qkv[2]), ix.nameRank(down)});
  }
  sortRankSets(sets, ix.numLayers());
  sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
  llvm::ArrayRef<Layer> layerAtRank = ix.layersInNameOrder();
  out.distinct_.reserve(sets.size());
  for (const auto &ranks : sets)
    out.distinct_.push_back({layerAtRank[ranks[0]], layerAtRank[ranks[1]], layerAtRank[ranks[2]],
                             layerAtRank[ranks[3]]});
  return out;
}

} // namespace pd
