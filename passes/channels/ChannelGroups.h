// channel-groups: for every prunable layer's channels, exactly which
// channels of which layers (and of which stored tensors) must be removed
// together when one of them is removed.
//
// The positions of passes/channels/ChannelPositions.h are tied by the index maps of
// passes/channels/ChannelMaps.h, op by op, in one worklist pass over the blocks that
// channel groups reach: linear in the number of positions (channels of the
// tensors that carry channels) times the number of their uses. A *group* is
// one class of tied positions that holds a member (a layer's weight slot or
// a stored tensor); a *set* bundles the groups that have the same members
// with the same number of indices each (conv1's 64 output channels, each
// with its BatchNorm channel and layer1.0.conv1's input channel, are one set
// of 64 groups). Group k of a set removes, from every member, the k-th run of
// `indices` (`offsets[k]` .. `offsets[k+1]`).
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/channels/ChannelMaps.h"
#include "passes/index/LayerIndex.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pd {

// Indices, group after group: group k is indices[offsets[k], offsets[k+1]).
// Four bytes each: a dim the analysis tracks has fewer than 2^26 indices
// (ChannelPositions::kMaxPositions).
struct GroupedIndices {
  std::vector<uint32_t> indices;
  std::vector<uint32_t> offsets; // size groups + 1
  // The count per group when every group has the same, else 0.
  uint32_t perGroup() const;
};

struct ChannelMember : GroupedIndices {
  enum class Role : uint8_t {
    Out,   // the layer's output channels (norm layers: their channels)
    In,    // the layer's input channels
    Param, // a stored tensor used by a function op (ViT's pos_embedding)
  };
  Role role = Role::Out;
  std::string name;                      // layer path, or the stored tensor's path
  uint32_t layer = LayerIndex::kNoLayer; // Out / In
  const Value *tensor = nullptr;         // Param: the stored tensor
  int64_t dim = 0;                       // weight dim (Out / In), tensor dim (Param)
};
std::string_view roleName(ChannelMember::Role r);

// A member as verify and the pruning plan name it: conv1, fc:in,
// encoder.pos_embedding@2 (a stored tensor's dim).
std::string memberName(std::string_view name, ChannelMember::Role role, int64_t dim);
inline std::string memberName(const ChannelMember &m) { return memberName(m.name, m.role, m.dim); }

// A tensor of the graph whose dim `dim` loses these indices.
struct ChannelValue : GroupedIndices {
  const Value *value = nullptr;
  int64_t dim = 0;
};

struct ChannelSet {
  uint32_t groups = 0;
  std::vector<ChannelMember> members; // in graph order of their layers
  std::vector<ChannelValue> values;   // in graph order
  // Why the groups cannot be removed (the model's input, a pooled dim, an op
  // without a channel map, ...); empty when they can.
  std::vector<std::string> blocked;
  // Graph outputs whose shape the groups change.
  std::vector<const Value *> outputs;
  bool prunable() const { return blocked.empty(); }
};

struct ChannelGroups {
  std::vector<ChannelSet> sets; // by graph order of their first member
  uint32_t positions = 0;       // size of the index space (for --time-passes)
};

// `choices`: the reshape factors to preset (null: none), as for
// channel-groups{granularity=head} (HeadGroups.h).
ChannelGroups computeChannelGroups(const LayerIndex &ix, const Graph &g,
                                   const FactorChoices *choices = nullptr);

struct ChannelGroupsAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "channel-groups";
  using Result = ChannelGroups;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
