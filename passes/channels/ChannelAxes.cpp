#include "passes/channels/ChannelAxes.h"

#include "passes/channels/ChannelMaps.h"

#include <llvm/ADT/DenseSet.h>

#include <algorithm>
#include <tuple>

namespace pd {

AnalysisKey ChannelAxesAnalysis::Key;

ChannelAxes ChannelAxesAnalysis::run(Graph &, AnalysisManager &am) {
  return ChannelAxes::compute(am.getResult<LayerIndexAnalysis>());
}

namespace {

// A run between classes: TieRun's own record, rewritten in place with the
// classes of its blocks in `a` and `b` (index ia + k of class a is tied with
// ib + k of class b, for k < len); `op` is cleared so that equal runs
// compare equal.
using ClassRun = TieRun;
bool runLess(const TieRun &x, const TieRun &y) {
  return std::tie(x.a, x.b, x.ia, x.ib, x.len) < std::tie(y.a, y.b, y.ia, y.ib, y.len);
}
bool runEqual(const TieRun &x, const TieRun &y) {
  return x.a == y.a && x.b == y.b && x.ia == y.ia && x.ib == y.ib && x.len == y.len;
}

// The runs touching each class, sorted by their first index, with the
// largest end among the entries up to each one: a stabbing query (which runs
// cover index x strictly inside) walks back from the last run starting before
// x only while some earlier run could still reach past x. The pieces of a
// concat are disjoint, so a cut at a piece costs O(log n), not O(pieces).
class RunsByClass {
public:
  RunsByClass(const std::vector<ClassRun> &runs, uint32_t numClasses)
      : runs_(runs), byEnd_(runs, numClasses) {
    byEnd_.sortEach([&](uint32_t x, uint32_t y) { return start(x) < start(y); });
    maxEnd_.resize(2 * runs.size());
    for (uint32_t c = 0; c < numClasses; ++c) {
      int64_t m = 0;
      uint32_t i = byEnd_.firstPlace(c);
      for (uint32_t side : byEnd_.of(c))
        maxEnd_[i++] = static_cast<uint32_t>(m = std::max<int64_t>(m, start(side) + runs_[side >> 1].len));
    }
  }

