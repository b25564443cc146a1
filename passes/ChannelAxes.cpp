#include "passes/ChannelAxes.h"

#include "passes/ChannelMaps.h"

#include <algorithm>
#include <unordered_set>

namespace pd {

AnalysisKey ChannelAxesAnalysis::Key;

ChannelAxes ChannelAxesAnalysis::run(Graph &, AnalysisManager &am) {
  return ChannelAxes::compute(am.getResult<LayerIndexAnalysis>());
}

namespace {

constexpr uint32_t kNone = ~0u;

// A run between classes: index ia + k of class ca is tied with ib + k of cb.
struct ClassRun {
  uint32_t ca, cb;
  int64_t ia, ib, len;
};

// The runs touching each class, sorted by their first index, with the
// largest end among the entries up to each one: a stabbing query (which runs
// cover index x strictly inside) walks back from the last run starting before
// x only while some earlier run could still reach past x. The pieces of a
// concat are disjoint, so a cut at a piece costs O(log n), not O(pieces).
class RunsByClass {
public:
  RunsByClass(const std::vector<ClassRun> &runs, uint32_t numClasses) : begin_(numClasses + 1, 0) {
    for (const ClassRun &r : runs) {
      ++begin_[r.ca + 1];
      ++begin_[r.cb + 1];
    }
    for (uint32_t c = 0; c < numClasses; ++c)
      begin_[c + 1] += begin_[c];
    entries_.resize(begin_.back());
    std::vector<uint32_t> next(begin_.begin(), begin_.end() - 1);
    for (uint32_t k = 0; k < runs.size(); ++k) {
      const ClassRun &r = runs[k];
      entries_[next[r.ca]++] = {r.ia, r.ia + r.len, r.ib - r.ia, r.cb};
      entries_[next[r.cb]++] = {r.ib, r.ib + r.len, r.ia - r.ib, r.ca};
    }
    maxEnd_.resize(entries_.size());
    for (uint32_t c = 0; c < numClasses; ++c) {
      auto first = entries_.begin() + begin_[c], last = entries_.begin() + begin_[c + 1];
      std::sort(first, last, [](const Entry &a, const Entry &b) { return a.start < b.start; });
      int64_t m = 0;
      for (uint32_t i = begin_[c]; i < begin_[c + 1]; ++i)
        maxEnd_[i] = m = std::max(m, entries_[i].end);
    }
  }

