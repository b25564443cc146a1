// attention-heads: the reshape layout it shares with the reshape map, the
// heads read from small graphs, and the head-level channel groups.
#include "ir/Parser.h"
#include "passes/channels/AttentionHeads.h"
#include "passes/channels/HeadGroups.h"
#include "passes/channels/ReshapeLayout.h"

#include <doctest/doctest.h>

#include <string>

using namespace pd;

namespace {

// q: 4 heads of 8 (or, with `headsInner`, viewed [.., 8, 4] so that channel
// c is in head c % 4); k and v: `kv` heads, repeated to 4 as HF's repeat_kv
// does (expand + reshape).
std::string attention(int kv, bool headsInner = false) {
  const std::string K = std::to_string(kv), R = std::to_string(4 / kv), KC = std::to_string(8 * kv);
  std::string g = "graph @a(%x: f32[1,5,32]) {\n"
                  "  %q: f32[1,5,32] = nn.Linear(%x) {in_features = 32, out_features = 32} module \"q\"\n"
                  "  %k: f32[1,5," + KC + "] = nn.Linear(%x) {in_features = 32, out_features = " + KC + "} module \"k\"\n"
                  "  %v: f32[1,5," + KC + "] = nn.Linear(%x) {in_features = 32, out_features = " + KC + "} module \"v\"\n";
  if (headsInner)
    g += "  %qh: f32[1,5,8,4] = aten::view(%q) {size = [1, 5, 8, 4]}\n"
         "  %qt: f32[1,4,5,8] = aten::permute(%qh) {dims = [0, 3, 1, 2]}\n";
  else
    g += "  %qh: f32[1,5,4,8] = aten::view(%q) {size = [1, 5, 4, 8]}\n"
         "  %qt: f32[1,4,5,8] = aten::transpose(%qh) {dim0 = 1, dim1 = 2}\n";
  for (const char *n : {"k", "v"}) {
    const std::string s(n);
    g += "  %" + s + "h: f32[1,5," + K + ",8] = aten::view(%" + s + ") {size = [1, 5, " + K + ", 8]}\n"
         "  %" + s + "t: f32[1," + K + ",5,8] = aten::transpose(%" + s + "h) {dim0 = 1, dim1 = 2}\n"
         "  %" + s + "u: f32[1," + K + ",1,5,8] = aten::unsqueeze(%" + s + "t) {dim = 2}\n"
         "  %" + s + "e: f32[1," + K + "," + R + ",5,8] = aten::expand(%" + s + "u) {size = [1, " + K + ", " + R + ", 5, 8]}\n"
         "  %" + s + "r: f32[1,4,5,8] = aten::reshape(%" + s + "e) {shape = [1, 4, 5, 8]}\n";
  }
  g += "  %kT: f32[1,4,8,5] = aten::transpose(%kr) {dim0 = 2, dim1 = 3}\n"
       "  %s: f32[1,4,5,5] = aten::matmul(%qt, %kT)\n"
       "  %p: f32[1,4,5,5] = aten::softmax(%s) {dim = -1, dtype = none}\n"
       "  %c: f32[1,4,5,8] = aten::matmul(%p, %vr)\n";
  if (headsInner)
    g += "  %ct: f32[1,5,8,4] = aten::permute(%c) {dims = [0, 2, 3, 1]}\n";
  else
    g += "  %ct: f32[1,5,4,8] = aten::transpose(%c) {dim0 = 1, dim1 = 2}\n";
  g += "  %cr: f32[1,5,32] = aten::reshape(%ct) {shape = [1, 5, 32]}\n"
       "  %o: f32[1,5,32] = nn.Linear(%cr) {in_features = 32, out_features = 32} module \"o\"\n"
       "  return %o\n}\n";
  return g;
}

struct Run {
  std::unique_ptr<Graph> g;
  OpRegistry reg = OpRegistry::withBuiltins();
  std::unique_ptr<AnalysisManager> am;
  explicit Run(const std::string &text) : g(parseGraph(text, "t.pdir")) {
    am = std::make_unique<AnalysisManager>(*g, reg);
  }
  const AttentionHeadsResult &heads() { return am->getResult<AttentionHeadsAnalysis>(); }
  const ChannelGroups &byHead() { return am->getResult<HeadChannelGroupsAnalysis>(); }
};

std::vector<uint32_t> groupOf(const ChannelMember &m, uint32_t k) {
  return {m.indices.begin() + m.offsets[k], m.indices.begin() + m.offsets[k + 1]};
}

} // namespace