  // Calls f(other class, index there) for every run of class c that covers
  // index x with x strictly inside it.
  template <typename F> void stab(uint32_t c, int64_t x, F f) const {
    llvm::ArrayRef<uint32_t> sides = byEnd_.of(c);
    const uint32_t base = byEnd_.firstPlace(c);
    auto it = std::lower_bound(sides.begin(), sides.end(), x,
                               [&](uint32_t side, int64_t v) { return start(side) < v; });
    for (size_t i = static_cast<size_t>(it - sides.begin()); i-- > 0;) {
      if (int64_t(maxEnd_[base + i]) <= x)
        break;
      const ClassRun &r = runs_[sides[i] >> 1];
      int64_t from = start(sides[i]);
      if (from < x && x < from + r.len)
        f(sides[i] & 1 ? r.a : r.b, x - from + (sides[i] & 1 ? r.ia : r.ib));
    }
  }

private:
  // A side's first index in its own class.
  int64_t start(uint32_t side) const {
    const ClassRun &r = runs_[side >> 1];
    return side & 1 ? r.ib : r.ia;
  }
  const std::vector<ClassRun> &runs_;
  RunsByEnd byEnd_;              // each class's sides, by their first index
  std::vector<uint32_t> maxEnd_; // by place in byEnd_; ends are within a dim: below 2^32
};

// (class << 32 | index) keys: DenseMapInfo<uint64_t> hashes by `* 37`,
// which puts the cuts of one class (keys a small step apart) into runs of
// neighbouring buckets; a full 64-bit mix spreads them.
struct CutKeyInfo {
  static uint64_t getEmptyKey() { return ~uint64_t(0); }
  static uint64_t getTombstoneKey() { return ~uint64_t(0) - 1; }
  static unsigned getHashValue(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<unsigned>(k);
  }
  static bool isEqual(uint64_t a, uint64_t b) { return a == b; }
};

} // namespace

ChannelAxes ChannelAxes::compute(const LayerIndex &ix, bool keepGraph) {
  ChannelAxes out;
  uint32_t numClasses = 0;
  LargeVector<uint32_t> classOf;
  std::vector<int64_t> classSize;
  std::vector<ClassRun> runs;
  {
    // The ties, read into classes and runs; the blocks' table is dropped at
    // the end of this scope (kept only for --explain).
    ChannelPositions pos(TieMode::Axes, keepGraph);
    propagateChannelMaps(ix, pos);
    const uint32_t numBlocks = pos.numBlocks();
    UnionFind &whole = pos.wholeBlocks();
    // A run that ties two blocks of one size whole, index by index (a map
    // that ties index after index, a concat of one piece), unites them like
    // tieSame.
    auto isWhole = [&](const TieRun &r) {
      return r.ia == 0 && r.ib == 0 && r.len == pos.block(r.a).size && r.len == pos.block(r.b).size;
    };
    for (const TieRun &r : pos.runs())
      if (isWhole(r))
        whole.unite(r.a, r.b);
    classOf = whole.takeClassNumbers(numBlocks, numClasses);
    classSize.assign(numClasses, 0);
    for (BlockId b = 0; b < numBlocks; ++b) {
      const PositionBlock &blk = pos.block(b);
      classSize[classOf[b]] = blk.size;
      if (blk.isSlot())
        out.slots_.push_back({blk.layer, blk.role, classOf[b], 0});
    }
    if (keepGraph) {
      auto g = std::make_shared<TieGraph>();
      for (BlockId b = 0; b < numBlocks; ++b)
        g->blocks.push_back(pos.block(b));
      g->runs = pos.runs();
      out.graph_ = std::move(g);
    }
    runs = pos.takeRuns();
    size_t kept = 0;
    for (TieRun r : runs) {
      if (isWhole(r))
        continue;
      r.a = classOf[r.a];
      r.b = classOf[r.b];
      r.op = 0;
      if (r.a == r.b && r.ia == r.ib)
        continue;
      if (r.b < r.a || (r.a == r.b && r.ib < r.ia)) { // one order per pair: dedup below
        std::swap(r.a, r.b);
        std::swap(r.ia, r.ib);
      }
      runs[kept++] = r;
    }
    runs.resize(kept);
  }
  // Maps called from both sides of an op make the same ties twice.
  std::sort(runs.begin(), runs.end(), runLess);
  runs.erase(std::unique(runs.begin(), runs.end(), runEqual), runs.end());

  // Cuts: every run's ends, then every cut carried through the runs that
  // cover it, until each run maps whole segments onto whole segments.
  llvm::DenseSet<uint64_t, CutKeyInfo> seen;
  // A cut is (class << 32 | index): sorted, they are by class, then index.
  std::vector<uint64_t> cuts, work;
  auto cut = [&](uint32_t c, int64_t x) {
    uint64_t key = uint64_t(c) << 32 | uint64_t(x);
    if (x <= 0 || x >= classSize[c] || !seen.insert(key).second)
      return;
    cuts.push_back(key);
    work.push_back(key);
  };
  for (const ClassRun &r : runs) {
    cut(r.a, r.ia);
    cut(r.a, int64_t(r.ia) + r.len);
    cut(r.b, r.ib);
    cut(r.b, int64_t(r.ib) + r.len);
  }
  if (!work.empty()) {
    RunsByClass byClass(runs, numClasses);
    while (!work.empty()) {
      uint64_t key = work.back();
      work.pop_back();
      byClass.stab(static_cast<uint32_t>(key >> 32), static_cast<int64_t>(key & 0xffffffffu), cut);
    }
  }
  llvm::DenseSet<uint64_t, CutKeyInfo>().swap(seen);
  std::vector<uint64_t>().swap(work);
  std::sort(cuts.begin(), cuts.end());

  // Segments: class c's are segmentBegin(c) .. segmentBegin(c + 1), split at
  // its cuts (cutBegin[c] .. cutBegin[c + 1] of `cuts`).
  std::vector<uint32_t> cutBegin(numClasses + 1, 0);
  for (uint64_t key : cuts)
    ++cutBegin[(key >> 32) + 1];
  for (uint32_t c = 0; c < numClasses; ++c)
    cutBegin[c + 1] += cutBegin[c];
  auto segmentBegin = [&](uint32_t c) { return c + cutBegin[c]; };
  const uint32_t numSegments = numClasses + static_cast<uint32_t>(cuts.size());
  // The segment of class c holding index x.
  auto segmentAt = [&](uint32_t c, int64_t x) {
    auto first = cuts.begin() + cutBegin[c], last = cuts.begin() + cutBegin[c + 1];
    auto it = std::upper_bound(first, last, uint64_t(c) << 32 | uint64_t(x));
    return segmentBegin(c) + static_cast<uint32_t>(it - first);
  };

  UnionFind segments(numSegments);
  for (const ClassRun &r : runs) {
    uint32_t a = segmentAt(r.a, r.ia), aEnd = segmentAt(r.a, int64_t(r.ia) + r.len - 1);
    uint32_t b = segmentAt(r.b, r.ib), bEnd = segmentAt(r.b, int64_t(r.ib) + r.len - 1);
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
  std::vector<ClassRun>().swap(runs);

  for (Slot &s : out.slots_) {
    uint32_t c = s.firstSegment; // the class, until here
    s.firstSegment = segmentBegin(c);
    s.numSegments = cutBegin[c + 1] - cutBegin[c] + 1;
  }
  if (TieGraph *g = out.graph_.get()) {
    for (const PositionBlock &blk : g->blocks) {
      uint32_t c = classOf[static_cast<uint32_t>(&blk - g->blocks.data())];
      g->firstSegment.push_back(segmentBegin(c));
      g->numSegments.push_back(cutBegin[c + 1] - cutBegin[c] + 1);
    }
    g->segmentStart.resize(numSegments, 0);
    for (uint32_t c = 0; c < numClasses; ++c)
      for (uint32_t k = cutBegin[c]; k < cutBegin[c + 1]; ++k)
        g->segmentStart[segmentBegin(c) + (k - cutBegin[c]) + 1] = cuts[k] & 0xffffffffu;
  }
  out.segmentClass_ = segments.takeClassNumbers(numSegments, out.numSegmentClasses_);
  return out;
}

bool ChannelAxes::isMember(const LayerIndex &ix, uint32_t layer, SlotRole role, TraitSet targets) {
  // Under filter pruning a per-channel GroupNorm joins its set too (NNI's
  // depthwise rule): its channels are its input's.
  bool selfJoin = role == SlotRole::Out && targets.test(static_cast<size_t>(Trait::ChannelTarget)) &&
                  ix.isSelfJoin(ix.layer(layer).position);
  return selfJoin || ix.layerHasAny(layer, targets);
}

UnionFind ChannelAxes::layerClasses(const LayerIndex &ix, SlotRole role, TraitSet targets) const {
  const uint32_t numLayers = ix.numLayers();
  UnionFind uf(numLayers + numSegmentClasses_);
  for (const Slot &s : slots_) {
    if (s.role != role || !isMember(ix, s.layer, role, targets))
      continue;
    for (uint32_t k = 0; k < s.numSegments; ++k)
      uf.unite(s.layer, numLayers + segmentClass_[s.firstSegment + k]);
  }
  return uf;
}

} // namespace pd
