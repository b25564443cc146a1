// Follows factors of tensor dims through the ops between an attention's
// matmuls and its projections, by the ops' channel-map kinds (never their
// names): up from the score's operands to the Linear whose output channels
// they are (q, k, v), down from the context to the Linear whose input
// channels it becomes (o). The attention-heads analysis reads the heads from
// where the factors end.
//
// A factor is a coordinate of one dim: index i has coordinate
// (i / stride) % size. A batch dim of the score is followed whole; at a
// reshape it splits into the factors of the reshape's segment (a [B*H] dim of
// torch's MultiheadAttention into B and H), each followed on. A factor that
// ends on the projection's channel dim is a head factor; one that ends in a
// broadcast (expand, repeat_interleave) repeats the heads (grouped-query
// attention's repeat_kv); one that ends on another dim of the projection is
// not a head (the batch).
#pragma once
#include "passes/index/LayerIndex.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pd {

// A reshape factor the trace crossed: the factor of `segment` of the reshape
// op `op` (an op id) with this stride (ReshapeLayout.h).
struct ReshapeChoice {
  uint32_t op;
  uint32_t segment;
  int64_t stride;
};

struct TracedFactor {
  enum class Role : uint8_t {
    Batch,   // from a batch dim of the matmul: heads, batch, windows
    Feature, // the contraction dim (q, k) or the value's last dim: head_dim
    Pin,     // one coordinate only (a select, a chunk piece): which rows
  };
  Role role = Role::Batch;
  int64_t dim = 0;
  int64_t stride = 1, size = 1;
  int64_t coord = 0; // Pin: the coordinate
  // Batch: the dim it started on and its stride there.
  int64_t startDim = 0, startStride = 1;
  std::vector<ReshapeChoice> choices; // Batch: the reshape factors it crossed
};

// Where a trace ended.
struct TraceEnd {
  const Op *layer = nullptr;          // the Linear reached (module call or function op); null: none
  std::vector<TracedFactor> heads;    // Batch factors on its channel dim
  std::vector<TracedFactor> repeats;  // Batch factors that ended in a broadcast
  std::vector<TracedFactor> others;   // Batch factors on its other dims (batch, windows)
  int64_t channels = 0;               // the layer's channel count on that side
  std::vector<int64_t> rows;          // the channels the trace reaches, when rowsKnown
  bool rowsKnown = false;
  std::string failure;                // no layer: where and why the trace stopped
};

// Up from `v` (a factor per entry of `start`, on `v`'s dims) to the Linear
// whose output channels the factors are.
TraceEnd traceToProjection(const LayerIndex &ix, const Value *v, std::vector<TracedFactor> start);

// Down from `v` to the Linear whose input channels the factors become; a
// failure when none or more than one is reached.
TraceEnd traceToConsumer(const LayerIndex &ix, const Value *v, std::vector<TracedFactor> start);

} // namespace pd
