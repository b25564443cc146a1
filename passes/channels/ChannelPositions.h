// The index space of the channel-groups analysis.
//
// A position is one index of one dimension: of a tensor value (`%x`, dim 1,
// index 5) or of a layer's weight (a slot: conv1's output channels, weight
// dim 0, index 5). Positions come in blocks, one per (value, dim) or per
// (layer, role) that some channel group reaches, created on first use, so the
// space holds only dims that carry channels, never spatial dims. Positions
// that must be removed together are united in one union-find; a position that
// cannot be removed at all (the model's input, a windowed dim, ...) carries
// the reason, and so does every group it ends up in.
#pragma once
#include "passes/index/LayerIndex.h"
#include "passes/index/UnionFind.h"

#include <llvm/ADT/ArrayRef.h>

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pd {

using BlockId = uint32_t;

// Which side of a layer's weight a slot is: the layer's output channels (also
// used for the per-channel parameters of norm layers) or its input channels.
enum class SlotRole : uint8_t { Out, In };

struct PositionBlock {
  const Value *value = nullptr;          // the tensor; null for a slot
  int64_t size = 0;
  int32_t dim = 0;                       // the value's dim, or the slot's weight dim (< 64)
  uint32_t layer = LayerIndex::kNoLayer; // a slot's layer
  uint32_t base = 0;                     // first position (per-index mode)
  SlotRole role = SlotRole::Out;
  bool isSlot() const { return value == nullptr; }
};
static_assert(sizeof(PositionBlock) == 32, "a block per reached dim: keep it small");

// How the ties of the maps are kept. PerIndex: one union-find element per
// index (channel-groups: exact channel sets). Axes: no element per index;
// a tie of two whole blocks index by index unites the blocks, and any other
// tie is kept as a run (index ia + k of a with ib + k of b, k < len), so that
// passes/channels/ChannelAxes.h can cut blocks into segments that move together. Both
// modes see the very same ties, from the same maps.
enum class TieMode : uint8_t { PerIndex, Axes };

// A run of ties between two blocks (Axes mode), and the op whose map made it.
struct TieRun {
  BlockId a, b;
  uint32_t ia, ib, len;
  uint32_t op; // position of the op in the LayerIndex
};

// Runs listed under each of their two ends (block or class ids below
// `numEnds`), as (run << 1 | side): side 0 is the run's `a` end, side 1 its
// `b` end; a run from an end to itself is listed under it twice, once per
// side. Two flat arrays (counting sort), for the searches over the ties.
class RunsByEnd {
public:
  RunsByEnd(llvm::ArrayRef<TieRun> runs, uint32_t numEnds);
  llvm::ArrayRef<uint32_t> of(uint32_t end) const {
    return llvm::ArrayRef<uint32_t>(sides_).slice(begin_[end], begin_[end + 1] - begin_[end]);
  }
  // Where an end's list starts among all ends' lists (for tables kept beside them).
  uint32_t firstPlace(uint32_t end) const { return begin_[end]; }
  // Orders each end's list by `less` (on the (run << 1 | side) values).
  template <typename Less> void sortEach(Less less) {
    for (uint32_t e = 0; e + 1 < begin_.size(); ++e)
      std::sort(sides_.begin() + begin_[e], sides_.begin() + begin_[e + 1], less);
  }

private:
  std::vector<uint32_t> begin_, sides_;
};

class ChannelPositions {
public:
  explicit ChannelPositions(TieMode mode = TieMode::PerIndex, bool keepWholeTies = false)
      : mode_(mode), keepWholeTies_(keepWholeTies) {}
  TieMode mode() const { return mode_; }
  // Room for about `blocks` blocks and `values` values: reserved address
  // space costs no memory until used, and the block table does not grow by
  // copying (a copy holds both tables for a moment).
  void reserve(size_t blocks, size_t values);
  // Axes mode: ties of single indices cost a run each, so a graph gets a
  // budget of them that grows with its size (a hostile shape must not make
  // a small file take gigabytes); false once it is spent. PerIndex mode
  // bounds them by kMaxPositions already.
  bool countIndexTie() { return mode_ == TieMode::PerIndex || ++indexTies_ <= indexTieBudget_; }
  uint64_t indexTieBudget() const { return indexTieBudget_; }
  // The op whose map is running (Axes mode records it on each run).
  void setCurrentOp(uint32_t position) { currentOp_ = position; }

  // The block of dim `dim` (negative counts from the back) of tensor `v`,
  // created on first request and then queued for propagation. nullopt when
  // `v` is not a tensor, the dim is out of range or its size unknown or zero.
  std::optional<BlockId> valueBlock(const Value *v, int64_t dim);
  // The block of `v`'s dim `dim` if some group reached it.
  std::optional<BlockId> findValueBlock(const Value *v, int64_t dim) const;
  // The weight slot of `layer` for `role` along weight dim `weightDim`;
  // `size` is used when it is created (a second call of the same module finds
  // the slot its first call made: shared weights prune together). `op` is the
  // layer's op, named if the slot is too large.
  BlockId slot(uint32_t layer, SlotRole role, int64_t weightDim, int64_t size, const Op &op);

  // The weight slots of `layer` made so far.
  llvm::SmallVector<BlockId, 4> slotsOf(uint32_t layer) const {
    llvm::SmallVector<BlockId, 4> out;
    if (layer < firstOfLayer_.size())
      for (BlockId k = firstOfLayer_[layer]; k != kNoBlock; k = nextSame_[k])
        out.push_back(k);
    return out;
  }

  const PositionBlock &block(BlockId b) const { return blocks_[b]; }
  uint32_t numBlocks() const { return static_cast<uint32_t>(blocks_.size()); }
  uint32_t numPositions() const { return positions_; }
  uint32_t position(BlockId b, int64_t i) const { return blocks_[b].base + static_cast<uint32_t>(i); }

  void unite(BlockId a, int64_t i, BlockId b, int64_t j) {
    if (mode_ == TieMode::PerIndex)
      uf_.unite(position(a, i), position(b, j));
    else
      recordRun(a, i, b, j);
  }
  // Ties index i of a with index i of b for every i (same sizes).
  void uniteWhole(BlockId a, BlockId b);
  // Ties index i + k of a with j + k of b for k < n: one run in Axes mode.
  void uniteRange(BlockId a, int64_t i, BlockId b, int64_t j, int64_t n);
  // Axes mode: the blocks tied whole (a union-find over block ids), the other
  // runs of ties, and (keepWholeTies) every whole tie as a run too, with its op.
  UnionFind &wholeBlocks() { return blockUf_; }
  const std::vector<TieRun> &runs() const { return runs_; }
  std::vector<TieRun> takeRuns() { return std::move(runs_); }
  uint32_t find(uint32_t position) { return uf_.find(position); }
  // Ends the ties: every position's leader (the union-find's own storage,
  // moved out; unite and find must not be called afterwards).
  std::vector<uint32_t> takeLeaders() { return uf_.takeLeaders(); }

  // Records that index `i` of block `b` (every index when nullopt) cannot be
  // removed, and why.
  void stop(BlockId b, std::optional<int64_t> i, const std::string &why);
  struct Stop {
    BlockId block;
    std::optional<int64_t> index;
    uint32_t reason;
  };
  const std::vector<Stop> &stops() const { return stops_; }
  const std::string &reason(uint32_t id) const { return reasons_[id]; }
  // The number of a reason (added on first use).
  uint32_t reasonId(const std::string &why);

  // The next value block to propagate, in creation order.
  std::optional<BlockId> nextNew() {
    while (next_ < blocks_.size() && blocks_[next_].isSlot())
      ++next_;
    if (next_ == blocks_.size())
      return std::nullopt;
    return next_++;
  }

  // All blocks together hold at most this many positions (4 bytes of
  // union-find each, plus the grouping's tables: about 1 GB at the limit):
  // a hostile shape such as f32[1,2000000000,1,1] is refused with a message
  // (tests/ir/limits.test) instead of exhausting memory. Real models need far
  // fewer; prunedep-bench stops channel-groups at 100k-op synthetic graphs.
  static constexpr uint32_t kMaxPositions = uint32_t(1) << 26;

private:
  // Checked before every block is added: `size` comes from the IR's shapes,
  // which a hostile .pdir can make as large as int64 allows.
  bool fits(int64_t size) const {
    // Axes mode holds nothing per index; a run's offsets are 32-bit.
    if (mode_ == TieMode::Axes)
      return size < (int64_t(1) << 32);
    return size <= int64_t(kMaxPositions) - int64_t(positions_);
  }
  void recordRun(BlockId a, int64_t i, BlockId b, int64_t j);
  [[noreturn]] void tooLarge(int64_t size, const Location &loc, const std::string &what) const;
  BlockId add(PositionBlock b, int64_t size);
  TieMode mode_;
  bool keepWholeTies_;
  uint32_t currentOp_ = 0;
  std::vector<PositionBlock> blocks_;
  UnionFind uf_;      // PerIndex: one element per position
  UnionFind blockUf_; // Axes: one element per block
  std::vector<TieRun> runs_;
  uint32_t positions_ = 0;
  // Blocks by value id and by layer (both dense): the first block of each,
  // then the next block of the same value or layer, by block: a value or
  // layer has few, so a short chain beats hashing, and costs 4 bytes per
  // value and per block instead of a small vector per value.
  static constexpr BlockId kNoBlock = ~0u;
  BlockId &firstOf(std::vector<BlockId> &first, uint32_t key) {
    if (key >= first.size())
      first.resize(std::max<size_t>(key + 1, first.size() * 2), kNoBlock);
    return first[key];
  }
  std::vector<BlockId> firstOfValue_, firstOfLayer_, nextSame_;
  size_t next_ = 0; // value blocks propagate in creation order
  uint64_t indexTies_ = 0, indexTieBudget_ = uint64_t(1) << 24;
  std::vector<Stop> stops_;
  std::vector<std::string> reasons_;
  std::unordered_map<std::string, uint32_t> reasonIndex_;
};

} // namespace pd
