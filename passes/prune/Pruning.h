// A pruning as the tensors see it: which indices each member (a layer's
// weight dim, a stored tensor's dim) loses, and which indices each tensor of
// the graph is predicted to lose. Made from one group of a set (what verify
// tries) or from a whole plan (what prune applies); indices that several
// sets remove from one dim (a cat of two sets' channels) are merged.
#pragma once
#include "passes/channels/ChannelGroups.h"
#include "passes/prune/PrunePlan.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pd {

struct Removed {
  int64_t dim;
  std::vector<int64_t> indices; // sorted
};

struct MemberCut {
  ChannelMember::Role role;
  int64_t dim; // weight dim
  std::vector<int64_t> indices;
};

class Pruning {
public:
  // Group `group` of `set`; with `without` >= 0 the member of that number is
  // left out (the minimality check), everything else is as predicted.
  // Nothing removed: a graph that is already pruned (PrunedGraph.h) runs as it is.
  Pruning() = default;
  Pruning(const ChannelSet &set, uint32_t group, int without = -1);
  // Every removed group of every set of `plan` (checked against `groups`).
  Pruning(const ChannelGroups &groups, const PrunePlan &plan);

  // The layer's cuts (null when pruning leaves its weights alone).
  const std::vector<MemberCut> *moduleCuts(Symbol path) const;
  // The stored tensor's cuts (null when none).
  const std::vector<Removed> *storedCuts(const Value *v) const;
  // What the group removes from a tensor of the graph (null when nothing).
  const std::vector<Removed> *removed(const Value *v) const;
  // The tensor's shape once pruned, as predicted by the analysis.
  std::vector<int64_t> predictedShape(const Value *v) const;
  // Indices of dim `dim` of `v` the group removes (empty when none).
  const std::vector<int64_t> &removedOn(const Value *v, int64_t dim) const;

private:
  void add(const ChannelSet &set, const std::vector<uint32_t> &groups, int without);
  std::unordered_map<uint32_t, std::vector<MemberCut>> modules_; // by path symbol id
  std::unordered_map<const Value *, std::vector<Removed>> stored_;
  std::unordered_map<const Value *, std::vector<Removed>> values_;
};

// `t`'s indices `removed` of dim `dim` dropped: the positions kept, in order.
std::vector<int64_t> keptIndices(int64_t size, const std::vector<int64_t> &removed);

} // namespace pd
