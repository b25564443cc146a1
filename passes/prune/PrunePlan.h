// The pruning plan: which groups of which channel-groups set a pruning
// removes, and what that takes from every member. The `prune-plan` result of
// the prunedep/1 schema (PlanJson.h); `prunedep prune` and prunedep.prune
// both apply it.
//
// Per set, groups are ranked by a score (lowest go first): the caller gives
// the scores (the weights' L1/L2 live with LibTorch; randomScorer needs
// none). A set keeps at least one group, so no layer is emptied; a set with a
// member in an ignored layer, or blocked, is skipped with the reason.
#pragma once
#include "passes/channels/ChannelGroups.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace pd {

struct PlanMember {
  std::string layer;         // layer path, or the stored tensor's path
  ChannelMember::Role role = ChannelMember::Role::Out;
  int64_t dim = 0;
  std::vector<int64_t> indices; // removed, ascending
};

struct PlanSet {
  uint32_t set = 0;              // 1-based, as channel-groups numbers sets
  uint32_t groups = 0, kept = 0; // groups before and after
  std::vector<uint32_t> removed; // group numbers, ascending
  std::vector<PlanMember> members; // in the set's member order
  // Graph outputs whose shape the set changes (%name, as channel-groups
  // prints them): a consumer of the pruned model sees them shrink.
  std::vector<std::string> outputs;
};

struct PlanSkip {
  uint32_t set = 0;
  std::string reason;
};

struct PlanOptions {
  double ratio = 0.5; // share of each set's groups removed, in [0, 1)
  // Per-layer ratios: a set with a member of this layer (or under it) uses it.
  std::vector<std::pair<std::string, double>> ratioOf;
  // Layers kept whole: "NAME" (and everything under it), or "NAME:out",
  // "NAME:in", "NAME:param" for one role of it.
  std::vector<std::string> ignored;
  uint32_t roundTo = 0;       // keep a multiple of N channels per member when the set allows it
  bool global = false;        // rank the groups of all sets together (scores normalized per set)
  // Skip the sets that change the shape of a model output (a classifier's
  // classes): a pruned model normally answers the same question.
  bool keepOutputs = true;
  std::string importance = "l1"; // recorded in the plan; the scores come from the scorer
  uint64_t seed = 0;
  // The channel-groups the sets are numbered in ("channel", or "head":
  // channel-groups{granularity=head}); recorded, so that a saved plan is
  // applied to the same sets.
  std::string granularity = "channel";
};

struct PrunePlan {
  PlanOptions options;
  std::vector<PlanSet> sets;     // sets that lose groups, in set order
  std::vector<PlanSkip> skipped; // blocked or ignored sets, in set order
};

// One score per group of `set` (its 1-based number `number`).
using GroupScorer = std::function<std::vector<double>(const ChannelSet &set, uint32_t number)>;

// Scores from a seeded generator that gives the same numbers on every
// platform (std::mt19937_64's raw outputs, not a library distribution).
GroupScorer randomScorer(uint64_t seed);

// Whether a name is a layer or stored tensor of the model (to refuse an
// ignored layer that is not there).
using NameExists = std::function<bool(std::string_view)>;

// The plan. Throws pd::Error naming the option, layer or set: a ratio outside
// [0, 1), an ignored or ratio-of layer that does not exist, a round-to that
// conflicts with a set's channels per group, scores of the wrong count.
PrunePlan planPruning(const ChannelGroups &groups, const PlanOptions &o, const GroupScorer &score,
                      const NameExists &exists);

// A plan given by hand or saved earlier, checked against the groups: every
// set exists and is prunable, its removed groups exist and leave one, and
// every member's indices are exactly those of its removed groups. Throws
// pd::Error naming the set and member that does not match.
void checkPlan(const ChannelGroups &groups, const PrunePlan &plan);

// A plan member as verify names set members: conv1, fc:in, x@2.
inline std::string planMemberName(const PlanMember &m) { return memberName(m.layer, m.role, m.dim); }

} // namespace pd
