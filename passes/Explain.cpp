#include "passes/Explain.h"

#include "passes/GraphWalk.h"
#include "passes/OpFacts.h"

#include <algorithm>
#include <deque>
#include <map>

namespace pd {
namespace {

constexpr uint32_t kNone = ~0u;

// A breadth-first walk upward from `start` under `steps`, remembering for each
// op reached the op it was reached from (towards `start`), so the path from
// any collected layer back to `start` can be read off.
struct UpwardTree {
  std::vector<uint32_t> parent;  // by position; kNone = not reached
  std::vector<uint32_t> collected; // positions of collected layer calls

  UpwardTree(const LayerIndex &ix, const StepTable &steps, uint32_t start, bool fromPredecessors)
      : parent(ix.size(), kNone) {
    std::deque<uint32_t> work;
    auto reach = [&](uint32_t pos, uint32_t from) {
      if (parent[pos] != kNone)
        return;
      parent[pos] = from;
      work.push_back(pos);
    };
    if (fromPredecessors) {
      parent[start] = start;
      for (uint32_t p : ix.preds(start))
        reach(p, start);
    } else {
      reach(start, start);
    }
    while (!work.empty()) {
      uint32_t pos = work.front();
      work.pop_front();
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
      if (parent[pos] == pos)
        return s;
      pos = parent[pos];
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
  const Trait target = Trait::ChannelTarget;
  StepTable toTargets(ix, [&](const Op &op, const OpRule *r) {
    if (r && r->has(target))
      return Step::Collect;
    if (stopsAllWalks(r) || (r && r->has(Trait::Reshape) && !keepsChannelCount(op, *r)))
      return Step::Stop;
    return Step::Pass;
  });
  StepTable toWeights(ix, [](const Op &, const OpRule *r) {
    if (r && r->has(Trait::WeightLayer))
      return Step::Collect;
    return stopsAllWalks(r) ? Step::Stop : Step::Pass;
  });

  // Every join and the layers it ties (the channel-dependency rules).
  std::vector<Join> joins;
  for (uint32_t pos = 0; pos < ix.size(); ++pos) {
    const OpRule *r = ix.rule(pos);
    if (!r)
      continue;
    const Op &op = ix.op(pos);
    if ((r->has(Trait::Elementwise) && numTensorOperands(op) >= 2) ||
        (r->has(Trait::Concat) && !isChannelConcat(op, *r)))
      joins.push_back({pos, UpwardTree(ix, toTargets, pos, false)});
    if ((isDepthwise(op, r) || isPerChannelGroupNorm(op, r)) && ix.layerOf(pos) != LayerIndex::kNoLayer) {
      Join j{pos, UpwardTree(ix, toWeights, pos, true)};
      j.tree.collected.push_back(pos); // the layer joins itself
      joins.push_back(std::move(j));
    }
  }
  // Breadth-first over layers: layer -> join -> layer, from the asked layer.
  std::map<uint32_t, std::pair<uint32_t, uint32_t>> via; // layer -> (join index, previous layer)
  std::map<uint32_t, std::vector<std::pair<uint32_t, uint32_t>>> callsByLayer; // layer -> (join, pos)
  for (uint32_t j = 0; j < joins.size(); ++j)
    for (uint32_t pos : joins[j].tree.collected)
      callsByLayer[ix.layerOf(pos)].push_back({j, pos});
  std::deque<uint32_t> work{*layerId};
  via[*layerId] = {kNone, kNone};
  while (!work.empty()) {
    uint32_t l = work.front();
    work.pop_front();
    for (auto [j, pos] : callsByLayer[l]) {
      (void)pos;
      for (uint32_t other : joins[j].tree.collected) {
        uint32_t ol = ix.layerOf(other);
        if (via.count(ol))
          continue;
        via[ol] = {j, l};
        work.push_back(ol);
      }
    }
  }
  for (const auto &[l, v] : via)
    ex.setMembers.emplace_back(ix.layer(l).str());
  std::sort(ex.setMembers.begin(), ex.setMembers.end());
  auto callOf = [&](uint32_t join, uint32_t layer) {
    for (uint32_t pos : joins[join].tree.collected)
      if (ix.layerOf(pos) == layer)
        return pos;
    return kNone;
  };
  for (const auto &[l, v] : via) {
    if (l == *layerId)
      continue;
    TieExplanation tie;
    tie.with = std::string(ix.layer(l).str());
    // Walk back to the asked layer, one join per hop.
    std::vector<std::string> hops;
    uint32_t cur = l;
    while (cur != *layerId) {
      auto [j, prev] = via[cur];
      hops.push_back(joinChain(ix, joins[j].tree, callOf(j, prev), callOf(j, cur)));
      cur = prev;
    }
    std::reverse(hops.begin(), hops.end());
    tie.chains = std::move(hops);
    ex.ties.push_back(std::move(tie));
  }
  std::sort(ex.ties.begin(), ex.ties.end(),
            [](const TieExplanation &a, const TieExplanation &b) { return a.with < b.with; });

  // Group constraints: a grouped conv / group norm requires its own channels
  // and those of the nearest conv/linear above it to divide by its groups.
  for (uint32_t pos = 0; pos < ix.size(); ++pos) {
    const OpRule *r = ix.rule(pos);
    if (!r || ix.layerOf(pos) == LayerIndex::kNoLayer)
      continue;
    const Op &op = ix.op(pos);
    int64_t g = 1;
    if (r->has(Trait::Grouped) && !isDepthwise(op, r))
      g = convGroups(op, r);
    else if (r->has(Trait::GroupNorm))
      g = normGroups(op, r).value_or(1);
    if (g <= 1)
      continue;
    std::string from(ix.layer(ix.layerOf(pos)).str());
    if (ix.layerOf(pos) == *layerId) {
      ex.constraints.push_back({from, g, from + " (its own groups)"});
      continue;
    }
    UpwardTree t(ix, toWeights, pos, true);
    for (uint32_t c : t.collected)
      if (ix.layerOf(c) == *layerId)
        ex.constraints.push_back({from, g, t.chainFrom(ix, c)});
  }
  return ex;
}

} // namespace pd
