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
                             [](const auto &entry, std::string_view k) { return entry.first.str() < k; });
  if (it == byName_.end() || it->first != name)
    return nullptr;
  return &views_[it->second];
}

// At a million ops the layers in name order are at random places of the
// graph-ordered arrays, so the passes in name order read only small dense
// arrays (a class id per layer, a byte and a set id per class); the Layer
// records are read in graph order and written to their places.
DependencySets DependencySets::fromClasses(const LayerIndex &ix, UnionFind &uf,
                                           const std::function<bool(const Layer &)> &reported) {
  constexpr uint32_t kNone = ~0u;
  const uint32_t numLayers = ix.numLayers();
  // Graph order: each layer's class, numbered densely as first met, and
  // whether the class holds a reported layer.
  LargeVector<uint32_t> classOf(numLayers), classOfLeader(uf.size(), kNone);
  LargeVector<uint8_t> isReported(numLayers), reportedClass;
  for (uint32_t l = 0; l < numLayers; ++l) {
    uint32_t &c = classOfLeader[uf.find(l)];
    if (c == kNone) {
      c = static_cast<uint32_t>(reportedClass.size());
      reportedClass.push_back(0);
    }
    classOf[l] = c;
    isReported[l] = reported(ix.layer(l));
    reportedClass[c] |= isReported[l];
  }

  // The layers in name order (sorted once, in the LayerIndex) give every order
  // the output needs: dealt out to their sets in that order, each set's
  // members come out sorted, and numbering the sets by their first member
  // sorts the sets.
  DependencySets out;
  LargeVector<uint32_t> setOfClass(reportedClass.size(), kNone), count;
  LargeVector<uint32_t> nameSlot(numLayers, kNone); // index among the reported layers by name
  uint32_t numMembers = 0;
  for (uint32_t l : ix.layersByName()) {
    uint32_t c = classOf[l];
    if (!reportedClass[c])
      continue;
    uint32_t &s = setOfClass[c];
    if (s == kNone) {
      s = static_cast<uint32_t>(count.size());
      count.push_back(0);
    }
    ++count[s];
    nameSlot[l] = numMembers++;
  }
  out.begin_.assign(count.size() + 1, 0);
  for (size_t s = 0; s < count.size(); ++s)
    out.begin_[s + 1] = out.begin_[s] + count[s];
  // Each member's place in members_: its set's next place, in name order.
  LargeVector<uint32_t> memberSlot(numLayers, kNone);
  LargeVector<uint32_t> next(out.begin_.begin(), out.begin_.end() - 1);
  for (uint32_t l : ix.layersByName())
    if (nameSlot[l] != kNone)
      memberSlot[l] = next[setOfClass[classOf[l]]]++;

  // Graph order again: the Layer records to their places, and NNI's set
  // numbering (sets in order of their first reported layer in the graph).
  out.members_.resize(numMembers);
  out.byName_.resize(numMembers);
  LargeVector<uint8_t> numbered(count.size(), 0);
  for (uint32_t l = 0; l < numLayers; ++l) {
    if (nameSlot[l] == kNone)
      continue;
    const Layer &layer = ix.layer(l);
    uint32_t s = setOfClass[classOf[l]];
    out.members_[memberSlot[l]] = layer;
    out.byName_[nameSlot[l]] = {layer.name, s};
    if (isReported[l] && !numbered[s]) {
      numbered[s] = 1;
      out.graphOrder_.push_back(s);
    }
  }
  out.rebuildViews();
  return out;
}

} // namespace pd
