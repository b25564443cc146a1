// The index map of view / reshape / flatten / unflatten / squeeze /
// unsqueeze, read from the input and result shapes alone.
//
// A reshape keeps the row-major order of the elements. Group the dims of both
// shapes into segments whose sizes multiply to the same number ([2, 58] and
// [116] in a channel shuffle, [512, 7, 7] and [25088] in a flatten). Within a
// segment, the strides of both sides cut the flat index range into factors
// (the common refinement: [116] -> [2, 58] has factors 2 and 58). Removing an
// index of a dim must keep every dim of both sides a whole block, so it
// removes one coordinate of one factor of that dim: every index with that
// coordinate, on both sides. Which factor, when a dim has several: the
// largest (fewest indices per group: one channel per shuffle group, one
// feature per attention head), and the same for every block reaching this
// segment (memo), so that the map is one relation whichever side it is
// entered from. Segments whose strides do not nest ([2, 3] -> [3, 2]) stop
// every block that reaches them.
#include "passes/channels/ChannelMaps.h"

#include <algorithm>

namespace pd {
namespace {

struct Segment {
  std::vector<int64_t> dims[2]; // [0]: input dims, [1]: result dims
};

// Splits the two shapes into segments of equal products; size-1 dims between
// segments form segments of their own with nothing on the other side.
std::optional<std::vector<Segment>> segments(const std::vector<int64_t> &in,
                                             const std::vector<int64_t> &out) {
  std::vector<Segment> segs;
  size_t i = 0, j = 0;
  for (int64_t d : in)
    if (d <= 0)
      return std::nullopt;
  for (int64_t d : out)
    if (d <= 0)
      return std::nullopt;
  while (i < in.size() || j < out.size()) {
    if (i < in.size() && in[i] == 1) {
      segs.push_back({{{static_cast<int64_t>(i++)}, {}}});
      continue;
    }
    if (j < out.size() && out[j] == 1) {
      segs.push_back({{{}, {static_cast<int64_t>(j++)}}});
      continue;
    }
    if (i == in.size() || j == out.size())
      return std::nullopt;
    Segment s;
    int64_t a = in[i], b = out[j];
    s.dims[0].push_back(static_cast<int64_t>(i++));
    s.dims[1].push_back(static_cast<int64_t>(j++));
    while (a != b) {
      if (a < b) {
        if (i == in.size())
          return std::nullopt;
        a *= in[i];
        s.dims[0].push_back(static_cast<int64_t>(i++));
      } else {
        if (j == out.size())
          return std::nullopt;
        b *= out[j];
        s.dims[1].push_back(static_cast<int64_t>(j++));
      }
    }
    segs.push_back(std::move(s));
  }
  return segs;
}

struct Factor {
  int64_t stride, size;
};

struct SegmentLayout {
  std::vector<int64_t> stride[2]; // per dim of the segment, row-major
  std::vector<Factor> factors;    // inner to outer
  bool nested = true;
};

SegmentLayout layout(const Segment &seg, const std::vector<int64_t> *shape[2]) {
  SegmentLayout l;
  std::vector<int64_t> cuts;
  for (int side = 0; side < 2; ++side) {
    const std::vector<int64_t> &dims = seg.dims[side];
    l.stride[side].assign(dims.size(), 1);
    int64_t s = 1;
    for (size_t k = dims.size(); k-- > 0;) {
      l.stride[side][k] = s;
      cuts.push_back(s);
      s *= (*shape[side])[dims[k]];
      cuts.push_back(s);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (size_t t = 0; t + 1 < cuts.size(); ++t) {
    if (cuts[t + 1] % cuts[t]) {
      l.nested = false;
      return l;
    }
    l.factors.push_back({cuts[t], cuts[t + 1] / cuts[t]});
  }
  return l;
}

// Whether factor `f` lies within a dim of stride `stride` and size `size`.
bool within(const Factor &f, int64_t stride, int64_t size) {
  return f.stride >= stride && f.stride < stride * size;
}

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
  std::optional<std::vector<Segment>> segs = segments(*shapes[0], *shapes[1]);
  if (!segs)
    return c.stop(s.block, "the input and result shapes hold different numbers of elements");
  int side = s.tensor.isResult ? 1 : 0;
  for (size_t n = 0; n < segs->size(); ++n) {
    const Segment &seg = (*segs)[n];
    auto pos = std::find(seg.dims[side].begin(), seg.dims[side].end(), s.dim);
    if (pos == seg.dims[side].end())
      continue;
    size_t k = static_cast<size_t>(pos - seg.dims[side].begin());
    if (seg.dims[1 - side].empty())
      return c.stop(s.block, "a size-1 dim the reshape adds or drops");
    SegmentLayout l = layout(seg, shapes);
    if (!l.nested)
      return c.stop(s.block, "the reshape interleaves dims (their strides do not nest)");
    int64_t stride = l.stride[side][k], size = c.size(s.block);
    std::vector<int64_t> &memo = c.memo().values;
    memo.resize(segs->size(), 0);
    std::optional<Factor> chosen;
    for (const Factor &f : l.factors)
      if (f.stride == memo[n] && within(f, stride, size))
        chosen = f;
    if (!chosen) {
      for (const Factor &f : l.factors) // largest; the inner one on ties
        if (within(f, stride, size) && (!chosen || f.size > chosen->size))
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
      if (!within(*chosen, ostride, osize))
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
