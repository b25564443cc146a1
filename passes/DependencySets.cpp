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
// graph-ordered arrays, and a random access beyond a few MB waits on DRAM.
// So the passes in name order read only small dense arrays (a class id per
// layer, a byte and a set id per class) and write only in name order, where
// the output's arrays fill nearly front to back (byName_ exactly; members_ at
// one moving end per set); the one wide read, each member's Layer record, is
// a read whose address is known ahead: prefetched kAhead names on, the
// misses overlap. (Writing the Layer records from graph order to their
// name-ordered places instead scattered 24-byte writes over 10 MB.)
DependencySets DependencySets::fromClasses(const LayerIndex &ix, UnionFind &&uf,
                                           const std::function<bool(const Layer &)> &reported) {
  LargeVector<uint8_t> isReported(ix.numLayers());
  for (uint32_t l = 0; l < ix.numLayers(); ++l)
    isReported[l] = reported(ix.layer(l));
  return fromMarkedClasses(ix, std::move(uf), isReported);
}

DependencySets DependencySets::fromClasses(const LayerIndex &ix, UnionFind &&uf, TraitSet reportedTraits) {
  LargeVector<uint8_t> isReported(ix.numLayers());
  for (uint32_t l = 0; l < ix.numLayers(); ++l)
    isReported[l] = ix.layerHasAny(l, reportedTraits);
  return fromMarkedClasses(ix, std::move(uf), isReported);
}

DependencySets DependencySets::fromMarkedClasses(const LayerIndex &ix, UnionFind &&uf,
                                                 const LargeVector<uint8_t> &isReported) {
  constexpr uint32_t kNone = ~0u, kPending = ~0u - 1, kAhead = 64;
  const uint32_t numLayers = ix.numLayers();
  // Graph order: each layer's class, numbered densely as first met. A class
  // holding a reported layer is marked kPending (a set, not yet numbered);
  // the others stay kNone. One array by class, so that the name-order pass
  // below reads one random place per layer, not two.
  uint32_t numClasses = 0;
  const LargeVector<uint32_t> classOf = uf.takeClassNumbers(numLayers, numClasses);
  LargeVector<uint32_t> setOfClass(numClasses, kNone);
  for (uint32_t l = 0; l < numLayers; ++l)
    if (isReported[l])
      setOfClass[classOf[l]] = kPending;

  // The layers in name order (sorted once, in the LayerIndex) give every order
  // the output needs: dealt out to their sets in that order, each set's
  // members come out sorted, and numbering the sets by their first member
  // sorts the sets. First the sets' sizes, and each name's set. The class
  // ids are prefetched kAhead names on, and their setOfClass entries half as
  // far on (by then the class id has arrived): two dependent misses overlap.
  llvm::ArrayRef<uint32_t> byName = ix.layersByName();
  DependencySets out;
  LargeVector<uint32_t> count;
  // The set of the i-th layer by name, or kNone; every entry written below.
  LargeVector<Unfilled<uint32_t>> setAtName(numLayers);
  uint32_t numMembers = 0;
  for (uint32_t i = 0; i < numLayers; ++i) {
    if (i + kAhead < numLayers)
      __builtin_prefetch(&classOf[byName[i + kAhead]]);
    if (i + kAhead / 2 < numLayers)
      __builtin_prefetch(&setOfClass[classOf[byName[i + kAhead / 2]]]);
    uint32_t c = classOf[byName[i]];
    uint32_t s = setOfClass[c];
    if (s != kNone) {
      if (s == kPending) {
        s = setOfClass[c] = static_cast<uint32_t>(count.size());
        count.push_back(0);
      }
      ++count[s];
      ++numMembers;
    }
    setAtName[i] = s;
  }
  out.begin_.assign(count.size() + 1, 0);
  for (size_t s = 0; s < count.size(); ++s)
    out.begin_[s + 1] = out.begin_[s] + count[s];

  // Name order again: each member's Layer record to its set's next place.
  out.members_.resize(numMembers);
  out.byName_.resize(numMembers);
  LargeVector<uint32_t> next(out.begin_.begin(), out.begin_.end() - 1);
  // This loop does little per name, so its prefetches run further ahead:
  // 64 names were ~200 ns here, about one DRAM miss, too close to hide it.
  constexpr uint32_t kRecordsAhead = 4 * kAhead;
  for (uint32_t i = 0, k = 0; i < numLayers; ++i) {
    if (i + kRecordsAhead < numLayers)
      __builtin_prefetch(&ix.layer(byName[i + kRecordsAhead]));
    uint32_t s = setAtName[i].value;
    if (s == kNone)
      continue;
    const Layer &layer = ix.layer(byName[i]);
    out.members_[next[s]++] = layer;
    out.byName_[k++] = {layer.name, s};
  }

  // Graph order: NNI's set numbering (sets in order of their first reported
  // layer in the graph), read from the class arrays in the order they were
  // numbered.
  LargeVector<uint8_t> numbered(count.size(), 0);
  for (uint32_t l = 0; l < numLayers; ++l) {
    if (!isReported[l])
      continue;
    uint32_t s = setOfClass[classOf[l]];
    if (!numbered[s]) {
      numbered[s] = 1;
      out.graphOrder_.push_back(s);
    }
  }
  out.rebuildViews();
  return out;
}

} // namespace pd
