#include "frontends/verify/IndexCheck.h"

#include "ir/Attribute.h"
#include "ir/Graph.h"
#include "passes/channels/ChannelMaps.h"

#include <ATen/ATen.h>

namespace pd::verify {

bool drawsRandomNumbers(const Op &op) {
  std::string_view k = op.kind().str();
  if (k == "aten::dropout" || k == "aten::dropout_" || k == "aten::feature_dropout" ||
      k == "aten::alpha_dropout" || k == "aten::feature_alpha_dropout") {
    const Attribute *train = op.attr("train");
    return train && ((train->isBool() && train->getBool()) || (train->isInt() && train->getInt() != 0));
  }
  return k == "aten::bernoulli" || k == "aten::bernoulli_" || k == "aten::rand_like" || k == "aten::randn_like" ||
         k == "aten::randint_like" || k == "aten::normal" || k == "aten::multinomial" || k == "aten::rand" ||
         k == "aten::randn" || k == "aten::randint" || k == "aten::randperm";
}

bool mixesCutValues(const Op &op, const ChannelMap *map, const Pruning &p) {
  if (!map)
    return true;
  if (op.numOperands() == 0)
    return false;
  const Value *in = op.operand(0);
  int64_t rank = static_cast<int64_t>(in->type()->rank());
  auto cut = [&](int64_t d) { return !p.removedOn(in, d).empty(); };
  using Key = ChannelMapKey;
  switch (map->kind) {
  case ChannelMapKind::LayerNorm: {
    std::optional<std::vector<int64_t>> shape = map->intsArg(op, Key::NormalizedShape);
    int64_t k = shape ? static_cast<int64_t>(shape->size()) : rank;
    for (int64_t d = std::max<int64_t>(0, rank - k); d < rank; ++d)
      if (cut(d))
        return true;
    return false;
  }
  case ChannelMapKind::GroupNorm: {
    std::optional<int64_t> groups = map->intArg(op, Key::Groups);
    return rank > 1 && cut(1) && (!groups || *groups != in->type()->shape()[1]);
  }
  case ChannelMapKind::Reduce: {
    std::optional<std::vector<int64_t>> dims = map->intsArg(op, Key::Dim);
    for (int64_t d = 0; d < rank; ++d) {
      bool reduced = !dims;
      if (dims)
        for (int64_t x : *dims)
          reduced |= normalizeDim(x, rank) == d;
      if (reduced && cut(d))
        return true;
    }
    return false;
  }
  case ChannelMapKind::Elementwise: {
    std::optional<int64_t> mixes = map->intArg(op, Key::Mixes);
    if (!mixes)
      return false;
    for (const Value *v : op.operands()) {
      int64_t r = static_cast<int64_t>(v->type()->rank());
      if (std::optional<int64_t> d = normalizeDim(*mixes, r); d && !p.removedOn(v, *d).empty())
        return true;
    }
    return false;
  }
  default:
    return false;
  }
}

at::Tensor zeroIndices(const at::Tensor &t, int64_t dim, const std::vector<int64_t> &removed) {
  if (removed.empty())
    return t;
  return t.index_fill(dim, at::tensor(removed, at::kLong), 0);
}

std::optional<std::string> differs(const at::Tensor &pruned, const at::Tensor &reference) {
  if (pruned.sizes() != reference.sizes())
    return std::string("different shapes");
  if (pruned.numel() == 0) // an empty slice: nothing to compare (max() of nothing throws)
    return std::nullopt;
  if (!pruned.is_floating_point())
    return at::equal(pruned, reference.to(pruned.scalar_type())) ? std::nullopt
                                                                 : std::optional<std::string>("different values");
  at::Tensor a = pruned.to(at::kDouble), b = reference.to(at::kDouble);
  double scale = std::max(1.0, b.abs().max().item<double>());
  double worst = (a - b).abs().max().item<double>();
  if (std::isnan(worst) || worst > 1e-4 * scale)
    return "values differ by up to " + std::to_string(worst) + " (of " + std::to_string(scale) + ")";
  return std::nullopt;
}

} // namespace pd::verify
