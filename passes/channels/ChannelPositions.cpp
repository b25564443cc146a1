#include "passes/channels/ChannelPositions.h"

#include "ir/Printer.h"

namespace pd {

// Tensors have at most this many dims here (PyTorch allows 64).
static constexpr int64_t kMaxRank = 64;

RunsByEnd::RunsByEnd(llvm::ArrayRef<TieRun> runs, uint32_t numEnds) : begin_(numEnds + 1, 0) {
  for (const TieRun &r : runs) {
    ++begin_[r.a + 1];
    ++begin_[r.b + 1];
  }
  for (uint32_t e = 0; e < numEnds; ++e)
    begin_[e + 1] += begin_[e];
  sides_.resize(begin_.back());
  std::vector<uint32_t> next(begin_.begin(), begin_.end() - 1);
  for (uint32_t k = 0; k < runs.size(); ++k) {
    sides_[next[runs[k].a]++] = k << 1;
    sides_[next[runs[k].b]++] = k << 1 | 1;
  }
}

void ChannelPositions::tooLarge(int64_t size, const Location &loc, const std::string &what) const {
  if (mode_ == TieMode::Axes)
    throw Error(loc, "channel axes: " + what + " has " + std::to_string(size) +
                         " indices; the analysis handles dims of fewer than 2^32");
  throw Error(loc, "channel-groups: " + what + " has " + std::to_string(size) +
                       " indices, which would take the analysis past its limit of " +
                       std::to_string(kMaxPositions) +
                       " channel positions (it tracks every channel index one by one)");
}

BlockId ChannelPositions::add(PositionBlock b, int64_t size) {
  b.size = size;
  if (mode_ == TieMode::PerIndex) {
    b.base = positions_;
    uf_.grow(static_cast<uint32_t>(size));
    positions_ += static_cast<uint32_t>(size);
  } else {
    blockUf_.grow(1);
  }
  blocks_.push_back(b);
  return static_cast<BlockId>(blocks_.size() - 1);
}

void ChannelPositions::reserve(size_t blocks, size_t values) {
  // At least 2^24, and 64 per op of the graph (reserve is asked for two
  // blocks per op): a model ties far fewer (vit_b_16's head splits about 18
  // per op; VGG's flatten of 512x7x7 is 25k in all, within the floor).
  indexTieBudget_ = std::max<uint64_t>(indexTieBudget_, 32 * uint64_t(blocks));
  blocks_.reserve(blocks);
  nextSame_.reserve(blocks);
  firstOfValue_.assign(values, kNoBlock);
}

void ChannelPositions::uniteWhole(BlockId a, BlockId b) {
  if (mode_ == TieMode::PerIndex) {
    for (int64_t i = 0; i < blocks_[a].size; ++i)
      uf_.unite(position(a, i), position(b, i));
    return;
  }
  blockUf_.unite(a, b);
  if (keepWholeTies_ && a != b)
    runs_.push_back({a, b, 0, 0, static_cast<uint32_t>(blocks_[a].size), currentOp_});
}

void ChannelPositions::uniteRange(BlockId a, int64_t i, BlockId b, int64_t j, int64_t n) {
  if (n <= 0)
    return;
  if (mode_ == TieMode::PerIndex) {
    for (int64_t k = 0; k < n; ++k)
      uf_.unite(position(a, i + k), position(b, j + k));
    return;
  }
  if (a == b && i == j)
    return;
  if (i == 0 && j == 0 && n == blocks_[a].size && n == blocks_[b].size)
    return uniteWhole(a, b);
  runs_.push_back({a, b, static_cast<uint32_t>(i), static_cast<uint32_t>(j), static_cast<uint32_t>(n), currentOp_});
}

void ChannelPositions::recordRun(BlockId a, int64_t i, BlockId b, int64_t j) {
  if (a == b && i == j)
    return;
  // Maps tie index after index, often two streams interleaved (a conv ties
  // each input channel to its weight and to its group's first channel):
  // extend whichever of the last few runs this tie continues.
  const size_t n = runs_.size();
  for (size_t k = n; k > 0 && k + 4 > n; --k) {
    TieRun &r = runs_[k - 1];
    if (r.a == a && r.b == b && r.op == currentOp_ && int64_t(r.ia) + r.len == i &&
        int64_t(r.ib) + r.len == j) {
      ++r.len;
      return;
    }
  }
  runs_.push_back({a, b, static_cast<uint32_t>(i), static_cast<uint32_t>(j), 1, currentOp_});
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
  if (size <= 0)
    return std::nullopt; // unknown or empty: no index to remove
  for (BlockId k = firstOf(firstOfValue_, v->id()); k != kNoBlock; k = nextSame_[k])
    if (blocks_[k].dim == dim)
      return k;
  PositionBlock b;
  b.value = v;
  b.dim = static_cast<int32_t>(dim);
  if (!fits(size)) {
    const Op *def = v->definingOp();
    tooLarge(size, def ? def->loc() : Location{}, "dim " + std::to_string(dim) + " of " + valueRef(v));
  }
  BlockId id = add(b, size);
  BlockId &head = firstOfValue_[v->id()];
  nextSame_.push_back(head);
  head = id;
  return id;
}

std::optional<BlockId> ChannelPositions::findValueBlock(const Value *v, int64_t dim) const {
  if (!v || v->id() >= firstOfValue_.size())
    return std::nullopt;
  for (BlockId k = firstOfValue_[v->id()]; k != kNoBlock; k = nextSame_[k])
    if (blocks_[k].dim == dim)
      return k;
  return std::nullopt;
}

BlockId ChannelPositions::slot(uint32_t layer, SlotRole role, int64_t weightDim, int64_t size,
                               const Op &op) {
  for (BlockId k = firstOf(firstOfLayer_, layer); k != kNoBlock; k = nextSame_[k])
    if (blocks_[k].role == role && blocks_[k].dim == weightDim)
      return k;
  PositionBlock b;
  b.layer = layer;
  b.role = role;
  b.dim = static_cast<int32_t>(weightDim);
  if (!fits(size))
    tooLarge(size, op.loc(), "weight dim " + std::to_string(weightDim) + " of '" +
                                 std::string(op.displayName()) + "'");
  BlockId id = add(b, size);
  nextSame_.push_back(firstOfLayer_[layer]);
  firstOfLayer_[layer] = id;
  return id;
}

uint32_t ChannelPositions::reasonId(const std::string &why) {
  auto [it, inserted] = reasonIndex_.try_emplace(why, static_cast<uint32_t>(reasons_.size()));
  if (inserted)
    reasons_.push_back(why);
  return it->second;
}

void ChannelPositions::stop(BlockId b, std::optional<int64_t> i, const std::string &why) {
  if (mode_ == TieMode::Axes)
    return; // the channel axes tie; whether a tie can be pruned is channel-groups' answer
  stops_.push_back({b, i, reasonId(why)});
}

} // namespace pd
