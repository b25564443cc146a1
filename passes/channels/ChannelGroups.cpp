#include "passes/channels/ChannelGroups.h"

#include "ir/Attribute.h"
#include "ir/Printer.h"
#include "passes/channels/ChannelMaps.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/Hashing.h>

#include <algorithm>
#include <tuple>
#include <unordered_map>

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

std::string memberName(std::string_view name, ChannelMember::Role role, int64_t dim) {
  std::string s(name);
  switch (role) {
  case ChannelMember::Role::Out: return s;
  case ChannelMember::Role::In: return s + ":in";
  case ChannelMember::Role::Param: return s + "@" + std::to_string(dim);
  }
  return s;
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

const ChannelMap *mapOf(const LayerIndex &ix, const Op &op) { return channelMapOf(ix.rule(op)); }

bool isStoredTensor(const LayerIndex &ix, const Value *v) {
  const Op *def = v ? v->definingOp() : nullptr;
  const ChannelMap *m = def ? mapOf(ix, *def) : nullptr;
  return m && m->kind == ChannelMapKind::Parameter;
}

struct MemberBlock {
  BlockId block;
  uint32_t order; // graph position of its layer / stored tensor
};

// Entries grouped by class, stored flat (a model has hundreds of thousands of
// classes; a vector each would cost as many allocations): class c's entries
// are entries[begin[c], begin[c+1]), in the order they were added.
template <typename T> class Buckets {
public:
  explicit Buckets(uint32_t classes) : begin_(classes + 2, 0) {}
  // Two passes over the same entries in the same order: count, then add.
  void count(uint32_t c) { ++begin_[c + 2]; }
  void add(uint32_t c, T e) {
    if (!laidOut_) {
      for (size_t i = 2; i < begin_.size(); ++i)
        begin_[i] += begin_[i - 1];
      entries_.resize(begin_.back());
      laidOut_ = true;
    }
    entries_[begin_[c + 1]++] = e;
  }
  llvm::ArrayRef<T> of(uint32_t c) const {
    return llvm::ArrayRef<T>(entries_).slice(begin_[c], begin_[c + 1] - begin_[c]);
  }

private:
  std::vector<uint32_t> begin_; // after add(): class c starts at begin_[c]
  std::vector<T> entries_;
  bool laidOut_ = false;
};

// Frees a vector's storage (`v = {}` and clear() keep the capacity).
template <typename T> void release(std::vector<T> &v) { std::vector<T>().swap(v); }

struct Hit {
  uint32_t owner; // member number, or block
  uint32_t index;
  bool operator<(const Hit &o) const { return std::tie(owner, index) < std::tie(o.owner, o.index); }
};

struct VectorHash {
  size_t operator()(const std::vector<uint64_t> &v) const {
    return llvm::hash_combine_range(v.begin(), v.end());
  }
};

} // namespace

