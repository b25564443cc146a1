#include "passes/ChannelPositions.h"

namespace pd {

// Tensors have at most this many dims here (PyTorch allows 64).
static constexpr int64_t kMaxRank = 64;

BlockId ChannelPositions::add(PositionBlock b) {
  b.base = uf_.size();
  uf_.grow(b.size);
  blocks_.push_back(b);
  return static_cast<BlockId>(blocks_.size() - 1);
}

std::optional<BlockId> ChannelPositions::valueBlock(const Value *v, int64_t dim) {
  if (!v || !v->type() || !v->type()->isTensor())
    return std::nullopt;
  int64_t rank = static_cast<int64_t>(v->type()->rank());
  if (dim < 0)
    dim += rank;
  if (dim < 0 || dim >= rank || rank > kMaxRank)
    return std::nullopt;
  int64_t size = v->type()->shape()[dim];
  if (size <= 0 || size > UINT32_MAX / 2)
    return std::nullopt;
  if (v->id() >= byValue_.size())
    byValue_.resize(v->id() + 1);
  for (const Keyed &k : byValue_[v->id()])
    if (k.key == dim)
      return k.block;
  PositionBlock b;
  b.value = v;
  b.dim = dim;
  b.size = static_cast<uint32_t>(size);
  BlockId id = add(b);
  byValue_[v->id()].push_back({static_cast<uint32_t>(dim), id});
  queue_.push_back(id);
  return id;
}

std::optional<BlockId> ChannelPositions::findValueBlock(const Value *v, int64_t dim) const {
  if (!v || v->id() >= byValue_.size())
    return std::nullopt;
  for (const Keyed &k : byValue_[v->id()])
    if (k.key == dim)
      return k.block;
  return std::nullopt;
}

BlockId ChannelPositions::slot(uint32_t layer, SlotRole role, int64_t weightDim, int64_t size) {
  uint32_t key = (uint32_t(role) << 8) | uint32_t(weightDim & 0xff);
  if (layer >= byLayer_.size())
    byLayer_.resize(layer + 1);
  for (const Keyed &k : byLayer_[layer])
    if (k.key == key)
      return k.block;
  PositionBlock b;
  b.layer = layer;
  b.role = role;
  b.dim = weightDim;
  b.size = static_cast<uint32_t>(size);
  BlockId id = add(b);
  byLayer_[layer].push_back({key, id});
  return id;
}

uint32_t ChannelPositions::reasonId(const std::string &why) {
  auto [it, inserted] = reasonIndex_.try_emplace(why, static_cast<uint32_t>(reasons_.size()));
  if (inserted)
    reasons_.push_back(why);
  return it->second;
}

void ChannelPositions::stop(BlockId b, std::optional<int64_t> i, const std::string &why) {
  stops_.push_back({b, i, reasonId(why)});
}

} // namespace pd
