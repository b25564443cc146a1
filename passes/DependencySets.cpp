#include "passes/DependencySets.h"

#include <algorithm>

namespace pd {

DependencySets::DependencySets(const DependencySets &o)
    : members_(o.members_), begin_(o.begin_), graphOrder_(o.graphOrder_), byName_(o.byName_) {
  rebuildViews(); // the views must point into our own copy
}

DependencySets &DependencySets::operator=(const DependencySets &o) {
  if (this != &o) {
    DependencySets copy(o);
    *this = std::move(copy);
  }
  return *this;
}

void DependencySets::rebuildViews() {
  views_.clear();
  views_.reserve(begin_.empty() ? 0 : begin_.size() - 1);
  for (size_t i = 0; i + 1 < begin_.size(); ++i)
    views_.emplace_back(members_.data() + begin_[i], begin_[i + 1] - begin_[i]);
}

const DependencySets::Set *DependencySets::find(Symbol name) const {
  std::string_view key = name.str();
  auto it = std::lower_bound(byName_.begin(), byName_.end(), key,
                             [](const auto &entry, std::string_view k) { return entry.first < k; });
  if (it == byName_.end() || it->first != key)
    return nullptr;
  return &views_[it->second];
}

DependencySets DependencySets::fromClasses(const LayerIndex &ix, UnionFind &uf,
                                           const std::function<bool(const Layer &)> &reported) {
  constexpr uint32_t kNone = ~0u;
  const uint32_t numLayers = ix.numLayers();
  LargeVector<uint32_t> leader(numLayers);
  LargeVector<uint8_t> isReported(numLayers), reportedClass(uf.size(), 0);
  for (uint32_t l = 0; l < numLayers; ++l) {
    leader[l] = uf.find(l);
    isReported[l] = reported(ix.layer(l));
    if (isReported[l])
      reportedClass[leader[l]] = 1;
  }

  // The layers in name order (sorted once, in the LayerIndex) give every order
  // the output needs: dealt out to their sets in that order, each set's
  // members come out sorted, and numbering the sets by their first member
  // sorts the sets.
  DependencySets out;
  out.byName_.reserve(numLayers);
  for (uint32_t l : ix.layersByName())
    if (reportedClass[leader[l]])
      out.byName_.emplace_back(ix.layer(l).str(), l);

  LargeVector<uint32_t> setOfLeader(uf.size(), kNone);
  LargeVector<uint32_t> count;
  for (auto &[name, l] : out.byName_) {
    uint32_t &s = setOfLeader[leader[l]];
    if (s == kNone) {
      s = static_cast<uint32_t>(count.size());
      count.push_back(0);
    }
    ++count[s];
  }
  out.begin_.assign(count.size() + 1, 0);
  for (size_t s = 0; s < count.size(); ++s)
    out.begin_[s + 1] = out.begin_[s] + count[s];
  out.members_.resize(out.byName_.size());
  LargeVector<uint32_t> next(out.begin_.begin(), out.begin_.end() - 1);
  for (auto &entry : out.byName_) {
    uint32_t s = setOfLeader[leader[entry.second]];
    out.members_[next[s]++] = ix.layer(entry.second);
    entry.second = s; // from here on: name -> set
  }
  out.rebuildViews();

  // Layers are numbered in graph order: the first reported layer of each set
  // in that order gives NNI's numbering.
  LargeVector<uint8_t> numbered(count.size(), 0);
  for (uint32_t l = 0; l < numLayers; ++l) {
    if (!isReported[l])
      continue;
    uint32_t s = setOfLeader[leader[l]];
    if (!numbered[s]) {
      numbered[s] = 1;
      out.graphOrder_.push_back(s);
    }
  }
  return out;
}

} // namespace pd
