#include "passes/index/DependencySets.h"

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
// So the pass in name order reads only small dense arrays (a class id per
// layer, an 8-byte entry per class) and writes only in name order, where
// the output's arrays fill nearly front to back (byName_ exactly; members_ at
// one moving end per set); the one wide read, each member's Layer record,
// comes from the index's name-ordered copy of the records, front to back.
// (Writing the Layer records from graph order to their name-ordered places
// instead scattered 24-byte writes over 10 MB; gathering them by id here was
// a DRAM miss per layer, paid again by every analysis.)
DependencySets DependencySets::fromClasses(const LayerIndex &ix, UnionFind &&uf,
                                           const std::function<bool(const Layer &)> &reported) {
  return fromMarkedClasses(ix, std::move(uf), [&](uint32_t l) { return reported(ix.layer(l)); });
}

DependencySets DependencySets::fromClasses(const LayerIndex &ix, UnionFind &&uf, TraitSet reportedTraits) {
  return fromMarkedClasses(ix, std::move(uf),
                           [&](uint32_t l) { return ix.layerHasAny(l, reportedTraits); });
}

template <typename IsReported>
DependencySets DependencySets::fromMarkedClasses(const LayerIndex &ix, UnionFind &&uf,
                                                 IsReported isReported) {
  constexpr uint32_t kNone = ~0u, kPending = ~0u - 1, kAhead = 64;
  const uint32_t numLayers = ix.numLayers();
  // Graph order: each layer's class, numbered densely as first met; per
  // class its layer count and whether it holds a reported layer (kPending: a
  // set, not yet numbered; kNone: no set). One 8-byte entry per class, so
  // that the name-order pass below reads one random place per layer; once
  // its set is numbered, `size` turns into the set's next free place in
  // members_. The reported classes are listed in the order of their first
  // reported layer: NNI's set numbering (graphOrder), with no second sweep.
  struct ClassEntry {
    uint32_t set;
    uint32_t size;
  };
  uint32_t numClasses = 0;
  const LargeVector<uint32_t> classOf = uf.takeClassNumbers(numLayers, numClasses);
  LargeVector<ClassEntry> classes(numClasses, ClassEntry{kNone, 0});
  LargeVector<uint32_t> reportedClasses;
  for (uint32_t l = 0; l < numLayers; ++l) {
    ClassEntry &c = classes[classOf[l]];
    ++c.size;
    if (c.set == kNone && isReported(l)) {
      c.set = kPending;
      reportedClasses.push_back(classOf[l]);
    }
  }
  uint32_t numMembers = 0;
  for (uint32_t c : reportedClasses)
    numMembers += classes[c].size;

  // The layers in name order (sorted once, in the LayerIndex) give every order
  // the output needs: dealt out to their sets in that order, each set's
  // members come out sorted, and numbering the sets by their first member
  // sorts the sets, so a set's place in members_ is known when its first
  // member is met (the sizes of the sets numbered before it). The class ids
  // are prefetched kAhead names on, and their entries half as far on (by
  // then the class id has arrived): two dependent misses overlap.
  llvm::ArrayRef<uint32_t> byName = ix.layersByName();
  llvm::ArrayRef<Layer> layerAtName = ix.layersInNameOrder();
  DependencySets out;
  out.members_.resize(numMembers);
  out.byName_.reserve(numMembers);
  out.begin_.reserve(reportedClasses.size() + 1);
  uint32_t numPlaced = 0; // members of the sets numbered so far
  for (uint32_t i = 0; i < numLayers; ++i) {
    if (i + kAhead < numLayers)
      __builtin_prefetch(&classOf[byName[i + kAhead]]);
    if (i + kAhead / 2 < numLayers)
      __builtin_prefetch(&classes[classOf[byName[i + kAhead / 2]]]);
    ClassEntry &c = classes[classOf[byName[i]]];
    if (c.set == kNone)
      continue;
    if (c.set == kPending) {
      c.set = static_cast<uint32_t>(out.begin_.size());
      out.begin_.push_back(numPlaced);
      numPlaced += c.size;
      c.size = out.begin_.back();
    }
    const Layer &layer = layerAtName[i];
    out.members_[c.size++] = layer;
    out.byName_.push_back({layer.name, c.set});
  }
  out.begin_.push_back(numPlaced);

  out.graphOrder_.reserve(reportedClasses.size());
  for (uint32_t c : reportedClasses)
    out.graphOrder_.push_back(classes[c].set);
  out.rebuildViews();
  return out;
}

} // namespace pd
