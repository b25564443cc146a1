// The layout of a view / reshape / flatten, read from the input and result
// shapes alone: the reshape channel map (ChannelMapsReshape.cpp) and the
// attention-heads analysis (HeadTrace.cpp) read a reshape the same way.
//
// A reshape keeps the row-major order of the elements. The dims of both
// shapes group into segments whose sizes multiply to the same number ([2, 58]
// and [116] in a channel shuffle, [512, 7, 7] and [25088] in a flatten).
// Within a segment, the strides of both sides cut the flat index range into
// factors (the common refinement: [116] -> [2, 58] has factors 2 and 58).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

namespace pd {

struct ReshapeSegment {
  std::vector<int64_t> dims[2]; // [0]: input dims, [1]: result dims
};

// Splits the two shapes into segments of equal products; size-1 dims between
// segments form segments of their own with nothing on the other side.
// nullopt when the shapes hold different numbers of elements (or a dim is
// not positive).
std::optional<std::vector<ReshapeSegment>> reshapeSegments(const std::vector<int64_t> &in,
                                                           const std::vector<int64_t> &out);

// A factor of a segment: flat index i (within the segment) has coordinate
// (i / stride) % size along it.
struct ReshapeFactor {
  int64_t stride, size;
};

struct SegmentLayout {
  std::vector<int64_t> stride[2];    // per dim of the segment, row-major
  std::vector<ReshapeFactor> factors; // inner to outer
  bool nested = true;                 // false: the strides interleave ([2, 3] -> [3, 2])
};

// `shape[0]` and `shape[1]`: the input and result shapes the segment is of.
SegmentLayout segmentLayout(const ReshapeSegment &seg, const std::vector<int64_t> *shape[2]);

// Whether factor `f` lies within a dim of stride `stride` and size `size`.
inline bool factorWithin(const ReshapeFactor &f, int64_t stride, int64_t size) {
  return f.stride >= stride && f.stride < stride * size;
}

} // namespace pd
