#include "passes/prune/Pruning.h"

#include <algorithm>

namespace pd {

namespace {

// Indices of the given groups, ascending.
std::vector<int64_t> groupsSlice(const GroupedIndices &g, const std::vector<uint32_t> &groups) {
  std::vector<int64_t> out;
  for (uint32_t k : groups)
    out.insert(out.end(), g.indices.begin() + g.offsets[k], g.indices.begin() + g.offsets[k + 1]);
  std::sort(out.begin(), out.end());
  return out;
}

// Adds `idx` to the entry for `dim`, merged and ascending.
template <class Entry, class Same>
void merge(std::vector<Entry> &entries, Entry e, Same same) {
  for (Entry &x : entries)
    if (same(x, e)) {
      std::vector<int64_t> all;
      std::merge(x.indices.begin(), x.indices.end(), e.indices.begin(), e.indices.end(), std::back_inserter(all));
      all.erase(std::unique(all.begin(), all.end()), all.end());
      x.indices = std::move(all);
      return;
    }
  entries.push_back(std::move(e));
}

} // namespace

void Pruning::add(const ChannelSet &set, const std::vector<uint32_t> &groups, int without) {
  auto sameDim = [](const Removed &a, const Removed &b) { return a.dim == b.dim; };
  for (size_t m = 0; m < set.members.size(); ++m) {
    if (static_cast<int>(m) == without)
      continue;
    const ChannelMember &cm = set.members[m];
    std::vector<int64_t> idx = groupsSlice(cm, groups);
    if (idx.empty())
      continue;
    if (cm.role == ChannelMember::Role::Param)
      merge(stored_[cm.tensor], Removed{cm.dim, std::move(idx)}, sameDim);
    else
      merge(modules_[Symbol::get(cm.name).id()], MemberCut{cm.role, cm.dim, std::move(idx)},
            [](const MemberCut &a, const MemberCut &b) { return a.role == b.role && a.dim == b.dim; });
  }
  for (const ChannelValue &v : set.values) {
    std::vector<int64_t> idx = groupsSlice(v, groups);
    if (!idx.empty())
      merge(values_[v.value], Removed{v.dim, std::move(idx)}, sameDim);
  }
}

Pruning::Pruning(const ChannelSet &set, uint32_t group, int without) { add(set, {group}, without); }

Pruning::Pruning(const ChannelGroups &groups, const PrunePlan &plan) {
  for (const PlanSet &ps : plan.sets)
    add(groups.sets.at(ps.set - 1), ps.removed, -1);
}

const std::vector<MemberCut> *Pruning::moduleCuts(Symbol path) const {
  auto it = modules_.find(path.id());
  return it == modules_.end() ? nullptr : &it->second;
}

const std::vector<Removed> *Pruning::storedCuts(const Value *v) const {
  auto it = stored_.find(v);
  return it == stored_.end() ? nullptr : &it->second;
}

const std::vector<Removed> *Pruning::removed(const Value *v) const {
  auto it = values_.find(v);
  return it == values_.end() ? nullptr : &it->second;
}

std::vector<int64_t> Pruning::predictedShape(const Value *v) const {
  std::vector<int64_t> shape = v->type()->shape();
  if (const std::vector<Removed> *r = removed(v))
    for (const Removed &x : *r)
      shape[x.dim] -= static_cast<int64_t>(x.indices.size());
  return shape;
}

const std::vector<int64_t> &Pruning::removedOn(const Value *v, int64_t dim) const {
  static const std::vector<int64_t> kNone;
  if (const std::vector<Removed> *r = removed(v))
    for (const Removed &x : *r)
      if (x.dim == dim)
        return x.indices;
  return kNone;
}

std::vector<int64_t> keptIndices(int64_t size, const std::vector<int64_t> &removed) {
  std::vector<int64_t> kept;
  kept.reserve(size);
  size_t r = 0;
  for (int64_t i = 0; i < size; ++i) {
    while (r < removed.size() && removed[r] < i)
      ++r;
    if (r < removed.size() && removed[r] == i)
      continue;
    kept.push_back(i);
  }
  return kept;
}

} // namespace pd
