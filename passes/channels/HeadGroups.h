// Head-level channel groups: channel-groups run with the head factor chosen
// at every reshape on an attention's paths (AttentionHeads.h), so that a
// group removes whole heads: key/value head j of a grouped-query attention
// with its query heads (q's and o's input channels of those heads, k's and
// v's of head j), or head h of q, k, v and o without GQA, and whatever else
// carries the head dim (a per-head bias, a per-head scale). The same index
// maps as channel-groups decide every tie, so a head group is exact in the
// same sense; head_dim stays whole (a block that would prune it stops at the
// head split).
//
// readHeadGroups checks each attention's groups against its heads: the set
// that holds q's channels, and per group the query and key/value heads it
// removes, which must be kv head j and the query heads that read it.
#pragma once
#include "passes/channels/AttentionHeads.h"
#include "passes/channels/ChannelGroups.h"

namespace pd {

struct HeadChannelGroupsAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "channel-groups{granularity=head}";
  using Result = ChannelGroups;
  Result run(Graph &g, AnalysisManager &am);
};

struct AttentionHeadGroups {
  int64_t set = -1; // index into ChannelGroups::sets; -1: none
  // Per group of the set: the query heads and key/value heads it removes.
  std::vector<std::vector<int64_t>> queryHeads, kvHeads;
  // The set's members other than q, k, v and o (a per-head bias table).
  std::vector<const ChannelMember *> others;
  std::string problem; // why the groups do not match the heads; empty when they do
};

// One entry per attention of `heads` (empty for one not read).
std::vector<AttentionHeadGroups> readHeadGroups(const AttentionHeadsResult &heads, const ChannelGroups &byHead);

// Whether `m` holds channels of projection `p`: its weight dim on that side,
// or the bias of a function linear.
bool isProjectionMember(const ChannelMember &m, const HeadProjection &p);

} // namespace pd
