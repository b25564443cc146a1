#include "passes/dependency/Explain.h"

#include "passes/channels/ChannelAxes.h"
#include "passes/index/WalkSteps.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>

#include <algorithm>

namespace pd {
namespace {

constexpr uint32_t kNone = ~0u;

// A breadth-first walk upward from `start` under `steps`, remembering for each
// op reached the op it was reached from (towards `start`), so the path from
// any collected layer back to `start` can be read off. Costs the ops it
// reaches, not the graph: the visited marks and the queue are scratch shared
// by every walk of one explanation.
struct UpwardTree {
  llvm::DenseMap<uint32_t, uint32_t> parent; // position -> the op it was reached from
  std::vector<uint32_t> collected;           // positions of collected layer calls

  struct Scratch {
    explicit Scratch(size_t n) : seen(n) {}
    EpochMarks seen;
    std::vector<uint32_t> queue;
  };

  UpwardTree(const LayerIndex &ix, const StepTable &steps, uint32_t start, bool fromPredecessors,
             Scratch &scratch) {
    scratch.seen.nextEpoch();
    std::vector<uint32_t> &queue = scratch.queue;
    queue.clear();
    auto reach = [&](uint32_t pos, uint32_t from) {
      if (!scratch.seen.mark(pos))
        return;
      parent[pos] = from;
      queue.push_back(pos);
    };
    if (fromPredecessors) {
      scratch.seen.mark(start);
      parent[start] = start;
      for (uint32_t p : ix.preds(start))
        reach(p, start);
    } else {
      reach(start, start);
    }
    for (size_t head = 0; head < queue.size(); ++head) {
      uint32_t pos = queue[head];
      Step s = steps[pos];
      if (s == Step::Collect && !(fromPredecessors && pos == start)) {
        collected.push_back(pos);
        continue;
      }
      if (s == Step::Stop && pos != start)
        continue;
      for (uint32_t p : ix.preds(pos))
        reach(p, pos);
    }
  }

  // "layer -> ... -> join", from a collected position up to the walk's start.
  std::string chainFrom(const LayerIndex &ix, uint32_t pos) const {
    std::string s;
    while (true) {
      s += ix.op(pos).displayName();
      uint32_t up = parent.lookup(pos);
      if (up == pos)
        return s;
      pos = up;
      s += " -> ";
    }
  }
};

// The ties of channel axes as a graph of (block, segment) states: a
// breadth-first search from the asked layer's output channels reaches every
// other member of its set, each by a shortest chain of tensors. Crossing a
// target layer's output channels from one of its segments to another (a
// conv whose channels feed two halves of a concat) starts a new hop.
class TieSearch {
public:
  TieSearch(const LayerIndex &ix, const ChannelAxes::TieGraph &g)
      : ix_(ix), g_(g), runsByBlock_(g.runs, static_cast<uint32_t>(g.blocks.size())) {
    const uint32_t n = static_cast<uint32_t>(g.blocks.size());
    stateBase_.resize(n + 1, 0);
    for (uint32_t b = 0; b < n; ++b)
      stateBase_[b + 1] = stateBase_[b] + g.numSegments[b];
    outSlots_.resize(ix.numLayers());
    for (uint32_t b = 0; b < n; ++b)
      if (g.blocks[b].isSlot() && g.blocks[b].role == SlotRole::Out)
        outSlots_[g.blocks[b].layer].push_back(b);
    parent_.assign(stateBase_.back(), kNone);
    viaOp_.assign(stateBase_.back(), kNone);
  }

  // Searches from `layer`'s output channels; returns the layers reached, in
  // the order reached (the layer first).
  std::vector<uint32_t> run(uint32_t layer) {
    std::vector<uint32_t> reached{layer};
    reachedAt_[layer] = kNone;
    queue_.clear();
    enterLayer(layer, kNone);
    for (size_t head = 0; head < queue_.size(); ++head) {
      uint32_t st = queue_[head];
      uint32_t b = blockOf(st), k = st - stateBase_[b];
      const PositionBlock &blk = g_.blocks[b];
      if (blk.isSlot() && blk.role == SlotRole::Out && !reachedAt_.count(blk.layer) &&
          ChannelAxes::isMember(ix_, blk.layer, SlotRole::Out, traitSet({Trait::ChannelTarget}))) {
        reachedAt_[blk.layer] = st;
        reached.push_back(blk.layer);
        enterLayer(blk.layer, st);
      }
      for (uint32_t side : runsByBlock_.of(b)) {
        const TieRun &r = g_.runs[side >> 1];
        if (side & 1)
          follow(st, b, k, r.ib, r.a, r.ia, r.len, r.op);
        else
          follow(st, b, k, r.ia, r.b, r.ib, r.len, r.op);
      }
    }
    return reached;
  }