TEST_CASE("a head split's segment has the head and the head_dim factor") {
  std::vector<int64_t> in{2, 12, 768}, out{2, 12, 12, 64};
  auto segs = reshapeSegments(in, out);
  REQUIRE(segs);
  REQUIRE(segs->size() == 3);
  const std::vector<int64_t> *shapes[2] = {&in, &out};
  SegmentLayout l = segmentLayout((*segs)[2], shapes);
  CHECK(l.nested);
  REQUIRE(l.factors.size() == 2);
  CHECK(l.factors[0].stride == 1); // head_dim
  CHECK(l.factors[0].size == 64);
  CHECK(l.factors[1].stride == 64); // the heads
  CHECK(l.factors[1].size == 12);
  CHECK(!reshapeSegments({2, 3}, {7})); // different element counts
}

TEST_CASE("grouped-query attention: kv head j serves query heads 2j and 2j+1") {
  Run r(attention(2));
  const AttentionHeadsResult &res = r.heads();
  REQUIRE(res.attentions.size() == 1);
  const AttentionHeads &a = res.attentions[0];
  REQUIRE(a.read);
  CHECK(a.numHeads == 4);
  CHECK(a.headDim == 8);
  CHECK(a.kvHeads == 2);
  CHECK(a.kvOfQuery == std::vector<int64_t>{0, 0, 1, 1});
  CHECK(a.q.name == "q");
  CHECK(a.k.rows.size() == 16);
  CHECK(a.o.name == "o");
  CHECK(a.o.input);
  // The head factor chosen at k's repeat_kv reshape [1,2,2,5,8] -> [1,4,5,8]:
  // in its third segment ([2, 2] <-> [4], after the two size-1 dims), the kv
  // factor (stride 2), not the repeat (stride 1).
  const Op *kr = nullptr;
  for (const Op &op : r.g->ops())
    if (op.numResults() && op.result()->name().str() == "kr")
      kr = &op;
  REQUIRE(kr);
  REQUIRE(res.choices.strides.count(kr->id()));
  CHECK(res.choices.strides.at(kr->id()) == std::vector<int64_t>{0, 0, 2});

  std::vector<AttentionHeadGroups> groups = readHeadGroups(res, r.byHead());
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].problem == "");
  CHECK(groups[0].queryHeads == std::vector<std::vector<int64_t>>{{0, 1}, {2, 3}});
  CHECK(groups[0].kvHeads == std::vector<std::vector<int64_t>>{{0}, {1}});
  const ChannelSet &set = r.byHead().sets[groups[0].set];
  CHECK(set.groups == 2);
  CHECK(set.prunable());
}

TEST_CASE("one kv head (multi-query): a group is one query head, k and v stay") {
  Run r(attention(1));
  const AttentionHeads &a = r.heads().attentions.at(0);
  REQUIRE(a.read);
  CHECK(a.kvHeads == 1);
  CHECK(a.kvOfQuery == std::vector<int64_t>{0, 0, 0, 0});
  std::vector<AttentionHeadGroups> groups = readHeadGroups(r.heads(), r.byHead());
  CHECK(groups[0].problem == "");
  CHECK(groups[0].queryHeads == std::vector<std::vector<int64_t>>{{0}, {1}, {2}, {3}});
}

