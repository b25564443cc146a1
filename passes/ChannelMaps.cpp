#include "passes/ChannelMaps.h"

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

void MapContext::tieSame(BlockId a, BlockId b) {
  if (size(a) != size(b)) {
    std::string why = "dims of different sizes (" + std::to_string(size(a)) + " and " +
                      std::to_string(size(b)) + ") were expected to match";
    stop(a, why);
    stop(b, why);
    return;
  }
  for (int64_t i = 0; i < size(a); ++i)
    tie(a, i, b, i);
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

} // namespace pd
