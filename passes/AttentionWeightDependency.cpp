#include "passes/AttentionWeightDependency.h"

#include "passes/OpFacts.h"
#include "passes/WalkSteps.h"

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
//
// The ids fill the slots from the front and kEmpty marks the free ones, so a
// set is Cap words with no count beside them: one per op in each sweep, at a
// million ops these arrays are what the sweeps stream from DRAM (16 and 8
// bytes per op; a count made them 20 and 12).
template <unsigned Cap> struct CappedSet {
  static constexpr uint32_t kEmpty = ~0u; // never a layer id (ids count layers)
  uint32_t ids[Cap];

  CappedSet() { std::fill(ids, ids + Cap, kEmpty); }
  uint32_t size() const {
    uint32_t n = 0;
    while (n < Cap && ids[n] != kEmpty)
      ++n;
    return n;
  }
  void add(uint32_t id) {
    for (uint32_t i = 0; i < Cap; ++i) {
      if (ids[i] == id)
        return;
      if (ids[i] == kEmpty) {
        ids[i] = id;
        return;
      }
    }
  }
  void merge(const CappedSet &o) {
    for (uint32_t i = 0; i < Cap && o.ids[i] != kEmpty && ids[Cap - 1] == kEmpty; ++i)
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
// first, and the backward sweep picks out the matmuls as it goes: at a million
// ops every pass over these 32 bytes per op is a pass over DRAM.
AttentionWeightDependency AttentionWeightDependency::compute(const LayerIndex &ix) {
  StepTable steps = attentionLinearSteps(ix);
  const uint32_t n = ix.size();
  LargeVector<CappedSet<4>> above;
  above.reserve(n);
  for (uint32_t pos = 0; pos < n; ++pos) {
    CappedSet<4> &s = above.emplace_back();
    if (steps[pos] == Step::Collect)
      s.add(ix.layerOf(pos));
    else if (steps[pos] == Step::Pass)
      for (uint32_t p : ix.preds(pos))
        s.merge(above[p]);
  }
  // belowRev[n - 1 - pos]: the sets of the ops below, in the sweep's order.
  LargeVector<CappedSet<2>> belowRev;
  belowRev.reserve(n);
  LargeVector<uint32_t> matmuls; // positions with a group, last first (reversed below)
  for (uint32_t pos = n; pos-- > 0;) {
    CappedSet<2> &s = belowRev.emplace_back();
    if (steps[pos] == Step::Collect)
      s.add(ix.layerOf(pos));
    else if (steps[pos] == Step::Pass)
      for (uint32_t u : ix.succs(pos))
        s.merge(belowRev[n - 1 - u]);
    if (ix.isMatmul(pos) && s.size() == 1 && above[pos].size() == 3)
      matmuls.push_back(pos);
  }

  AttentionWeightDependency out;
  // Layer ids, one per group; compared below as the members' ranks in the
  // index's name order, the same order as comparing the names (a layer's name
  // is unique), without reading a name scattered in the symbol pool per
  // comparison (n log n of them made this sort most of the analysis at 1M ops).
  LargeVector<RankSet> sets;
  out.groups_.reserve(matmuls.size());
  sets.reserve(matmuls.size());
  std::reverse(matmuls.begin(), matmuls.end()); // graph order
  for (uint32_t pos : matmuls) {
    const CappedSet<4> &up = above[pos];
    uint32_t down = belowRev[n - 1 - pos].ids[0];
    std::array<uint32_t, 3> qkv = {up.ids[0], up.ids[1], up.ids[2]};
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