TEST_CASE("heads viewed as the inner factor: head h is channels h, h+4, h+8, ...") {
  Run r(attention(4, /*headsInner=*/true));
  const AttentionHeads &a = r.heads().attentions.at(0);
  REQUIRE(a.read);
  CHECK(a.numHeads == 4);
  CHECK(a.q.headStride == 1);
  std::vector<AttentionHeadGroups> groups = readHeadGroups(r.heads(), r.byHead());
  CHECK(groups[0].problem == "");
  const ChannelSet &set = r.byHead().sets[groups[0].set];
  for (const ChannelMember &m : set.members)
    if (isProjectionMember(m, a.q))
      CHECK(groupOf(m, 1) == std::vector<uint32_t>{1, 5, 9, 13, 17, 21, 25, 29});
}

TEST_CASE("without attention nothing is preset and channel-groups is unchanged") {
  Run r("graph @g(%x: f32[1,5,32]) {\n"
        "  %a: f32[1,5,32] = nn.Linear(%x) {in_features = 32, out_features = 32} module \"a\"\n"
        "  %v: f32[1,5,4,8] = aten::view(%a) {size = [1, 5, 4, 8]}\n"
        "  %w: f32[1,5,32] = aten::view(%v) {size = [1, 5, 32]}\n"
        "  %b: f32[1,5,32] = nn.Linear(%w) {in_features = 32, out_features = 32} module \"b\"\n"
        "  return %b\n}\n");
  CHECK(r.heads().attentions.empty());
  CHECK(r.heads().choices.strides.empty());
  const ChannelGroups &fine = r.am->getResult<ChannelGroupsAnalysis>();
  REQUIRE(fine.sets.size() == r.byHead().sets.size());
  for (size_t s = 0; s < fine.sets.size(); ++s)
    CHECK(fine.sets[s].groups == r.byHead().sets[s].groups);
}

TEST_CASE("heads inside a dim a reshape keeps whole (GPT-2's Conv1D runs on [tokens, features])") {
  Run r("graph @g(%x: f32[5,16]) {\n"
        "  %qkv: f32[5,48] = nn.Linear(%x) {in_features = 16, out_features = 48} module \"c_attn\"\n"
        "  %u: f32[1,5,48] = aten::view(%qkv) {size = [1, 5, 48]}\n"
        "  %q: f32[1,5,16], %k: f32[1,5,16], %v: f32[1,5,16] = aten::split(%u) {split_size = 16, dim = 2}\n"
        "  %qh: f32[1,5,2,8] = aten::view(%q) {size = [1, 5, 2, 8]}\n"
        "  %qt: f32[1,2,5,8] = aten::permute(%qh) {dims = [0, 2, 1, 3]}\n"
        "  %kh: f32[1,5,2,8] = aten::view(%k) {size = [1, 5, 2, 8]}\n"
        "  %kt: f32[1,2,8,5] = aten::permute(%kh) {dims = [0, 2, 3, 1]}\n"
        "  %vh: f32[1,5,2,8] = aten::view(%v) {size = [1, 5, 2, 8]}\n"
        "  %vt: f32[1,2,5,8] = aten::permute(%vh) {dims = [0, 2, 1, 3]}\n"
        "  %s: f32[1,2,5,5] = aten::matmul(%qt, %kt)\n"
        "  %p: f32[1,2,5,5] = aten::softmax(%s) {dim = -1, dtype = none}\n"
        "  %c: f32[1,2,5,8] = aten::matmul(%p, %vt)\n"
        "  %ct: f32[1,5,2,8] = aten::permute(%c) {dims = [0, 2, 1, 3]}\n"
        "  %cr: f32[5,16] = aten::view(%ct) {size = [5, 16]}\n"
        "  %o: f32[5,16] = nn.Linear(%cr) {in_features = 16, out_features = 16} module \"c_proj\"\n"
        "  return %o\n}\n");
  const AttentionHeads &a = r.heads().attentions.at(0);
  REQUIRE(a.read);
  CHECK(a.numHeads == 2);
  CHECK(a.k.rows.front() == 16);
  CHECK(a.k.rows.back() == 31);
  CHECK(a.o.name == "c_proj");
  CHECK(readHeadGroups(r.heads(), r.byHead())[0].problem == "");
}
