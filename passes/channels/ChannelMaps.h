// The index maps of the channel-groups analysis: one implementation per kind
// of ir/ChannelMaps.def, chosen by the op's `[channel-map]` entry (never by
// its name).
//
// A map ties positions. The analysis calls it once per op to seed it (layers
// create their weight slots and tie them to their inputs and results), then
// once per (operand or result, dim) block that reaches the op: the map ties
// that block's indices to the indices they become on the op's other operands
// and results (creating those blocks, which then propagate further), or stops
// the block when the op cannot remove an index there. Ties are symmetric, so
// a map must tie the same pairs whichever side a block arrives from.
#pragma once
#include "ir/ChannelMap.h"
#include "passes/channels/ChannelPositions.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pd {

// An operand or result of the op being mapped.
struct TensorRef {
  bool isResult = false;
  unsigned index = 0;
  bool operator==(const TensorRef &o) const { return isResult == o.isResult && index == o.index; }
};
inline TensorRef operandRef(unsigned i) { return {false, i}; }
inline TensorRef resultRef(unsigned i) { return {true, i}; }

// The block that reached the op: `dim` (non-negative) of `tensor`.
struct MapSource {
  TensorRef tensor;
  int64_t dim;
  BlockId block;
};

// Per-op state a map keeps between its calls (the reshape map's choice of
// which factor of a split dim is pruned; the layout of a concat or split).
struct MapMemo {
  std::vector<int64_t> values;
  // Reshape: the factors a run preset (FactorChoices), per segment; a block
  // on a dim without its segment's preset factor stops there.
  std::vector<int64_t> preset;
  // Ops with many operands or results (a cat of 20000 tensors) get a block
  // from each of them: what the map derives from all of them (offsets along
  // the dim, which other dims agree in size) is computed once, on the first
  // block, so that each further block costs O(1), not O(operands).
  bool laidOut = false;
  const char *invalid = nullptr; // why the op cannot be mapped; null when it can
  int64_t dim = 0;             // the concat / split / unbind dim
  std::vector<int64_t> offset; // per operand (concat) or result (split) index; -1: none
  bool equalPieces = false;    // split: every piece has the same size
  uint64_t uniformDims = 0;    // dims of the whole on which every piece has the whole's size
  uint64_t tiedDims = 0;       // of those, the dims whose indices are already tied across all
  // Elementwise and window maps: the (place, size) pairs of the blocks that
  // tied every tensor at their place (repeatsEarlierBlock).
  std::vector<std::pair<int64_t, int64_t>> placesTied;
};

// The memos of one run, by op id. Few ops need one: a hash map keeps the
// other ops free of per-op storage.
class MapMemos {
public:
  MapMemo &of(const Op &op) { return memos_[op.id()]; }
  MapMemo &of(uint32_t opId) { return memos_[opId]; }

private:
  std::unordered_map<uint32_t, MapMemo> memos_;
};

class MapContext {
public:
  MapContext(ChannelPositions &pos, const LayerIndex &ix, const Op &op, const ChannelMap &map,
             MapMemos &memos)
      : pos_(pos), ix_(ix), op_(op), map_(map), memos_(memos) {}

  const Op &op() const { return op_; }
  // The op-table rule of any op (null when none).
  const OpRule *rule(const Op &op) const { return ix_.rule(op); }
  const ChannelMap &map() const { return map_; }
  MapMemo &memo() { return memos_.of(op_); }

  const Value *value(TensorRef t) const;
  // The shape of a tensor operand/result; null when it is not a tensor.
  const std::vector<int64_t> *shape(TensorRef t) const;
  int64_t rank(TensorRef t) const { return shape(t) ? static_cast<int64_t>(shape(t)->size()) : -1; }
  // All tensor operands / results (on the stack for the usual few).
  using TensorRefs = llvm::SmallVector<TensorRef, 4>;
  TensorRefs tensorOperands() const;
  TensorRefs tensorResults() const;
  // The number of tensor operands, counted up to `upTo` only: a map called
  // once per operand of a wide op must not look at all of them each time.
  unsigned countTensorOperands(unsigned upTo) const;