  // The hops from the searched layer to `layer`, each "a -> ... <- b".
  std::vector<std::string> chains(uint32_t layer) const {
    // Each hop: its blocks, each with the op whose map tied it to the next.
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> hops(1);
    uint32_t via = kNone;
    for (uint32_t st = reachedAt_.lookup(layer); st != kNone; st = parent_[st]) {
      hops.back().push_back({blockOf(st), via});
      via = viaOp_[st];
      if (hopFrom_.count(st)) {
        hops.emplace_back();
        via = kNone;
      }
    }
    std::vector<std::string> lines;
    for (auto h = hops.rbegin(); h != hops.rend(); ++h) {
      std::reverse(h->begin(), h->end());
      lines.push_back(render(*h));
    }
    return lines;
  }

private:
  uint32_t blockOf(uint32_t st) const {
    return static_cast<uint32_t>(std::upper_bound(stateBase_.begin(), stateBase_.end(), st) -
                                 stateBase_.begin()) - 1;
  }
  int64_t segStart(uint32_t b, uint32_t k) const { return g_.segmentStart[g_.firstSegment[b] + k]; }
  int64_t segEnd(uint32_t b, uint32_t k) const {
    return k + 1 < g_.numSegments[b] ? segStart(b, k + 1) : g_.blocks[b].size;
  }
  uint32_t segmentAt(uint32_t b, int64_t x) const {
    uint32_t k = 0;
    while (k + 1 < g_.numSegments[b] && segStart(b, k + 1) <= x)
      ++k;
    return k;
  }
  void reach(uint32_t st, uint32_t from, uint32_t op = kNone) {
    if (parent_[st] != kNone || started_.count(st))
      return;
    parent_[st] = from;
    viaOp_[st] = op;
    queue_.push_back(st);
  }
  void enterLayer(uint32_t layer, uint32_t from) {
    for (uint32_t b : outSlots_[layer])
      for (uint32_t k = 0; k < g_.numSegments[b]; ++k) {
        uint32_t st = stateBase_[b] + k;
        if (from == kNone) {
          started_.insert(st);
          queue_.push_back(st);
        } else if (st != from && parent_[st] == kNone && !started_.count(st)) {
          hopFrom_.insert(st);
          reach(st, from);
        }
      }
  }
  // Segment k of block b, if inside the run's side [start, start + len),
  // reaches the segment of `other` at the same offset.
  void follow(uint32_t st, uint32_t b, uint32_t k, int64_t start, uint32_t other, int64_t otherStart,
              int64_t len, uint32_t op) {
    int64_t x = segStart(b, k);
    if (x < start || segEnd(b, k) > start + len)
      return;
    reach(stateBase_[other] + segmentAt(other, x - start + otherStart), st, op);
  }
  // The op a block stands for, and where it sits in the graph.
  std::pair<std::string, int64_t> nameOf(uint32_t b) const {
    const PositionBlock &blk = g_.blocks[b];
    if (blk.isSlot())
      return {std::string(ix_.layer(blk.layer).str()), ix_.layer(blk.layer).position};
    if (const Op *def = blk.value->definingOp())
      return {std::string(def->displayName()), ix_.position(*def)};
    return {std::string(blk.value->name().str()), -1};
  }
  // "a -> add <- b": each block by the op it stands for, and between two
  // blocks the op that tied them when it is neither (an add tying its two
  // operands); arrows point down the graph.
  std::string render(const std::vector<std::pair<uint32_t, uint32_t>> &blocks) const {
    std::string s, last;
    int64_t lastPos = 0;
    auto add = [&](const std::string &name, int64_t at) {
      if (!s.empty() && name == last)
        return;
      if (!s.empty())
        s += at > lastPos ? " -> " : " <- ";
      s += name;
      last = name;
      lastPos = at;
    };
    for (size_t i = 0; i < blocks.size(); ++i) {
      auto [name, at] = nameOf(blocks[i].first);
      add(name, at);
      uint32_t op = blocks[i].second;
      if (op == kNone || i + 1 == blocks.size())
        continue;
      int64_t next = nameOf(blocks[i + 1].first).second;
      if (op != at && op != next)
        add(std::string(ix_.op(op).displayName()), op);
    }
    return s;
  }

