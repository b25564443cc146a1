#include "passes/prune/PrunedAttributes.h"

#include "ir/Graph.h"
#include "passes/channels/ChannelMaps.h"

#include <algorithm>

namespace pd {
namespace {

using Key = ChannelMapKey;

int64_t countBelow(const std::vector<int64_t> &sorted, int64_t bound) {
  return std::lower_bound(sorted.begin(), sorted.end(), bound) - sorted.begin();
}

class Rewriter {
public:
  Rewriter(const Op &op, const ChannelMap &map, AttributeList &attrs) : op_(op), map_(map), attrs_(attrs) {}

  // Sets the attribute key `k` names, if the op has it.
  void set(Key k, Attribute value) { setNamed(map_.arg(k).attr, std::move(value)); }
  // Sets the attribute `name`, if the op has it (a literal key, or a rule
  // attribute a hand-written op lacks, stays as it is).
  void setNamed(Symbol name, Attribute value) {
    if (name.empty())
      return;
    for (NamedAttribute &a : attrs_)
      if (a.name == name) {
        a.value = std::move(value);
        return;
      }
  }
  std::optional<int64_t> get(Key k) const { return map_.intArg(op_, k); }

private:
  const Op &op_;
  const ChannelMap &map_;
  AttributeList &attrs_;
};

// Dim `d` (negative from the back) of `shape`; nullopt when out of range.
std::optional<int64_t> sizeAt(const std::vector<int64_t> &shape, int64_t d) {
  std::optional<int64_t> n = normalizeDim(d, static_cast<int64_t>(shape.size()));
  return n ? std::optional<int64_t>(shape[*n]) : std::nullopt;
}

} // namespace

AttributeList prunedAttributes(const Op &op, const OpRule *rule, const Pruning &p) {
  AttributeList attrs = op.attrs();
  const ChannelMap *map = rule && rule->channelMap ? &*rule->channelMap : nullptr;
  // A tensor made from attributes alone (zeros for an RNN's initial states)
  // has no operands; every other rewrite reads the first one.
  if (!map || op.numResults() == 0 || (op.numOperands() == 0 && map->kind != ChannelMapKind::Create))
    return attrs;
  Rewriter rw(op, *map, attrs);
  const Value *in = op.numOperands() ? op.operand(0) : nullptr, *out = op.result();
  auto rank = [](const Value *v) { return static_cast<int64_t>(v->type()->rank()); };
  // The channel counts the rule names (a layer's in/out channels) from the
  // pruned input's and result's dim `d`.
  auto setCounts = [&](int64_t d) {
    if (std::optional<int64_t> n = sizeAt(p.predictedShape(in), d))
      rw.setNamed(rule->inChannelsAttr, Attribute(*n));
    if (std::optional<int64_t> n = sizeAt(p.predictedShape(out), d))
      rw.setNamed(rule->outChannelsAttr, Attribute(*n));
  };
  switch (map->kind) {
  case ChannelMapKind::Reshape:
  case ChannelMapKind::Expand:
  case ChannelMapKind::Create:
    rw.set(Key::Size, Attribute::ints(p.predictedShape(out)));
    break;
  case ChannelMapKind::Split:
  case ChannelMapKind::Chunk: {
    std::optional<int64_t> dim = normalizeDim(rw.get(Key::Dim).value_or(0), rank(in));
    if (!dim)
      break;
    const Attribute *sizes = map->attrArg(op, Key::Sizes);
    if (sizes && sizes->isInt()) {
      rw.set(Key::Sizes, Attribute(p.predictedShape(out)[*dim]));
    } else if (sizes) {
      std::vector<int64_t> pieces;
      for (const Value *r : op.results())
        pieces.push_back(p.predictedShape(r)[*dim]);
      rw.set(Key::Sizes, Attribute::ints(pieces));
    }
    break;
  }
  case ChannelMapKind::Slice: {
    std::optional<int64_t> dim = normalizeDim(rw.get(Key::Dim).value_or(0), rank(in));
    if (!dim)
      break;
    const std::vector<int64_t> &gone = p.removedOn(in, *dim);
    if (gone.empty())
      break;
    int64_t size = in->type()->shape()[*dim];
    auto shift = [&](int64_t i) {
      int64_t n = i < 0 ? i + size : i;
      return n >= size ? i : n - countBelow(gone, n);
    };
    int64_t start = rw.get(Key::Start).value_or(0);
    rw.set(Key::Start, Attribute(shift(start)));
    if (std::optional<int64_t> end = rw.get(Key::End))
      rw.set(Key::End, Attribute(shift(*end)));
    if (std::optional<int64_t> len = rw.get(Key::Length)) {
      int64_t s = start < 0 ? start + size : start;
      rw.set(Key::Length, Attribute(*len - (countBelow(gone, s + *len) - countBelow(gone, s))));
    }
    break;
  }
  case ChannelMapKind::Select: {
    std::optional<int64_t> dim = normalizeDim(rw.get(Key::Dim).value_or(0), rank(in));
    std::optional<int64_t> index = rw.get(Key::Index);
    if (!dim || !index)
      break;
    int64_t size = in->type()->shape()[*dim];
    int64_t i = *index < 0 ? *index + size : *index;
    rw.set(Key::Index, Attribute(i - countBelow(p.removedOn(in, *dim), i)));
    break;
  }
  case ChannelMapKind::Conv: {
    std::optional<ConvFacts> f = convFacts(op, *map);
    if (!f)
      break;
    // Whole groups go when a group has one channel on a side: the count
    // of groups follows the pruned channels, the channels per group stay.
    if (f->dropsGroups())
      rw.set(Key::Groups, Attribute(p.predictedShape(in)[f->channelDim] / (f->in / f->groups)));
    setCounts(f->channelDim);
    break;
  }
  case ChannelMapKind::Linear:
  case ChannelMapKind::Embedding:
    setCounts(-1);
    break;
  case ChannelMapKind::PerChannel: {
    int64_t dim = map->arg(Key::ChannelDim).literal.value_or(1);
    std::optional<int64_t> channels = rank(in) > dim ? sizeAt(p.predictedShape(in), dim) : std::nullopt;
    if (!channels)
      break;
    rw.setNamed(rule->outChannelsAttr, Attribute(*channels));
    // One shared parameter (PReLU's default) stays one.
    std::optional<int64_t> count = rw.get(Key::ParamCount);
    if (count && *count != 1)
      rw.set(Key::ParamCount, Attribute(*channels));
    break;
  }
  case ChannelMapKind::GroupNorm: {
    if (rank(in) < 2)
      break;
    int64_t channels = p.predictedShape(in)[1];
    // Groups stay equal unless each holds one channel: then a channel is a
    // group, and the groups go with it.
    std::optional<int64_t> groups = rw.get(Key::Groups);
    if (groups && *groups == in->type()->shape()[1])
      rw.set(Key::Groups, Attribute(channels));
    rw.setNamed(rule->outChannelsAttr, Attribute(channels));
    break;
  }
  case ChannelMapKind::LayerNorm: {
    std::optional<std::vector<int64_t>> shape = map->intsArg(op, Key::NormalizedShape);
    std::vector<int64_t> sizes = p.predictedShape(in);
    if (shape && shape->size() <= sizes.size())
      rw.set(Key::NormalizedShape,
             Attribute::ints(std::vector<int64_t>(sizes.end() - shape->size(), sizes.end())));
    break;
  }
  default:
    break;
  }
  return attrs;
}

} // namespace pd
