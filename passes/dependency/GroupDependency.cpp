#include "passes/dependency/GroupDependency.h"

#include "passes/index/WalkSteps.h"

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
// No member initialisers (Requirements::none() is the empty one): trivial, so
// that the per-layer array is allocated without a fill (Unfilled).
struct Requirements {
  int64_t lcm, gcd, min; // gcd == 0: none yet (every count is >= 1)

  static Requirements none() { return {1, 0, 0}; }

  bool any() const { return gcd != 0; }

  // False when the lcm overflows (the caller names the op).
  [[nodiscard]] bool add(int64_t g) {
    int64_t l = lcm / std::gcd(lcm, g);
    if (__builtin_mul_overflow(l, g, &l))
      return false;
    lcm = l;
    min = any() ? std::min(min, g) : g;
    gcd = std::gcd(gcd, g);
    return true;
  }
  [[nodiscard]] bool merge(const Requirements &o) {
    if (!o.any())
      return true;
    // lcm, gcd and min of the union.
    if (!add(o.lcm))
      return false;
    gcd = std::gcd(gcd, o.gcd);
    min = std::min(min, o.min);
    return true;
  }
};

[[noreturn]] void noCommonMultiple(const Op &where) {
  throw Error(where.loc(), "group-dependency: the group counts that meet at '" +
                               std::string(where.displayName()) +
                               "' have no common multiple below 2^63");
}

} // namespace

// NNI walks up from each grouped layer to the nearest conv/linear layers and
// appends its group count to theirs: O(n) per grouped layer. The same facts
// flow the other way in one reverse sweep: required[X] collects the group
// counts of every grouped layer that an upward walk through X would reach from.
//
// Only the ops between a grouped layer and the conv/linear layers above it
// have a requirement, so the requirements (24 bytes) are kept in a pool and
// each position holds a 4-byte index into it; the group counts come from the
// index (requiredGroups(pos)), so no Op is read unless an error names it.
GroupDependency GroupDependency::compute(const LayerIndex &ix) {
  StepTable steps = weightLayerSteps(ix);
  constexpr uint32_t kNone = ~0u;
  const uint32_t n = ix.size();
  // requiredAt[pos]: index into `required`, or kNone. Unfilled when
  // allocated: the sweep runs from the last op up, writes every position as
  // it goes and reads only those below the current one.
  LargeVector<Unfilled<uint32_t>> requiredAt(n);
  LargeVector<Requirements> required;
  for (uint32_t pos = n; pos-- > 0;) {
    Requirements req = Requirements::none();
    for (uint32_t user : ix.succs(pos)) {
      int64_t own = ix.requiredGroups(user);
      if (own > 1 && !req.add(own))
        noCommonMultiple(ix.op(user));
      if (steps[user] == Step::Pass && requiredAt[user].value != kNone &&
          !req.merge(required[requiredAt[user].value]))
        noCommonMultiple(ix.op(user));
    }
    if (req.any()) {
      requiredAt[pos].value = static_cast<uint32_t>(required.size());
      required.push_back(req);
    } else {
      requiredAt[pos].value = kNone;
    }
  }

  // Per layer: its own counts, plus what is required of it when it is a
  // conv/linear layer (the walks collect it). Layers are numbered in the
  // graph order of their first call, so each layer's entry is started when
  // the sweep meets a layer number for the first time (no fill pass).
  LargeVector<Unfilled<Requirements>> perLayerSlots(ix.numLayers());
  auto perLayer = [&](uint32_t l) -> Requirements & { return perLayerSlots[l].value; };
  uint32_t started = 0; // layers 0..started-1 have their entry
  for (uint32_t pos = 0; pos < n; ++pos) {
    uint32_t l = ix.layerOf(pos);
    if (l == LayerIndex::kNoLayer)
      continue;
    while (started <= l) // once per layer: l == started at its first call
      perLayerSlots[started++].value = Requirements::none();
    if (int64_t own = ix.requiredGroups(pos); own && !perLayer(l).add(own))
      noCommonMultiple(ix.op(pos));
    if (steps[pos] == Step::Collect && requiredAt[pos].value != kNone &&
        !perLayer(l).merge(required[requiredAt[pos].value]))
      noCommonMultiple(ix.op(pos));
  }

  while (started < ix.numLayers()) // none left: every layer has a call
    perLayerSlots[started++].value = Requirements::none();

  GroupDependency out;
  // Reserved for every layer at once (LargeVector: only the rows written are
  // touched) instead of counting the rows in a pass of its own first.
  out.layers_.reserve(ix.numLayers());
  LargeVector<Unfilled<uint32_t>> rowOfLayer(ix.numLayers()); // every entry written below
  for (uint32_t l = 0; l < ix.numLayers(); ++l) {
    const Requirements &r = perLayer(l);
    rowOfLayer[l] = ~0u;
    if (!r.any())
      continue;
    rowOfLayer[l] = static_cast<uint32_t>(out.layers_.size());
    out.layers_.push_back({ix.layer(l), r.lcm, r.min == r.gcd ? r.min : 1});
  }
  out.byName_.reserve(out.layers_.size());
  for (uint32_t l : ix.layersByName())
    if (rowOfLayer[l].value != ~0u)
      out.byName_.push_back(rowOfLayer[l].value);
  return out;
}

} // namespace pd