  const LayerIndex &ix_;
  const ChannelAxes::TieGraph &g_;
  RunsByEnd runsByBlock_;
  std::vector<uint32_t> stateBase_, parent_, viaOp_, queue_;
  std::vector<std::vector<uint32_t>> outSlots_;
  llvm::DenseMap<uint32_t, uint32_t> reachedAt_; // layer -> state it was reached at
  llvm::DenseSet<uint32_t> started_, hopFrom_;
};

} // namespace

Explanation explainLayer(const LayerIndex &ix, Symbol name) {
  Explanation ex;
  ex.layer = std::string(name.str());
  std::optional<uint32_t> layerId = ix.findLayer(name);
  if (!layerId)
    return ex;
  ex.found = true;
  StepTable toWeights = weightLayerSteps(ix);
  UpwardTree::Scratch scratch(ix.size());

  ChannelAxes axes = ChannelAxes::compute(ix, /*keepGraph=*/true);
  TieSearch search(ix, *axes.graph());
  std::vector<uint32_t> work = search.run(*layerId);
  for (uint32_t l : work)
    ex.setMembers.emplace_back(ix.layer(l).str());
  std::sort(ex.setMembers.begin(), ex.setMembers.end());
  for (uint32_t l : work) {
    if (l == *layerId)
      continue;
    ex.ties.push_back({std::string(ix.layer(l).str()), search.chains(l)});
  }
  std::sort(ex.ties.begin(), ex.ties.end(),
            [](const TieExplanation &a, const TieExplanation &b) { return a.with < b.with; });

  // Group constraints: a grouped conv / group norm requires its own channels
  // and those of the nearest conv/linear above it to divide by its groups.
  // Which of them reach the layer: walk down from its calls through the ops
  // an upward walk passes (the reverse of that walk), then walk up from each
  // constraining op found to read off the chain.
  std::vector<uint32_t> constraining;
  std::vector<uint32_t> &down = scratch.queue;
  down.clear();
  scratch.seen.nextEpoch();
  auto isConstraining = [&](uint32_t pos) {
    return ix.layerOf(pos) != LayerIndex::kNoLayer && requiredGroups(ix.op(pos), ix.rule(pos)) > 1;
  };
  for (uint32_t pos = 0; pos < ix.size(); ++pos) {
    if (ix.layerOf(pos) != *layerId)
      continue;
    if (isConstraining(pos))
      constraining.push_back(pos);
    if (toWeights[pos] == Step::Collect)
      for (uint32_t s : ix.succs(pos))
        if (scratch.seen.mark(s))
          down.push_back(s);
  }
  for (size_t head = 0; head < down.size(); ++head) {
    uint32_t pos = down[head];
    if (ix.layerOf(pos) != *layerId && isConstraining(pos))
      constraining.push_back(pos);
    if (toWeights[pos] == Step::Pass)
      for (uint32_t s : ix.succs(pos))
        if (scratch.seen.mark(s))
          down.push_back(s);
  }
  std::sort(constraining.begin(), constraining.end());
  constraining.erase(std::unique(constraining.begin(), constraining.end()), constraining.end());
  for (uint32_t pos : constraining) {
    int64_t g = requiredGroups(ix.op(pos), ix.rule(pos));
    std::string from(ix.layer(ix.layerOf(pos)).str());
    if (ix.layerOf(pos) == *layerId) {
      ex.constraints.push_back({from, g, from + " (its own groups)"});
      continue;
    }
    UpwardTree t(ix, toWeights, pos, true, scratch);
    for (uint32_t c : t.collected)
      if (ix.layerOf(c) == *layerId)
        ex.constraints.push_back({from, g, t.chainFrom(ix, c)});
  }
  return ex;
}

} // namespace pd
