#include "passes/channels/ChannelMaps.h"
#include "ir/Attribute.h"

#include "ir/Printer.h"

namespace pd {

std::optional<int64_t> normalizeDim(int64_t dim, int64_t rank) {
  if (dim < 0)
    dim += rank;
  if (dim < 0 || dim >= rank)
    return std::nullopt;
  return dim;
}

const Value *MapContext::value(TensorRef t) const {
  if (t.isResult)
    return t.index < op_.numResults() ? op_.result(t.index) : nullptr;
  return t.index < op_.numOperands() ? op_.operand(t.index) : nullptr;
}

const std::vector<int64_t> *MapContext::shape(TensorRef t) const {
  const Value *v = value(t);
  if (!v || !v->type() || !v->type()->isTensor())
    return nullptr;
  return &v->type()->shape();
}

MapContext::TensorRefs MapContext::tensorOperands() const {
  TensorRefs out;
  for (unsigned i = 0; i < op_.numOperands(); ++i)
    if (shape(operandRef(i)))
      out.push_back(operandRef(i));
  return out;
}

unsigned MapContext::countTensorOperands(unsigned upTo) const {
  unsigned n = 0;
  for (unsigned i = 0; i < op_.numOperands() && n < upTo; ++i)
    n += shape(operandRef(i)) != nullptr;
  return n;
}

MapContext::TensorRefs MapContext::tensorResults() const {
  TensorRefs out;
  for (unsigned i = 0; i < op_.numResults(); ++i)
    if (shape(resultRef(i)))
      out.push_back(resultRef(i));
  return out;
}

std::optional<BlockId> MapContext::at(TensorRef t, int64_t dim) {
  return pos_.valueBlock(value(t), dim);
}

std::optional<BlockId> MapContext::slot(SlotRole role, int64_t weightDim, int64_t size) {
  uint32_t layer = ix_.layerOf(op_);
  if (layer == LayerIndex::kNoLayer || size <= 0)
    return std::nullopt;
  return pos_.slot(layer, role, weightDim, size, op_);
}

void MapContext::tooLargeToTieOneByOne(BlockId a, BlockId b) const {
  if (std::max(size(a), size(b)) <= ChannelPositions::kMaxPositions)
    throw Error(op_.loc(), "channel axes: " + describe() + " takes the graph past " +
                               std::to_string(pos_.indexTieBudget()) +
                               " indices tied one by one (flattens of large spatial dims, shuffles)");
  throw Error(op_.loc(), "channel axes: " + describe() + " ties a dim of " +
                             std::to_string(std::max(size(a), size(b))) +
                             " indices one by one; the limit is " +
                             std::to_string(ChannelPositions::kMaxPositions));
}

void MapContext::tieSame(BlockId a, BlockId b) {
  if (size(a) != size(b)) {
    std::string why = "dims of different sizes (" + std::to_string(size(a)) + " and " +
                      std::to_string(size(b)) + ") were expected to match";
    stop(a, why);
    stop(b, why);
    return;
  }
  pos_.uniteWhole(a, b);
}

void MapContext::tieTo(const MapSource &src, TensorRef t, int64_t dim) {
  if (t == src.tensor && dim == src.dim)
    return;
  const std::vector<int64_t> *s = shape(t);
  if (!s || !normalizeDim(dim, static_cast<int64_t>(s->size())))
    return;
  int64_t n = (*s)[*normalizeDim(dim, static_cast<int64_t>(s->size()))];
  if (n != size(src.block) && (n == 1 || size(src.block) == 1))
    return; // broadcast: one index serves them all
  if (std::optional<BlockId> b = at(t, dim))
    tieSame(src.block, *b);
}

std::string MapContext::describe() const {
  std::string name = op_.numResults() ? valueRef(op_.result()) : std::string(op_.displayName());
  return name + " (" + std::string(op_.kind().str()) + ")";
}

void MapContext::stop(BlockId b, const std::string &why) { pos_.stop(b, std::nullopt, describe() + ": " + why); }

void MapContext::stopIndex(BlockId b, int64_t i, const std::string &why) {
  pos_.stop(b, i, describe() + ": " + why);
}

const MapImpl &mapImpl(ChannelMapKind kind) {
  static const MapImpl *const kImpls[] = {
#define PD_CHANNEL_MAP(ENUM, NAME, REQUIRED, OPTIONAL, DOC) &k##ENUM##Map,
#include "ir/ChannelMaps.def"
  };
  return *kImpls[static_cast<size_t>(kind)];
}

const ChannelMap *channelMapOf(const OpRule *rule) {
  if (!rule)
    return nullptr;
  if (rule->channelMap)
    return &*rule->channelMap;
  // A rule given by its traits alone (a rule file's `traits = ["elementwise"]`,
  // the transparent policy for unknown ops) says the same as the elementwise
  // map: every dim of every tensor is the same dim of the others.
  static const ChannelMap kElementwise;
  if (rule->has(Trait::Elementwise) || rule->has(Trait::Transparent))
    return &kElementwise;
  return nullptr;
}

// Runs every seed, then propagates every block to the ops that define and
// use its tensor until no new block appears.
namespace {

// Ops marked `tied = "<layer>.weight"` (a layer whose weight is that layer's,
// a stored tensor that is it): dim d of the tensor is one thing in both, so
// each of their dims ties to the owner's weight slot along d. Where the owner
// has no slot along d (an Embedding's vocabulary), the entries cannot go.
// Runs after the seeds, which make every layer's slots.
void tieSharedWeights(const LayerIndex &ix, ChannelPositions &pos) {
  static const Symbol kTied = Symbol::get("tied");
  for (const Op *op : ix.order()) {
    const Attribute *tied = op->attr(kTied);
    if (!tied)
      continue;
    pos.setCurrentOp(ix.position(*op));
    std::string path = tied->isStr() ? tied->getStr() : tied->str();
    const std::string suffix = ".weight";
    std::optional<uint32_t> owner;
    if (path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0)
      owner = ix.findLayer(Symbol::get(path.substr(0, path.size() - suffix.size())));
    // The blocks of the tied tensor's dims: a layer's slots, or the stored
    // tensor's dims.
    llvm::SmallVector<BlockId, 4> mine;
    uint32_t layer = ix.layerOf(*op);
    if (op->isModuleCall() && layer != LayerIndex::kNoLayer) {
      if (owner && *owner == layer)
        continue;
      mine = pos.slotsOf(layer);
    } else if (op->numResults() == 1) {
      for (int64_t d = 0; d < static_cast<int64_t>(op->result()->type()->rank()); ++d)
        if (std::optional<BlockId> b = pos.valueBlock(op->result(), d))
          mine.push_back(*b);
    }
    llvm::SmallVector<BlockId, 4> theirs = owner ? pos.slotsOf(*owner) : llvm::SmallVector<BlockId, 4>();
    for (BlockId b : mine) {
      int64_t d = pos.block(b).dim; // a slot's weight dim, or the tensor's dim
      std::optional<BlockId> match;
      for (BlockId t : theirs)
        if (pos.block(t).dim == d && pos.block(t).size == pos.block(b).size)
          match = t;
      if (match)
        pos.uniteWhole(b, *match);
      else if (!owner)
        pos.stop(b, std::nullopt, "its weight is '" + path + "', which no layer of the graph holds");
      else
        pos.stop(b, std::nullopt,
                 "its weight is '" + path + "' (tied), whose dim " + std::to_string(d) + " that layer cannot prune");
    }
  }
}

} // namespace

void propagateChannelMaps(const LayerIndex &ix, ChannelPositions &pos, const FactorChoices *choices) {
  // Graphs reach about two blocks per op (a tensor's channel dim, a layer's
  // weight slots).
  size_t values = 0;
  for (uint32_t p = 0; p < ix.size(); ++p)
    for (uint32_t v : ix.resultValues(p))
      values = std::max<size_t>(values, v + 1);
  pos.reserve(2 * size_t(ix.size()) + 64, values);
  MapMemos memos;
  if (choices)
    for (const auto &[opId, strides] : choices->strides)
      memos.of(opId).values = memos.of(opId).preset = strides;
  auto mapOf = [&](const Op &op) { return channelMapOf(ix.rule(op)); };
  for (const Op *op : ix.order()) {
    const ChannelMap *m = mapOf(*op);
    if (m && mapImpl(m->kind).seed) {
      pos.setCurrentOp(ix.position(*op));
      MapContext ctx(pos, ix, *op, *m, memos);
      mapImpl(m->kind).seed(ctx);
    }
  }
  tieSharedWeights(ix, pos);
  auto apply = [&](const Op &op, TensorRef t, int64_t dim, BlockId b) {
    pos.setCurrentOp(ix.position(op));
    const ChannelMap *m = mapOf(op);
    if (!m) {
      static const ChannelMap kNone;
      MapContext(pos, ix, op, kNone, memos)
          .stop(b, "no channel map for '" + std::string(op.kind().str()) +
                       "' (add one under [channel-map] in a rule file)");
      return;
    }
    MapContext ctx(pos, ix, op, *m, memos);
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
}

} // namespace pd
