#include "passes/GroupDependency.h"

#include "passes/WalkSteps.h"

#include <algorithm>
#include <numeric>

namespace pd {

AnalysisKey GroupDependencyAnalysis::Key;

GroupDependencyAnalysis::Result GroupDependencyAnalysis::run(Graph &, AnalysisManager &am) {
  return GroupDependency::compute(am.getResult<LayerIndexAnalysis>());
}

const GroupConstraint *GroupDependency::find(Symbol layer) const {
  std::string_view key = layer.str();
  auto it = std::lower_bound(byName_.begin(), byName_.end(), key, [&](uint32_t i, std::string_view k) {
    return layers_[i].layer.str() < k;
  });
  return it != byName_.end() && layers_[*it].layer.name == layer ? &layers_[*it] : nullptr;
}

namespace {

// lcm, gcd and min of a multiset of group counts. All three are idempotent,
// so merging the same requirement twice (two paths, a module called twice)
// changes nothing, as in NNI's list.
struct Requirements {
  int64_t lcm = 1, gcd = 0, min = 0; // gcd == 0: none yet (every count is >= 1)

  bool any() const { return gcd != 0; }

  void add(int64_t g, const Op &where) {
    int64_t l = lcm / std::gcd(lcm, g);
    if (__builtin_mul_overflow(l, g, &l))
      throw Error(where.loc(), "group-dependency: the group counts that meet at '" +
                                   std::string(where.displayName()) +
                                   "' have no common multiple below 2^63");
    lcm = l;
    min = any() ? std::min(min, g) : g;
    gcd = std::gcd(gcd, g);
  }
  void merge(const Requirements &o, const Op &where) {
    if (!o.any())
      return;
    // lcm, gcd and min of the union.
    add(o.lcm, where);
    gcd = std::gcd(gcd, o.gcd);
    min = std::min(min, o.min);
  }
};

} // namespace

// NNI walks up from each grouped layer to the nearest conv/linear layers and
// appends its group count to theirs: O(n) per grouped layer. The same facts
// flow the other way in one reverse sweep: required[X] collects the group
// counts of every grouped layer that an upward walk through X would reach from.
GroupDependency GroupDependency::compute(const LayerIndex &ix) {
  StepTable steps = weightLayerSteps(ix);
  // The group count each op requires of itself (0: none).
  LargeVector<int64_t> own(ix.size(), 0);
  for (uint32_t pos = 0; pos < ix.size(); ++pos)
    own[pos] = requiredGroups(ix.op(pos), ix.rule(pos));

  LargeVector<Requirements> required(ix.size());
  for (uint32_t pos = ix.size(); pos-- > 0;) {
    Requirements req;
    for (uint32_t user : ix.succs(pos)) {
      if (own[user] > 1)
        req.add(own[user], ix.op(user));
      if (steps[user] == Step::Pass)
        req.merge(required[user], ix.op(user));
    }
    required[pos] = req;
  }

  // Per layer: its own counts, plus what is required of it when it is a
  // conv/linear layer (the walks collect it).
  LargeVector<Requirements> perLayer(ix.numLayers());
  for (uint32_t pos = 0; pos < ix.size(); ++pos) {
    uint32_t l = ix.layerOf(pos);
    if (l == LayerIndex::kNoLayer)
      continue;
    if (own[pos])
      perLayer[l].add(own[pos], ix.op(pos));
    if (steps[pos] == Step::Collect)
      perLayer[l].merge(required[pos], ix.op(pos));
  }

  GroupDependency out;
  // Sized once: at a million ops these are hundreds of thousands of rows.
  size_t rows = std::count_if(perLayer.begin(), perLayer.end(),
                              [](const Requirements &r) { return r.any(); });
  out.layers_.reserve(rows);
  out.byName_.reserve(rows);
  LargeVector<uint32_t> rowOfLayer(ix.numLayers(), ~0u);
  for (uint32_t l = 0; l < ix.numLayers(); ++l) {
    const Requirements &r = perLayer[l];
    if (!r.any())
      continue;
    rowOfLayer[l] = static_cast<uint32_t>(out.layers_.size());
    out.layers_.push_back({ix.layer(l), r.lcm, r.min == r.gcd ? r.min : 1});
  }
  for (uint32_t l : ix.layersByName())
    if (rowOfLayer[l] != ~0u)
      out.byName_.push_back(rowOfLayer[l]);
  return out;
}

} // namespace pd
