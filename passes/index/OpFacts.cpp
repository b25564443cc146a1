#include "passes/index/OpFacts.h"

namespace pd {

std::optional<int64_t> channelCount(const Value *v) {
  if (!v || !v->type() || !v->type()->isTensor() || v->type()->rank() < 2)
    return std::nullopt;
  int64_t c = v->type()->shape()[kChannelAxis];
  if (c == kUnknownDim)
    return std::nullopt;
  return c;
}

// Whether two tensors have the same known sizes other than 1, in the same
// order (false for a non-tensor or an unknown dim). Compares in place: it runs
// for every reshape-like op of the graph in each walk's step table, so it
// must not allocate.
static bool sameSizesBeyondOne(const Value *a, const Value *b) {
  auto isKnownTensor = [](const Value *v) {
    if (!v || !v->type() || !v->type()->isTensor())
      return false;
    for (int64_t d : v->type()->shape())
      if (d == kUnknownDim)
        return false;
    return true;
  };
  if (!isKnownTensor(a) || !isKnownTensor(b))
    return false;
  const std::vector<int64_t> &as = a->type()->shape(), &bs = b->type()->shape();
  size_t i = 0, j = 0;
  while (true) {
    while (i < as.size() && as[i] == 1)
      ++i;
    while (j < bs.size() && bs[j] == 1)
      ++j;
    if (i == as.size() || j == bs.size())
      return i == as.size() && j == bs.size();
    if (as[i++] != bs[j++])
      return false;
  }
}

// A one-input op that only adds, drops or moves size-1 dims (between
// tensors of rank 2 or more: a rank-1 result breaks, as in NNI).
static bool movesOnlySizeOneDims(const Op &op, const OpRule &rule) {
  if (rule.has(Trait::Concat) || numTensorOperands(op) != 1 || op.numResults() != 1 ||
      !channelCount(op.result()))
    return false;
  for (const Value *v : op.operands())
    if (v->type()->isTensor()) {
      if (!channelCount(v))
        return false;
      return sameSizesBeyondOne(v, op.result());
    }
  return false;
}

bool keepsChannelCount(const Op &op, const OpRule &rule) {
  if (op.numResults() == 0)
    return false;
  if (movesOnlySizeOneDims(op, rule))
    return true;
  std::optional<int64_t> out = channelCount(op.result());
  if (!out)
    return false;
  // NNI compares the first input only (view, flatten, mean, expand_as, ...);
  // for a concat every input must keep the count, else it changes it.
  bool all = rule.has(Trait::Concat);
  bool sawTensor = false;
  for (const Value *v : op.operands()) {
    if (!v->type()->isTensor())
      continue;
    sawTensor = true;
    if (channelCount(v) != out)
      return false;
    if (!all)
      break;
  }
  return sawTensor;
}

std::optional<int64_t> concatDim(const Op &op, const OpRule &rule) {
  int64_t dim = 0;
  if (!rule.dimAttr.empty())
    if (const Attribute *a = op.attr(rule.dimAttr))
      if (std::optional<int64_t> d = a->asInt())
        dim = *d;
  if (dim >= 0)
    return dim;
  if (op.numResults() == 0 || !op.result()->type()->isTensor())
    return std::nullopt;
  int64_t rank = static_cast<int64_t>(op.result()->type()->rank());
  if (dim + rank < 0)
    return std::nullopt;
  return dim + rank;
}

bool isChannelConcat(const Op &op, const OpRule &rule) {
  // NNI compares the raw dim with 1, so cat(..., dim=-3) of 4-D tensors counts
  // as "not the channel axis" there; normalising first is the deviation.
  std::optional<int64_t> d = concatDim(op, rule);
  return d && *d == kChannelAxis;
}

unsigned numTensorOperands(const Op &op) {
  unsigned n = 0;
  for (const Value *v : op.operands())
    n += v->type()->isTensor();
  return n;
}

static std::optional<int64_t> intAttrNamed(const Op &op, Symbol name) {
  if (name.empty())
    return std::nullopt;
  const Attribute *a = op.attr(name);
  return a ? a->asInt() : std::nullopt;
}

std::optional<int64_t> outChannels(const Op &op, const OpRule *rule) {
  if (rule)
    if (std::optional<int64_t> c = intAttrNamed(op, rule->outChannelsAttr))
      return c;
  return op.numResults() ? channelCount(op.result()) : std::nullopt;
}

std::optional<int64_t> inChannels(const Op &op, const OpRule *rule) {
  if (rule)
    if (std::optional<int64_t> c = intAttrNamed(op, rule->inChannelsAttr))
      return c;
  return op.numOperands() ? channelCount(op.operand(0)) : std::nullopt;
}

int64_t convGroups(const Op &op, const OpRule *rule) {
  if (!rule)
    return 1;
  std::optional<int64_t> g = intAttrNamed(op, rule->groupsAttr);
  return g && *g > 0 ? *g : 1;
}

std::optional<int64_t> normGroups(const Op &op, const OpRule *rule) {
  if (!rule)
    return std::nullopt;
  return intAttrNamed(op, rule->numGroupsAttr);
}

bool isDepthwise(const Op &op, const OpRule *rule) {
  if (!rule || !rule->has(Trait::Grouped))
    return false;
  int64_t groups = convGroups(op, rule);
  return groups > 1 && outChannels(op, rule) == groups;
}

bool isPerChannelGroupNorm(const Op &op, const OpRule *rule) {
  if (!rule || !rule->has(Trait::GroupNorm))
    return false;
  std::optional<int64_t> groups = normGroups(op, rule);
  return groups && *groups > 1 && outChannels(op, rule) == groups;
}

} // namespace pd