ChannelGroups computeChannelGroups(const LayerIndex &ix, const Graph &g, const FactorChoices *choices) {
  ChannelPositions pos;
  propagateChannelMaps(ix, pos, choices);

  // Members in graph order: a layer's slots at its first call, out before in.
  std::vector<MemberBlock> members;
  std::vector<uint8_t> isMember(pos.numBlocks(), 0);
  for (BlockId b = 0; b < pos.numBlocks(); ++b) {
    const PositionBlock &blk = pos.block(b);
    if (blk.isSlot())
      members.push_back({b, ix.layer(blk.layer).position});
    else if (isStoredTensor(ix, blk.value))
      members.push_back({b, ix.position(*blk.value->definingOp())});
    else
      continue;
    isMember[b] = 1;
  }
  std::sort(members.begin(), members.end(), [&](const MemberBlock &a, const MemberBlock &b) {
    const PositionBlock &x = pos.block(a.block), &y = pos.block(b.block);
    return std::make_tuple(a.order, x.role, x.dim) < std::make_tuple(b.order, y.role, y.dim);
  });

  // A group is a class of tied positions that holds a member: number the
  // classes in member order, then give every position its class. Done in the
  // union-find's own storage (4 bytes a position): a leader's entry is
  // tagged with its class once numbered, then every entry becomes its class.
  constexpr uint32_t kNone = ~0u, kTag = uint32_t(1) << 31; // positions and classes < 2^26
  uint32_t numClasses = 0;
  std::vector<uint32_t> classOf = pos.takeLeaders();
  for (const MemberBlock &m : members)
    for (int64_t i = 0; i < pos.block(m.block).size; ++i) {
      uint32_t p = pos.position(m.block, i);
      uint32_t leader = (classOf[p] & kTag) ? p : classOf[p];
      if (!(classOf[leader] & kTag))
        classOf[leader] = kTag | numClasses++;
    }
  // Followers first (their leader's entry still tells), then the leaders.
  for (uint32_t p = 0; p < classOf.size(); ++p)
    if (!(classOf[p] & kTag) && classOf[p] != p)
      classOf[p] = (classOf[classOf[p]] & kTag) ? classOf[classOf[p]] : kNone;
  for (uint32_t &c : classOf)
    c = c == kNone || !(c & kTag) ? kNone : c & ~kTag;
  auto classAt = [&](BlockId b, int64_t i) { return classOf[pos.position(b, i)]; };

  // What each class touches: members (sorted by member, then index), the
  // tensors (by block, then index; stored tensors too: they shrink), why it
  // is blocked, which graph outputs change.
  Buckets<Hit> memberHits(numClasses), valueHits(numClasses);
  for (int pass = 0; pass < 2; ++pass) {
    for (uint32_t m = 0; m < members.size(); ++m)
      for (int64_t i = 0; i < pos.block(members[m].block).size; ++i) {
        uint32_t c = classAt(members[m].block, i);
        pass ? memberHits.add(c, {m, static_cast<uint32_t>(i)}) : memberHits.count(c);
      }
    for (BlockId b = 0; b < pos.numBlocks(); ++b) {
      if (pos.block(b).isSlot())
        continue;
      for (int64_t i = 0; i < pos.block(b).size; ++i)
        if (uint32_t c = classAt(b, i); c != kNone)
          pass ? valueHits.add(c, {b, static_cast<uint32_t>(i)}) : valueHits.count(c);
    }
  }
  std::vector<std::pair<uint32_t, uint64_t>> tags; // (class, reason) and (class, output | 1 << 32)
  for (const ChannelPositions::Stop &s : pos.stops()) {
    int64_t first = s.index.value_or(0), last = s.index ? *s.index + 1 : pos.block(s.block).size;
    for (int64_t i = first; i < last; ++i)
      if (uint32_t c = classAt(s.block, i); c != kNone)
        tags.push_back({c, s.reason});
  }
  for (uint32_t o = 0; o < g.outputs().size(); ++o) {
    const Value *v = g.outputs()[o];
    for (int64_t d = 0; v->type()->isTensor() && d < static_cast<int64_t>(v->type()->rank()); ++d)
      if (std::optional<BlockId> b = pos.findValueBlock(v, d))
        for (int64_t i = 0; i < pos.block(*b).size; ++i)
          if (uint32_t c = classAt(*b, i); c != kNone)
            tags.push_back({c, (uint64_t(1) << 32) | o});
  }
  release(classOf); // the hits and tags hold all that is needed from here on

  // A group that takes every index of a dim leaves nothing: not a pruning
  // (a chunk's pieces tied through a channel shuffle, a 1-channel conv).
  auto whole = [&](BlockId b, uint32_t n) { return n == pos.block(b).size; };
  for (uint32_t c = 0; c < numClasses; ++c) {
    auto runs = [&](llvm::ArrayRef<Hit> hits, bool membersToo, auto blockOf) {
      for (size_t i = 0; i < hits.size();) {
        size_t j = i;
        while (j < hits.size() && hits[j].owner == hits[i].owner)
          ++j;
        BlockId b = blockOf(hits[i].owner);
        if ((membersToo || !isMember[b]) && whole(b, static_cast<uint32_t>(j - i)))
          return b;
        i = j;
      }
      return kNone;
    };
    BlockId full = runs(memberHits.of(c), true, [&](uint32_t m) { return members[m].block; });
    if (full == kNone)
      full = runs(valueHits.of(c), false, [](uint32_t b) { return b; });
    if (full == kNone)
      continue;
    const PositionBlock &blk = pos.block(full);
    std::string what = blk.isSlot() ? std::string(ix.layer(blk.layer).str()) + "'s " +
                                          (blk.role == SlotRole::Out ? "output" : "input") + " channels"
                                    : "dim " + std::to_string(blk.dim) + " of " + valueRef(blk.value);
    tags.push_back({c, pos.reasonId("it removes all " + std::to_string(blk.size) + " indices of " + what +
                                    " (nothing would be left)")});
  }
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  Buckets<uint64_t> classTags(numClasses);
  for (int pass = 0; pass < 2; ++pass)
    for (const auto &[c, t] : tags)
      pass ? classTags.add(c, t) : classTags.count(c);
  release(tags);

  // Sets: classes with the same signature (members with their counts, why
  // they are blocked, which outputs change), in order of their first index.
  std::unordered_map<std::vector<uint64_t>, uint32_t, VectorHash> setOf;
  std::vector<std::vector<uint32_t>> setClasses;
  std::vector<uint64_t> sig;
  for (uint32_t c = 0; c < numClasses; ++c) {
    sig.clear();
    llvm::ArrayRef<Hit> hits = memberHits.of(c);
    for (size_t i = 0; i < hits.size();) {
      size_t j = i;
      while (j < hits.size() && hits[j].owner == hits[i].owner)
        ++j;
      sig.push_back((uint64_t(hits[i].owner) << 32) | (j - i));
      i = j;
    }
    sig.push_back(~0ull);
    sig.insert(sig.end(), classTags.of(c).begin(), classTags.of(c).end());
    auto [it, inserted] = setOf.try_emplace(sig, static_cast<uint32_t>(setClasses.size()));
    if (inserted)
      setClasses.emplace_back();
    setClasses[it->second].push_back(c);
  }
  // Classes are numbered in member order, so a set's classes are already
  // in the order of their first index, and sets by their first class.
  std::sort(setClasses.begin(), setClasses.end(),
            [&](const auto &a, const auto &b) { return memberHits.of(a.front())[0] < memberHits.of(b.front())[0]; });

  ChannelGroups out;
  out.positions = pos.numPositions();
  std::vector<uint32_t> memberSlot(members.size(), kNone); // member number -> index in its set
  std::vector<uint32_t> valueSlot(pos.numBlocks(), kNone);  // block -> index in its set
  for (const std::vector<uint32_t> &cs : setClasses) {
    ChannelSet set;
    set.groups = static_cast<uint32_t>(cs.size());
    for (uint64_t t : classTags.of(cs.front())) {
      if (t >> 32)
        set.outputs.push_back(g.outputs()[t & 0xffffffffu]);
      else
        set.blocked.push_back(pos.reason(static_cast<uint32_t>(t)));
    }
    // Members: the first group's, each with its indices group after group.
    for (const Hit &h : memberHits.of(cs.front())) {
      if (memberSlot[h.owner] != kNone)
        continue;
      memberSlot[h.owner] = static_cast<uint32_t>(set.members.size());
      const PositionBlock &blk = pos.block(members[h.owner].block);
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
        const Attribute *name = mapOf(ix, *def)->attrArg(*def, ChannelMapKey::Name);
        cm.name = name && name->isStr() ? name->getStr() : std::string(blk.value->name().str());
      }
      set.members.push_back(std::move(cm));
    }
    // Values: every tensor dim any of the set's groups reaches, in graph order.
    std::vector<BlockId> setValues;
    for (uint32_t c : cs)
      for (const Hit &h : valueHits.of(c))
        if (valueSlot[h.owner] == kNone) {
          valueSlot[h.owner] = 0;
          setValues.push_back(h.owner);
        }
    auto order = [&](BlockId b) {
      const Value *v = pos.block(b).value;
      return std::make_pair(v->definingOp() ? ix.position(*v->definingOp()) + 1 : 0u, b);
    };
    std::sort(setValues.begin(), setValues.end(), [&](BlockId a, BlockId b) { return order(a) < order(b); });
    for (BlockId b : setValues) {
      valueSlot[b] = static_cast<uint32_t>(set.values.size());
      ChannelValue cv;
      cv.value = pos.block(b).value;
      cv.dim = pos.block(b).dim;
      set.values.push_back(std::move(cv));
    }
    // Each member's and value's indices in one allocation of the exact size.
    std::vector<uint32_t> memberCount(set.members.size(), 0), valueCount(set.values.size(), 0);
    for (uint32_t c : cs) {
      for (const Hit &h : memberHits.of(c))
        ++memberCount[memberSlot[h.owner]];
      for (const Hit &h : valueHits.of(c))
        ++valueCount[valueSlot[h.owner]];
    }
    auto layOut = [&](GroupedIndices &gi, uint32_t count) {
      gi.indices.reserve(count);
      gi.offsets.reserve(cs.size() + 1);
      gi.offsets.push_back(0);
    };
    for (size_t k = 0; k < set.members.size(); ++k)
      layOut(set.members[k], memberCount[k]);
    for (size_t k = 0; k < set.values.size(); ++k)
      layOut(set.values[k], valueCount[k]);
    for (uint32_t c : cs) {
      for (const Hit &h : memberHits.of(c))
        set.members[memberSlot[h.owner]].indices.push_back(h.index);
      for (const Hit &h : valueHits.of(c))
        set.values[valueSlot[h.owner]].indices.push_back(h.index);
      for (ChannelMember &cm : set.members)
        cm.offsets.push_back(static_cast<uint32_t>(cm.indices.size()));
      for (ChannelValue &cv : set.values)
        cv.offsets.push_back(static_cast<uint32_t>(cv.indices.size()));
    }
    for (const Hit &h : memberHits.of(cs.front()))
      memberSlot[h.owner] = kNone;
    for (BlockId b : setValues)
      valueSlot[b] = kNone;
    out.sets.push_back(std::move(set));
  }
  return out;
}

} // namespace pd
