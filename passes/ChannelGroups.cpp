#include "passes/ChannelGroups.h"

#include "ir/Attribute.h"
#include "ir/Printer.h"
#include "passes/ChannelMaps.h"

#include <algorithm>
#include <map>

namespace pd {

AnalysisKey ChannelGroupsAnalysis::Key;

ChannelGroups ChannelGroupsAnalysis::run(Graph &g, AnalysisManager &am) {
  return computeChannelGroups(am.getResult<LayerIndexAnalysis>(), g);
}

uint32_t GroupedIndices::perGroup() const {
  if (offsets.size() < 2)
    return 0;
  uint32_t n = offsets[1] - offsets[0];
  for (size_t k = 1; k + 1 < offsets.size(); ++k)
    if (offsets[k + 1] - offsets[k] != n)
      return 0;
  return n;
}

std::string_view roleName(ChannelMember::Role r) {
  switch (r) {
  case ChannelMember::Role::Out: return "out";
  case ChannelMember::Role::In: return "in";
  case ChannelMember::Role::Param: return "param";
  }
  return "?";
}

namespace {

const ChannelMap *mapOf(const LayerIndex &ix, const Op &op) {
  const OpRule *r = ix.rule(op);
  return r && r->channelMap ? &*r->channelMap : nullptr;
}

bool isStoredTensor(const LayerIndex &ix, const Value *v) {
  const Op *def = v ? v->definingOp() : nullptr;
  const ChannelMap *m = def ? mapOf(ix, *def) : nullptr;
  return m && m->kind == ChannelMapKind::Parameter;
}

// Runs every seed, then propagates every block to the ops that define and
// use its tensor until no new block appears.
void propagate(const LayerIndex &ix, const Graph &g, ChannelPositions &pos) {
  std::vector<MapMemo> memos(g.opIdBound());
  for (const Op *op : ix.order()) {
    const ChannelMap *m = mapOf(ix, *op);
    if (m && mapImpl(m->kind).seed) {
      MapContext ctx(pos, ix, *op, *m, memos[op->id()]);
      mapImpl(m->kind).seed(ctx);
    }
  }
  auto apply = [&](const Op &op, TensorRef t, int64_t dim, BlockId b) {
    const ChannelMap *m = mapOf(ix, op);
    MapMemo &memo = memos[op.id()];
    if (!m) {
      static const ChannelMap kNone;
      MapContext(pos, ix, op, kNone, memo)
          .stop(b, "no channel map for '" + std::string(op.kind().str()) +
                       "' (add one under [channel-map] in a rule file)");
      return;
    }
    MapContext ctx(pos, ix, op, *m, memo);
    mapImpl(m->kind).propagate(ctx, MapSource{t, dim, b});
  };
  while (std::optional<BlockId> b = pos.nextNew()) {
    const PositionBlock blk = pos.block(*b);
    if (Op *def = blk.value->definingOp())
      apply(*def, resultRef(blk.value->resultNo()), blk.dim, *b);
    else
      pos.stop(*b, std::nullopt, "the model's input " + valueRef(blk.value));
    for (const Use &u : blk.value->uses())
      apply(*u.user, operandRef(u.operandNo), blk.dim, *b);
  }
  (void)g;
}

// What one class of tied positions touches.
struct Class {
  std::vector<std::pair<uint32_t, int64_t>> members; // (member number, index)
  std::vector<std::pair<BlockId, int64_t>> values;
  std::vector<uint32_t> reasons;
  std::vector<uint32_t> outputs; // numbers of graph outputs
};

struct MemberBlock {
  BlockId block;
  uint32_t order; // graph position of its layer / stored tensor
};

} // namespace

ChannelGroups computeChannelGroups(const LayerIndex &ix, const Graph &g) {
  ChannelPositions pos;
  propagate(ix, g, pos);

  // Members in graph order: a layer's slots at its first call, out before in.
  std::vector<MemberBlock> members;
  for (BlockId b = 0; b < pos.numBlocks(); ++b) {
    const PositionBlock &blk = pos.block(b);
    if (blk.isSlot())
      members.push_back({b, ix.layer(blk.layer).position});
    else if (isStoredTensor(ix, blk.value))
      members.push_back({b, ix.position(*blk.value->definingOp())});
  }
  std::sort(members.begin(), members.end(), [&](const MemberBlock &a, const MemberBlock &b) {
    const PositionBlock &x = pos.block(a.block), &y = pos.block(b.block);
    return std::make_tuple(a.order, x.role, x.dim) < std::make_tuple(b.order, y.role, y.dim);
  });

  // Classes, found from their members' positions.
  constexpr uint32_t kNone = ~0u;
  std::vector<uint32_t> classOf(pos.numPositions(), kNone);
  std::vector<Class> classes;
  std::vector<uint8_t> isMember(pos.numBlocks(), 0);
  for (uint32_t m = 0; m < members.size(); ++m) {
    BlockId b = members[m].block;
    isMember[b] = 1;
    for (int64_t i = 0; i < pos.block(b).size; ++i) {
      uint32_t root = pos.find(pos.position(b, i));
      if (classOf[root] == kNone) {
        classOf[root] = static_cast<uint32_t>(classes.size());
        classes.emplace_back();
      }
      classes[classOf[root]].members.push_back({m, i});
    }
  }
  auto classAt = [&](BlockId b, int64_t i) { return classOf[pos.find(pos.position(b, i))]; };
  for (const ChannelPositions::Stop &s : pos.stops()) {
    int64_t first = s.index.value_or(0), last = s.index ? *s.index + 1 : pos.block(s.block).size;
    for (int64_t i = first; i < last; ++i)
      if (uint32_t c = classAt(s.block, i); c != kNone)
        classes[c].reasons.push_back(s.reason);
  }
  std::vector<std::vector<BlockId>> blocksOfValue(g.valueIdBound());
  for (BlockId b = 0; b < pos.numBlocks(); ++b) {
    const PositionBlock &blk = pos.block(b);
    if (blk.isSlot())
      continue; // stored tensors are listed as values too: they shrink
    blocksOfValue[blk.value->id()].push_back(b);
    for (int64_t i = 0; i < blk.size; ++i)
      if (uint32_t c = classAt(b, i); c != kNone)
        classes[c].values.push_back({b, i});
  }
  for (uint32_t o = 0; o < g.outputs().size(); ++o)
    for (BlockId b : blocksOfValue[g.outputs()[o]->id()])
      for (int64_t i = 0; i < pos.block(b).size; ++i)
        if (uint32_t c = classAt(b, i); c != kNone)
          classes[c].outputs.push_back(o);

  // A group that takes every index of a dim leaves nothing: not a pruning
  // (a chunk's pieces tied through a channel shuffle, a 1-channel conv).
  std::vector<uint32_t> hits(pos.numBlocks(), 0);
  std::vector<BlockId> touched;
  for (Class &k : classes) {
    touched.clear();
    auto count = [&](BlockId b) {
      if (hits[b]++ == 0)
        touched.push_back(b);
    };
    for (const auto &[m, i] : k.members)
      count(members[m].block);
    for (const auto &[b, i] : k.values)
      if (!isMember[b]) // counted as a member already
        count(b);
    std::sort(touched.begin(), touched.end());
    bool whole = false;
    for (BlockId b : touched) {
      const PositionBlock &blk = pos.block(b);
      if (!whole && hits[b] == blk.size) {
        whole = true;
        std::string what = blk.isSlot() ? std::string(ix.layer(blk.layer).str()) + "'s " +
                                              (blk.role == SlotRole::Out ? "output" : "input") +
                                              " channels"
                                        : "dim " + std::to_string(blk.dim) + " of " + valueRef(blk.value);
        k.reasons.push_back(pos.reasonId("it removes all " + std::to_string(blk.size) +
                                         " indices of " + what + " (nothing would be left)"));
      }
      hits[b] = 0;
    }
  }

  // Sets: classes with the same signature (members with their counts, why
  // they are blocked, which outputs change), in order of their first index.
  std::map<std::vector<uint64_t>, uint32_t> setOf;
  std::vector<std::vector<uint32_t>> setClasses;
  for (uint32_t c = 0; c < classes.size(); ++c) {
    Class &k = classes[c];
    std::sort(k.members.begin(), k.members.end());
    for (auto *v : {&k.reasons, &k.outputs}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    std::vector<uint64_t> sig;
    for (size_t i = 0; i < k.members.size();) {
      size_t j = i;
      while (j < k.members.size() && k.members[j].first == k.members[i].first)
        ++j;
      sig.push_back((uint64_t(k.members[i].first) << 32) | (j - i));
      i = j;
    }
    sig.push_back(~0ull);
    sig.insert(sig.end(), k.reasons.begin(), k.reasons.end());
    sig.push_back(~0ull);
    sig.insert(sig.end(), k.outputs.begin(), k.outputs.end());
    auto [it, inserted] = setOf.try_emplace(std::move(sig), static_cast<uint32_t>(setClasses.size()));
    if (inserted)
      setClasses.emplace_back();
    setClasses[it->second].push_back(c);
  }
  auto firstHit = [&](uint32_t c) { return classes[c].members.front(); };
  for (auto &cs : setClasses)
    std::sort(cs.begin(), cs.end(), [&](uint32_t a, uint32_t b) { return firstHit(a) < firstHit(b); });
  std::sort(setClasses.begin(), setClasses.end(),
            [&](const auto &a, const auto &b) { return firstHit(a.front()) < firstHit(b.front()); });

  ChannelGroups out;
  out.positions = pos.numPositions();
  std::vector<uint32_t> memberSlot(members.size(), kNone); // member number -> index in its set
  std::vector<uint32_t> valueSlot(pos.numBlocks(), kNone);  // block -> index in its set
  for (const std::vector<uint32_t> &cs : setClasses) {
    ChannelSet set;
    set.groups = static_cast<uint32_t>(cs.size());
    const Class &proto = classes[cs.front()];
    for (uint32_t r : proto.reasons)
      set.blocked.push_back(pos.reason(r));
    for (uint32_t o : proto.outputs)
      set.outputs.push_back(g.outputs()[o]);
    // Members: the prototype's, each with its indices group after group.
    std::vector<uint32_t> setMembers; // member numbers, in order
    for (const auto &[m, i] : proto.members) {
      if (!setMembers.empty() && setMembers.back() == m)
        continue; // proto.members is sorted by member
      memberSlot[m] = static_cast<uint32_t>(set.members.size());
      setMembers.push_back(m);
      const PositionBlock &blk = pos.block(members[m].block);
      ChannelMember cm;
      cm.dim = blk.dim;
      if (blk.isSlot()) {
        cm.role = blk.role == SlotRole::Out ? ChannelMember::Role::Out : ChannelMember::Role::In;
        cm.layer = blk.layer;
        cm.name = std::string(ix.layer(blk.layer).str());
      } else {
        cm.role = ChannelMember::Role::Param;
        cm.tensor = blk.value;
        const Op *def = blk.value->definingOp();
        const ChannelMap *m = mapOf(ix, *def);
        const Attribute *name = m->attrArg(*def, ChannelMapKey::Name);
        cm.name = name && name->isStr() ? name->getStr() : std::string(blk.value->name().str());
      }
      cm.offsets.push_back(0);
      set.members.push_back(std::move(cm));
    }
    // Values: every tensor dim any of the set's groups reaches, in graph order.
    std::vector<BlockId> setValues;
    for (uint32_t c : cs)
      for (const auto &[b, i] : classes[c].values)
        if (valueSlot[b] == kNone) {
          valueSlot[b] = 0;
          setValues.push_back(b);
        }
    auto order = [&](BlockId b) {
      const Value *v = pos.block(b).value;
      return std::make_pair(v->definingOp() ? ix.position(*v->definingOp()) + 1 : 0u, b);
    };
    std::sort(setValues.begin(), setValues.end(),
              [&](BlockId a, BlockId b) { return order(a) < order(b); });
    for (BlockId b : setValues) {
      valueSlot[b] = static_cast<uint32_t>(set.values.size());
      ChannelValue cv;
      cv.value = pos.block(b).value;
      cv.dim = pos.block(b).dim;
      cv.offsets.push_back(0);
      set.values.push_back(std::move(cv));
    }
    for (uint32_t c : cs) {
      for (const auto &[m, i] : classes[c].members)
        set.members[memberSlot[m]].indices.push_back(i);
      std::vector<std::pair<BlockId, int64_t>> &vs = classes[c].values;
      std::sort(vs.begin(), vs.end());
      for (const auto &[b, i] : vs)
        set.values[valueSlot[b]].indices.push_back(i);
      for (ChannelMember &cm : set.members)
        cm.offsets.push_back(static_cast<uint32_t>(cm.indices.size()));
      for (ChannelValue &cv : set.values)
        cv.offsets.push_back(static_cast<uint32_t>(cv.indices.size()));
    }
    for (BlockId b : setValues)
      valueSlot[b] = kNone;
    out.sets.push_back(std::move(set));
  }
  return out;
}

} // namespace pd
