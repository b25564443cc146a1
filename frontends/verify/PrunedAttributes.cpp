#include "frontends/verify/PrunedAttributes.h"

#include "ir/Attribute.h"
#include "ir/Graph.h"
#include "passes/channels/ChannelMaps.h"

#include <algorithm>

namespace pd::verify {
namespace {

using Key = ChannelMapKey;

int64_t countBelow(const std::vector<int64_t> &sorted, int64_t bound) {
  return std::lower_bound(sorted.begin(), sorted.end(), bound) - sorted.begin();
}

class Rewriter {
public:
  Rewriter(const Op &op, const ChannelMap &map, AttributeList &attrs) : op_(op), map_(map), attrs_(attrs) {}

  // Sets the attribute key `k` names, if the op has it.
  void set(Key k, Attribute value) {
    Symbol name = map_.arg(k).attr;
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

} // namespace

AttributeList prunedAttributes(const Op &op, const ChannelMap *map, const Pruning &p,
                               const std::vector<at::Tensor> &operands) {
  AttributeList attrs = op.attrs();
  // A tensor made from attributes alone (zeros for an RNN's initial states)
  // has no operands; every other rewrite reads the first one.
  if (!map || op.numResults() == 0 || (op.numOperands() == 0 && map->kind != ChannelMapKind::Create))
    return attrs;
  Rewriter rw(op, *map, attrs);
  const Value *in = op.numOperands() ? op.operand(0) : nullptr, *out = op.result();
  auto rank = [](const Value *v) { return static_cast<int64_t>(v->type()->rank()); };
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
    if (f && f->dropsGroups() && !operands.empty())
      rw.set(Key::Groups, Attribute(operands[0].size(f->channelDim) / (f->in / f->groups)));
    break;
  }
  case ChannelMapKind::GroupNorm: {
    std::optional<int64_t> groups = rw.get(Key::Groups);
    if (groups && rank(in) > 1 && *groups == in->type()->shape()[1] && !operands.empty())
      rw.set(Key::Groups, Attribute(operands[0].size(1)));
    break;
  }
  case ChannelMapKind::LayerNorm: {
    std::optional<std::vector<int64_t>> shape = map->intsArg(op, Key::NormalizedShape);
    if (shape && !operands.empty()) {
      auto sizes = operands[0].sizes();
      rw.set(Key::NormalizedShape,
             Attribute::ints(std::vector<int64_t>(sizes.end() - shape->size(), sizes.end())));
    }
    break;
  }
  default:
    break;
  }
  return attrs;
}

} // namespace pd::verify
