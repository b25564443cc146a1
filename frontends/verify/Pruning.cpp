#include "frontends/verify/Pruning.h"

#include <algorithm>

namespace pd::verify {

static std::vector<int64_t> groupSlice(const GroupedIndices &g, uint32_t group) {
  std::vector<int64_t> out(g.indices.begin() + g.offsets[group], g.indices.begin() + g.offsets[group + 1]);
  std::sort(out.begin(), out.end());
  return out;
}

Pruning::Pruning(const ChannelSet &set, uint32_t group, int without) {
  for (size_t m = 0; m < set.members.size(); ++m) {
    if (static_cast<int>(m) == without)
      continue;
    const ChannelMember &cm = set.members[m];
    std::vector<int64_t> idx = groupSlice(cm, group);
    if (idx.empty())
      continue;
    if (cm.role == ChannelMember::Role::Param)
      stored_[cm.tensor].push_back({cm.dim, std::move(idx)});
    else
      modules_[Symbol::get(cm.name).id()].push_back({cm.role, cm.dim, std::move(idx)});
  }
  for (const ChannelValue &v : set.values) {
    std::vector<int64_t> idx = groupSlice(v, group);
    if (!idx.empty())
      values_[v.value].push_back({v.dim, std::move(idx)});
  }
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

} // namespace pd::verify
