#include "passes/Explain.h"

#include "passes/ChannelDependency.h"
#include "passes/WalkSteps.h"

#include <llvm/ADT/DenseMap.h>

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

// "a -> ... -> J <- ... <- b"
std::string joinChain(const LayerIndex &ix, const UpwardTree &t, uint32_t a, uint32_t b) {
  std::string left = t.chainFrom(ix, a), right = t.chainFrom(ix, b);
  // Reverse the right-hand chain's arrows: J <- ... <- b.
  std::vector<std::string> parts;
  size_t i = 0;
  while (true) {
    size_t j = right.find(" -> ", i);
    parts.push_back(right.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos)
      break;
    i = j + 4;
  }
  std::string s = left;
  for (size_t k = parts.size() - 1; k-- > 0;)
    s += " <- " + parts[k];
  return s;
}

struct Join {
  uint32_t pos;
  UpwardTree tree;
};

} // namespace

Explanation explainLayer(const LayerIndex &ix, Symbol name) {
  Explanation ex;
  ex.layer = std::string(name.str());
  std::optional<uint32_t> layerId = ix.findLayer(name);
  if (!layerId)
    return ex;
  ex.found = true;
  StepTable toTargets = channelTargetSteps(ix, Trait::ChannelTarget);
  StepTable toWeights = weightLayerSteps(ix);
  UpwardTree::Scratch scratch(ix.size());

  // The joins that tie the layer's set (the channel-dependency classes, in
  // one linear pass): only their walks are needed, not every join's.
  UnionFind classes = channelDependencyClasses(ix, PruneType::Filter);
  const uint32_t numLayers = ix.numLayers(), mine = classes.find(*layerId);
  std::vector<Join> joins;
  for (uint32_t pos = 0; pos < ix.size(); ++pos) {
    const OpRule *r = ix.rule(pos);
    if (!r)
      continue;
    if (isChannelJoin(ix.op(pos), *r) && classes.find(numLayers + pos) == mine)
      joins.push_back({pos, UpwardTree(ix, toTargets, pos, false, scratch)});
    if (isSelfJoin(ix, pos) && classes.find(ix.layerOf(pos)) == mine) {
      Join j{pos, UpwardTree(ix, toWeights, pos, true, scratch)};
      j.tree.collected.push_back(pos); // the layer joins itself
      joins.push_back(std::move(j));
    }
  }
  // Breadth-first over layers: layer -> join -> layer, from the asked layer.
  // Each join is expanded once, by the first of its layers reached.
  struct Via {
    uint32_t join = kNone, prevLayer = kNone;
    uint32_t prevCall = kNone, call = kNone; // positions of both layers' calls in that join
  };
  llvm::DenseMap<uint32_t, Via> via;
  llvm::DenseMap<uint32_t, std::vector<std::pair<uint32_t, uint32_t>>> callsByLayer; // (join, pos)
  for (uint32_t j = 0; j < joins.size(); ++j)
    for (uint32_t pos : joins[j].tree.collected)
      callsByLayer[ix.layerOf(pos)].push_back({j, pos});
  std::vector<uint8_t> expanded(joins.size(), 0);
  std::vector<uint32_t> work{*layerId};
  via[*layerId] = Via{};
  for (size_t head = 0; head < work.size(); ++head) {
    uint32_t l = work[head];
    for (auto [j, pos] : callsByLayer.lookup(l)) {
      if (expanded[j])
        continue;
      expanded[j] = 1;
      for (uint32_t other : joins[j].tree.collected) {
        uint32_t ol = ix.layerOf(other);
        if (via.count(ol))
          continue;
        via[ol] = Via{j, l, pos, other};
        work.push_back(ol);
      }
    }
  }
  for (uint32_t l : work)
    ex.setMembers.emplace_back(ix.layer(l).str());
  std::sort(ex.setMembers.begin(), ex.setMembers.end());
  for (uint32_t l : work) {
    if (l == *layerId)
      continue;
    TieExplanation tie;
    tie.with = std::string(ix.layer(l).str());
    // Walk back to the asked layer, one join per hop.
    std::vector<std::string> hops;
    uint32_t cur = l;
    while (cur != *layerId) {
      const Via &v = via[cur];
      hops.push_back(joinChain(ix, joins[v.join].tree, v.prevCall, v.call));
      cur = v.prevLayer;
    }
    std::reverse(hops.begin(), hops.end());
    tie.chains = std::move(hops);
    ex.ties.push_back(std::move(tie));
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