  // Calls f(other class, index there) for every run of class c that covers
  // index x with x strictly inside it.
  template <typename F> void stab(uint32_t c, int64_t x, F f) const {
    auto first = entries_.begin() + begin_[c], last = entries_.begin() + begin_[c + 1];
    auto it = std::lower_bound(first, last, x, [](const Entry &e, int64_t v) { return e.start < v; });
    for (size_t i = static_cast<size_t>(it - entries_.begin()); i-- > begin_[c];) {
      if (maxEnd_[i] <= x)
        break;
      const Entry &e = entries_[i];
      if (e.start < x && x < e.end)
        f(e.other, x + e.shift);
    }
  }

private:
  struct Entry {
    int64_t start, end, shift; // the other side's index is this side's + shift
    uint32_t other;
  };
  std::vector<uint32_t> begin_;
  std::vector<Entry> entries_;
  std::vector<int64_t> maxEnd_;
};

} // namespace

ChannelAxes ChannelAxes::compute(const LayerIndex &ix, bool keepGraph) {
  ChannelPositions pos(TieMode::Axes, keepGraph);
  propagateChannelMaps(ix, pos);
  const uint32_t numBlocks = pos.numBlocks();
  UnionFind &whole = pos.wholeBlocks();

  // A run that ties two blocks of one size whole, index by index (a map that
  // ties index after index, a concat of one piece), unites them like tieSame.
  auto isWhole = [&](const TieRun &r) {
    return r.ia == 0 && r.ib == 0 && r.len == pos.block(r.a).size && r.len == pos.block(r.b).size;
  };
  for (const TieRun &r : pos.runs())
    if (isWhole(r))
      whole.unite(r.a, r.b);
  uint32_t numClasses = 0;
  LargeVector<uint32_t> classOf = whole.takeClassNumbers(numBlocks, numClasses);
  std::vector<int64_t> classSize(numClasses, 0);
  for (BlockId b = 0; b < numBlocks; ++b)
    classSize[classOf[b]] = pos.block(b).size;

  std::vector<ClassRun> runs;
  for (const TieRun &r : pos.runs()) {
    ClassRun cr{classOf[r.a], classOf[r.b], r.ia, r.ib, r.len};
    if (isWhole(r) || (cr.ca == cr.cb && cr.ia == cr.ib))
      continue;
    runs.push_back(cr);
  }

  // Cuts: every run's ends, then every cut carried through the runs that
  // cover it, until each run maps whole segments onto whole segments.
  std::unordered_set<uint64_t> seen;
  std::vector<std::pair<uint32_t, int64_t>> cuts, work;
  auto cut = [&](uint32_t c, int64_t x) {
    if (x <= 0 || x >= classSize[c] || !seen.insert(uint64_t(c) << 32 | uint64_t(x)).second)
      return;
    cuts.push_back({c, x});
    work.push_back({c, x});
  };
  for (const ClassRun &r : runs) {
    cut(r.ca, r.ia);
    cut(r.ca, r.ia + r.len);
    cut(r.cb, r.ib);
    cut(r.cb, r.ib + r.len);
  }
  {
    RunsByClass byClass(runs, numClasses);
    while (!work.empty()) {
      auto [c, x] = work.back();
      work.pop_back();
      byClass.stab(c, x, cut);
    }
  }
  std::unordered_set<uint64_t>().swap(seen);
  std::sort(cuts.begin(), cuts.end());

  // Segments: class c's are segmentBegin[c] .. segmentBegin[c + 1], split at
  // its cuts (cutBegin[c] .. cutBegin[c + 1] of `cuts`).
  std::vector<uint32_t> cutBegin(numClasses + 1, 0);
  for (const auto &[c, x] : cuts)
    ++cutBegin[c + 1];
  for (uint32_t c = 0; c < numClasses; ++c)
    cutBegin[c + 1] += cutBegin[c];
  auto segmentBegin = [&](uint32_t c) { return c + cutBegin[c]; };
  const uint32_t numSegments = numClasses + static_cast<uint32_t>(cuts.size());
  // The segment of class c holding index x.
  auto segmentAt = [&](uint32_t c, int64_t x) {
    auto first = cuts.begin() + cutBegin[c], last = cuts.begin() + cutBegin[c + 1];
    auto it = std::upper_bound(first, last, std::make_pair(c, x));
    return segmentBegin(c) + static_cast<uint32_t>(it - first);
  };

  UnionFind segments(numSegments);
  for (const ClassRun &r : runs) {
    uint32_t a = segmentAt(r.ca, r.ia), aEnd = segmentAt(r.ca, r.ia + r.len - 1);
    uint32_t b = segmentAt(r.cb, r.ib), bEnd = segmentAt(r.cb, r.ib + r.len - 1);
    if (aEnd - a == bEnd - b) {
      for (uint32_t k = 0; k <= aEnd - a; ++k)
        segments.unite(a + k, b + k);
    } else {
      // Unreachable once the cuts are closed; if it were reached, tying
      // more keeps every answer a superset of the exact one.
      for (uint32_t s = a; s <= aEnd; ++s)
        segments.unite(a, s);
      for (uint32_t s = b; s <= bEnd; ++s)
        segments.unite(a, s);
    }
  }

  ChannelAxes out;
  for (BlockId b = 0; b < numBlocks; ++b) {
    const PositionBlock &blk = pos.block(b);
    if (!blk.isSlot())
      continue;
    uint32_t c = classOf[b];
    out.slots_.push_back({blk.layer, blk.role, segmentBegin(c), cutBegin[c + 1] - cutBegin[c] + 1});
  }
  if (keepGraph) {
    auto g = std::make_shared<TieGraph>();
    for (BlockId b = 0; b < numBlocks; ++b) {
      g->blocks.push_back(pos.block(b));
      g->firstSegment.push_back(segmentBegin(classOf[b]));
      g->numSegments.push_back(cutBegin[classOf[b] + 1] - cutBegin[classOf[b]] + 1);
    }
    g->segmentStart.resize(numSegments, 0);
    for (uint32_t c = 0; c < numClasses; ++c)
      for (uint32_t k = cutBegin[c]; k < cutBegin[c + 1]; ++k)
        g->segmentStart[segmentBegin(c) + (k - cutBegin[c]) + 1] = cuts[k].second;
    g->runs = pos.runs();
    out.graph_ = std::move(g);
  }
  out.segmentClass_ = segments.takeClassNumbers(numSegments, out.numSegmentClasses_);
  return out;
}

UnionFind ChannelAxes::layerClasses(const LayerIndex &ix, SlotRole role, TraitSet targets) const {
  const uint32_t numLayers = ix.numLayers();
  UnionFind uf(numLayers + numSegmentClasses_);
  for (const Slot &s : slots_) {
    // Under filter pruning a per-channel GroupNorm joins its set too (NNI's
    // depthwise rule): its channels are its input's.
    bool selfJoin = role == SlotRole::Out && targets.test(static_cast<size_t>(Trait::ChannelTarget)) &&
                    ix.isSelfJoin(ix.layer(s.layer).position);
    if (s.role != role || !(selfJoin || ix.layerHasAny(s.layer, targets)))
      continue;
    for (uint32_t k = 0; k < s.numSegments; ++k)
      uf.unite(s.layer, numLayers + segmentClass_[s.firstSegment + k]);
  }
  return uf;
}

} // namespace pd
