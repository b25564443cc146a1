// The index map of view / reshape / flatten / unflatten / squeeze /
// unsqueeze, read from the input and result shapes alone.
//
// A reshape keeps the row-major order of the elements; its segments and
// their factors are passes/channels/ReshapeLayout.h's. Removing an index of a dim
// must keep every dim of both sides a whole block, so it removes one
// coordinate of one factor of that dim: every index with that coordinate, on
// both sides. Which factor, when a dim has several: the largest (fewest
// indices per group: one channel per shuffle group, one feature per attention
// head), and the same for every block reaching this segment (memo), so that
// the map is one relation whichever side it is entered from. A run may preset
// the memo (FactorChoices in ChannelMaps.h: channel-groups{granularity=head}
// chooses the head factor where attention-heads found a head split). Segments
// whose strides do not nest ([2, 3] -> [3, 2]) stop every block that reaches
// them.
#include "passes/channels/ChannelMaps.h"
#include "passes/channels/ReshapeLayout.h"

#include <algorithm>

namespace pd {
namespace {

void reshape(MapContext &c, const MapSource &s) {
  // view_as / reshape_as: the shape donor has the result's shape.
  if (!s.tensor.isResult && s.tensor.index > 0)
    return c.tieTo(s, resultRef(0), s.dim);
  if (s.tensor.isResult)
    for (TensorRef t : c.tensorOperands())
      if (t.index > 0 && c.shape(t) && *c.shape(t) == *c.shape(resultRef(0)))
        c.tieTo(s, t, s.dim);

  const std::vector<int64_t> *shapes[2] = {c.shape(operandRef(0)), c.shape(resultRef(0))};
  if (!shapes[0] || !shapes[1])
    return c.stop(s.block, "not a reshape of one tensor");
  std::optional<std::vector<ReshapeSegment>> segs = reshapeSegments(*shapes[0], *shapes[1]);
  if (!segs)
    return c.stop(s.block, "the input and result shapes hold different numbers of elements");
  int side = s.tensor.isResult ? 1 : 0;
  for (size_t n = 0; n < segs->size(); ++n) {
    const ReshapeSegment &seg = (*segs)[n];
    auto pos = std::find(seg.dims[side].begin(), seg.dims[side].end(), s.dim);
    if (pos == seg.dims[side].end())
      continue;
    size_t k = static_cast<size_t>(pos - seg.dims[side].begin());
    if (seg.dims[1 - side].empty())
      return c.stop(s.block, "a size-1 dim the reshape adds or drops");
    SegmentLayout l = segmentLayout(seg, shapes);
    if (!l.nested)
      return c.stop(s.block, "the reshape interleaves dims (their strides do not nest)");
    int64_t stride = l.stride[side][k], size = c.size(s.block);
    std::vector<int64_t> &memo = c.memo().values;
    memo.resize(segs->size(), 0);
    std::optional<ReshapeFactor> chosen;
    for (const ReshapeFactor &f : l.factors)
      if (f.stride == memo[n] && factorWithin(f, stride, size))
        chosen = f;
    if (!chosen && n < c.memo().preset.size() && c.memo().preset[n])
      return c.stop(s.block, "channel-groups{granularity=head} keeps head_dim whole (removes whole heads only)");
    if (!chosen) {
      for (const ReshapeFactor &f : l.factors) // largest; the inner one on ties
        if (factorWithin(f, stride, size) && (!chosen || f.size > chosen->size))
          chosen = f;
      if (!chosen)
        return c.stop(s.block, "no factor of the dim survives the reshape");
      if (!memo[n])
        memo[n] = chosen->stride;
    }
    // The other side's dim holding the chosen factor.
    const std::vector<int64_t> &otherDims = seg.dims[1 - side];
    for (size_t m = 0; m < otherDims.size(); ++m) {
      int64_t ostride = l.stride[1 - side][m], osize = (*shapes[1 - side])[otherDims[m]];
      if (!factorWithin(*chosen, ostride, osize))
        continue;
      std::optional<BlockId> target = c.at(side ? operandRef(0) : resultRef(0), otherDims[m]);
      if (!target)
        return;
      auto coord = [&](int64_t i, int64_t dimStride) {
        return (i * dimStride / chosen->stride) % chosen->size;
      };
      // One representative index of the target per coordinate; every index
      // with that coordinate, on both sides, ties to it.
      std::vector<int64_t> rep(chosen->size, -1);
      for (int64_t j = 0; j < osize; ++j) {
        int64_t u = coord(j, ostride);
        if (rep[u] < 0)
          rep[u] = j;
        else
          c.tie(*target, j, *target, rep[u]);
      }
      for (int64_t i = 0; i < size; ++i)
        c.tie(s.block, i, *target, rep[coord(i, stride)]);
      return;
    }
    return c.stop(s.block, "the reshape's factor has no dim on the other side");
  }
  c.stop(s.block, "dim not found in the reshape");
}

} // namespace

const MapImpl kReshapeMap = {nullptr, reshape};

} // namespace pd
