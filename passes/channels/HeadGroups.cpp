#include "passes/channels/HeadGroups.h"

#include <algorithm>
#include <set>

namespace pd {

AnalysisKey HeadChannelGroupsAnalysis::Key;

ChannelGroups HeadChannelGroupsAnalysis::run(Graph &g, AnalysisManager &am) {
  const AttentionHeadsResult &heads = am.getResult<AttentionHeadsAnalysis>();
  return computeChannelGroups(am.getResult<LayerIndexAnalysis>(), g, &heads.choices);
}

bool isProjectionMember(const ChannelMember &m, const HeadProjection &p) {
  if (!p.op)
    return false;
  if (p.layer != LayerIndex::kNoLayer)
    return m.dim == p.weightDim && m.layer == p.layer &&
           m.role == (p.input ? ChannelMember::Role::In : ChannelMember::Role::Out);
  if (m.role != ChannelMember::Role::Param)
    return false;
  return (m.tensor == p.weight && m.dim == p.weightDim) || (p.bias && m.tensor == p.bias && m.dim == 0);
}

namespace {

// The heads of `p` whose channels group `k` of member `m` holds, and how many
// of `p`'s channels it holds.
std::set<int64_t> headsIn(const ChannelMember &m, uint32_t k, const HeadProjection &p, size_t &channels) {
  std::set<int64_t> heads;
  for (uint32_t i = m.offsets[k]; i < m.offsets[k + 1]; ++i)
    if (std::binary_search(p.rows.begin(), p.rows.end(), int64_t(m.indices[i]))) {
      heads.insert(p.headOf(m.indices[i]));
      ++channels;
    }
  return heads;
}

std::string list(const std::set<int64_t> &s) {
  std::string out;
  for (int64_t h : s)
    out += (out.empty() ? "" : ",") + std::to_string(h);
  return "{" + out + "}";
}

AttentionHeadGroups readOne(const AttentionHeads &a, const ChannelGroups &byHead) {
  AttentionHeadGroups out;
  // The set holding q's channels: all of them, in one set.
  for (size_t s = 0; s < byHead.sets.size() && out.set < 0; ++s)
    for (const ChannelMember &m : byHead.sets[s].members)
      if (isProjectionMember(m, a.q))
        out.set = static_cast<int64_t>(s);
  if (out.set < 0) {
    out.problem = "no channel group holds q's channels";
    return out;
  }
  const ChannelSet &set = byHead.sets[out.set];
  const HeadProjection *roles[4] = {&a.q, &a.k, &a.v, &a.o};
  std::vector<const ChannelMember *> of(4, nullptr);
  for (const ChannelMember &m : set.members) {
    bool role = false;
    for (int r = 0; r < 4; ++r)
      if (isProjectionMember(m, *roles[r])) {
        of[r] = of[r] ? of[r] : &m;
        role = true;
      }
    if (!role)
      out.others.push_back(&m);
  }
  size_t qChannels = 0;
  const size_t perHead = a.q.rows.size() / static_cast<size_t>(a.numHeads);
  for (uint32_t k = 0; k < set.groups; ++k) {
    std::set<int64_t> heads[4];
    size_t count[4] = {0, 0, 0, 0};
    for (int r = 0; r < 4; ++r)
      if (of[r])
        heads[r] = headsIn(*of[r], k, *roles[r], count[r]);
    // With one key/value head (multi-query), a group is one query head and
    // leaves k and v alone.
    std::set<int64_t> expected;
    if (a.kvHeads == 1 && heads[0].size() == 1 && heads[1].empty())
      expected = heads[0];
    for (int64_t h = 0; a.kvHeads > 1 && h < a.numHeads; ++h)
      if (heads[1].count(a.kvOfQuery[h]))
        expected.insert(h);
    qChannels += count[0];
    std::string group = "group " + std::to_string(k + 1);
    if (out.problem.empty()) {
      if (heads[1] != heads[2])
        out.problem = group + " removes k heads " + list(heads[1]) + " but v heads " + list(heads[2]);
      else if (heads[0] != expected)
        out.problem = group + " removes query heads " + list(heads[0]) + " and kv heads " + list(heads[1]) +
                      ", which serve query heads " + list(expected);
      else if (count[0] != heads[0].size() * perHead)
        out.problem = group + " removes part of a query head";
      else if (a.o.op && heads[3] != heads[0])
        out.problem = group + " removes o's input heads " + list(heads[3]) + " but query heads " + list(heads[0]);
    }
    out.queryHeads.emplace_back(heads[0].begin(), heads[0].end());
    out.kvHeads.emplace_back(heads[1].begin(), heads[1].end());
  }
  if (out.problem.empty() && qChannels != a.q.rows.size())
    out.problem = "q's channels are in more than one set";
  return out;
}

} // namespace

std::vector<AttentionHeadGroups> readHeadGroups(const AttentionHeadsResult &heads, const ChannelGroups &byHead) {
  std::vector<AttentionHeadGroups> out;
  for (const AttentionHeads &a : heads.attentions)
    out.push_back(a.read ? readOne(a, byHead) : AttentionHeadGroups{});
  return out;
}

} // namespace pd
