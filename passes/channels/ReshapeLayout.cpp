#include "passes/channels/ReshapeLayout.h"

#include <algorithm>

namespace pd {

std::optional<std::vector<ReshapeSegment>> reshapeSegments(const std::vector<int64_t> &in,
                                                           const std::vector<int64_t> &out) {
  std::vector<ReshapeSegment> segs;
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
    ReshapeSegment s;
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

SegmentLayout segmentLayout(const ReshapeSegment &seg, const std::vector<int64_t> *shape[2]) {
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

} // namespace pd
