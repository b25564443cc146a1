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
  StepTable steps(ix, [](const Op &, const OpRule *r) {
    if (r && r->has(Trait::Linear))
      return Step::Collect;
    if (stopsAllWalks(r) || (r && r->has(Trait::AttentionBarrier)))
      return Step::Stop;
    return Step::Pass;
  });
  const uint32_t n = ix.size();
  std::vector<CappedSet<4>> above(n);
  for (uint32_t pos = 0; pos < n; ++pos) {
    CappedSet<4> &s = above[pos];
    if (steps[pos] == Step::Collect)
      s.add(ix.layerOf(pos));
    else if (steps[pos] == Step::Pass)
      for (uint32_t p : ix.preds(pos))
        s.merge(above[p]);
  }
  std::vector<CappedSet<2>> below(n);
  for (uint32_t pos = n; pos-- > 0;) {
    CappedSet<2> &s = below[pos];
    if (steps[pos] == Step::Collect)
      s.add(ix.layerOf(pos));
    else if (steps[pos] == Step::Pass)
      for (uint32_t u : ix.succs(pos))
        s.merge(below[u]);
  }

  AttentionWeightDependency out;
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
  }
  return out;
}

std::vector<std::array<Layer, 4>> AttentionWeightDependency::distinctSets() const {
  std::vector<std::array<Layer, 4>> sets;
  for (const AttentionGroup &g : groups_)
    sets.push_back(g.layers);
  auto names = [](const std::array<Layer, 4> &s) {
    return std::array<std::string_view, 4>{s[0].str(), s[1].str(), s[2].str(), s[3].str()};
  };
  std::sort(sets.begin(), sets.end(), [&](const auto &a, const auto &b) { return names(a) < names(b); });
  sets.erase(std::unique(sets.begin(), sets.end(),
                         [&](const auto &a, const auto &b) { return names(a) == names(b); }),
             sets.end());
  return sets;
}

} // namespace pd