  // The block of `t`'s dim `dim` (negative counts from the back), created on
  // first use; nullopt when there is none (not a tensor, size unknown).
  std::optional<BlockId> at(TensorRef t, int64_t dim);
  // The weight slot of the op's layer; nullopt when the op is no layer.
  std::optional<BlockId> slot(SlotRole role, int64_t weightDim, int64_t size);
  int64_t size(BlockId b) const { return pos_.block(b).size; }

  void tie(BlockId a, int64_t i, BlockId b, int64_t j) {
    if (size(a) > ChannelPositions::kMaxPositions || size(b) > ChannelPositions::kMaxPositions ||
        !pos_.countIndexTie())
      tooLargeToTieOneByOne(a, b);
    pos_.unite(a, i, b, j);
  }
  // Index i + k of a with j + k of b, for k < n (a piece at its offset).
  void tieRange(BlockId a, int64_t i, BlockId b, int64_t j, int64_t n) { pos_.uniteRange(a, i, b, j, n); }
  // Index i of `a` with index i of `b`; blocks of different sizes stop both.
  void tieSame(BlockId a, BlockId b);
  // Ties (t, dim) index by index to the source when both exist and have the
  // same size; a size-1 dim facing a bigger one is a broadcast and ties
  // nothing.
  void tieTo(const MapSource &src, TensorRef t, int64_t dim);

  // The source's indices (all, or one) cannot be removed at this op.
  void stop(BlockId b, const std::string &why);
  void stopIndex(BlockId b, int64_t i, const std::string &why);
  // The op's name in messages: `%name (aten::kind)`.
  std::string describe() const;

private:
  // A map that ties a dim index by index costs time per index: the channel
  // axes (which allow dims past channel-groups' limit) refuse it there.
  [[noreturn]] void tooLargeToTieOneByOne(BlockId a, BlockId b) const;
  ChannelPositions &pos_;
  const LayerIndex &ix_;
  const Op &op_;
  const ChannelMap &map_;
  MapMemos &memos_;
};

// `dim` made non-negative against `rank`; nullopt when out of range.
std::optional<int64_t> normalizeDim(int64_t dim, int64_t rank);

// One map kind: `seed` runs once per op (may be null), `propagate` once per
// block reaching it.
struct MapImpl {
  void (*seed)(MapContext &ctx);
  void (*propagate)(MapContext &ctx, const MapSource &src);
};
const MapImpl &mapImpl(ChannelMapKind kind);

// The kinds, by file: ChannelMapsShape.cpp, ChannelMapsReshape.cpp,
// ChannelMapsLayers.cpp, ChannelMapsGather.cpp, ChannelMapsRecurrent.cpp.
#define PD_CHANNEL_MAP(ENUM, NAME, REQUIRED, OPTIONAL, DOC) extern const MapImpl k##ENUM##Map;
#include "ir/ChannelMaps.def"

// The map of an op with this rule: its `[channel-map]` entry, else the one its
// traits imply (elementwise and transparent ops: the elementwise map), else
// none (the op stops every block that reaches it).
const ChannelMap *channelMapOf(const OpRule *rule);

// Which factor a reshape keeps, preset per op: by op id, the chosen factor's
// stride per segment of the reshape (0: the map's own choice). Ops not listed
// choose as the map does by itself. A block that reaches a preset segment on
// a dim without that factor stops (channel-groups{granularity=head} keeps
// head_dim whole: it removes heads only).
struct FactorChoices {
  std::unordered_map<uint32_t, std::vector<int64_t>> strides;
};

// Runs every op's seed, then every block that appears through the maps of
// the ops that define and use its tensor, until no new block appears: the
// ties of channel-groups (TieMode::PerIndex) and of channel axes (Axes).
// `choices` presets the reshape maps' factors (null: none).
void propagateChannelMaps(const LayerIndex &ix, ChannelPositions &pos,
                          const FactorChoices *choices = nullptr);

// Facts about convolutions the verifier needs too: the channel dim of the
// input, the channel counts and groups, and whether pruning drops whole
// groups (a group with one input or one output channel cannot shrink).
struct ConvFacts {
  int64_t channelDim = 1;
  int64_t in = 0, out = 0, groups = 1;
  bool transposed = false;
  bool dropsGroups() const { return groups > 1 && (in / groups == 1 || out / groups == 1); }
};
std::optional<ConvFacts> convFacts(const Op &op, const ChannelMap &map);

} // namespace pd
