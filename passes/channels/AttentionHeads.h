// attention-heads: where the graph shows attention heads, how many there are.
//
// An attention is a score product S = A @ B (a `matmul` or `addmm` map: A is
// q, B is k transposed) whose result reaches, through shape-keeping ops, the
// left operand of a second product S' @ V (the context). Its heads are read
// from the graph, never from names or module attributes: the batch dims of
// the score are followed up (HeadTrace.h) to the projections' output
// channels. A batch factor that ends on q's channels is q's heads; on k's and
// v's channels their (key/value) heads; a factor that ends in a broadcast is
// repeat_kv's repeat. head_dim is the contraction dim. Per query head the
// key/value head it reads is computed from where each factor sits in the
// score's batch dim. The context's head dim is followed down to o's input
// channels.
//
// An attention whose heads the trace cannot read is listed with the reason.
// The reshapes the head factors cross, with the factor that is the head
// there, are what channel-groups{granularity=head} presets (FactorChoices).
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/channels/ChannelMaps.h"
#include "passes/index/LayerIndex.h"

#include <string>
#include <vector>

namespace pd {

// A projection of an attention: a Linear layer (module call) or a function
// linear on stored weights (torch's packed in_proj).
struct HeadProjection {
  const Op *op = nullptr;        // null: not found (`missing` says why)
  std::string name;              // the layer's path, or the stored weight's
  uint32_t layer = LayerIndex::kNoLayer; // module call: its layer
  const Value *weight = nullptr; // function op: the weight operand
  const Value *bias = nullptr;   // function op, output side: the bias operand (or null)
  int64_t weightDim = 0;         // the weight dim holding these channels
  bool input = false;            // o: the layer's input channels
  int64_t channels = 0;          // the layer's channel count on that side
  std::vector<int64_t> rows;     // the channels of this role (q's third of a packed in_proj)
  // Channel c (of `rows`) is in head (c / headStride) % heads.
  int64_t headStride = 1, heads = 1;
  std::string missing;
  int64_t headOf(int64_t c) const { return (c / headStride) % heads; }
};

struct AttentionHeads {
  const Op *score = nullptr, *context = nullptr;
  bool read = false;
  std::string reason; // why not read
  HeadProjection q, k, v, o;
  int64_t numHeads = 0, headDim = 0, kvHeads = 0, vHeadDim = 0;
  // Per query head, the key/value head it reads (0 for all when kvHeads is 1).
  std::vector<int64_t> kvOfQuery;
  FactorChoices choices; // the head factors of the reshapes on its paths
};

struct AttentionHeadsResult {
  std::vector<AttentionHeads> attentions; // by graph order of the score
  FactorChoices choices;                  // every read attention's
};

AttentionHeadsResult findAttentionHeads(const LayerIndex &ix);

struct AttentionHeadsAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "attention-heads";
  using Result = AttentionHeadsResult;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
