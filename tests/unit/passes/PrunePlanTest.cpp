// planPruning and checkPlan: ratio bounds, per-layer ratios, ignored layers,
// global ranking, rounding, and plans that do not fit the model.
#include "ir/Parser.h"
#include "passes/channels/ChannelGroups.h"
#include "passes/core/AnalysisManager.h"
#include "passes/prune/PlanForGraph.h"
#include "passes/prune/PrunePlan.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <numeric>

using namespace pd;

namespace {

// features.a (8 channels) -> features.b (16) -> head (4), the output.
const char *kChain =
    "graph @g(%x: f32[1,3,8,8]) {\n"
    "  %a: f32[1,8,8,8] = nn.Conv2d(%x) {in_channels = 3, out_channels = 8, groups = 1} module \"features.a\"\n"
    "  %b: f32[1,16,8,8] = nn.Conv2d(%a) {in_channels = 8, out_channels = 16, groups = 1} module \"features.b\"\n"
    "  %c: f32[1,4,8,8] = nn.Conv2d(%b) {in_channels = 16, out_channels = 4, groups = 1} module \"head\"\n"
    "  return %c\n}\n";

struct Model {
  std::unique_ptr<Graph> graph = parseGraph(kChain, "chain.pdir");
  OpRegistry registry = OpRegistry::withBuiltins();
  AnalysisManager am{*graph, registry};
  const ChannelGroups &groups = am.getResult<ChannelGroupsAnalysis>();

  PrunePlan plan(const PlanOptions &o) {
    return planPruning(groups, o, randomScorer(o.seed), namesInGraph(*graph, registry));
  }
  // The number of the set whose first member is `layer` with `role`.
  uint32_t setOf(const std::string &layer, ChannelMember::Role role) const {
    for (size_t i = 0; i < groups.sets.size(); ++i)
      if (groups.sets[i].members[0].name == layer && groups.sets[i].members[0].role == role)
        return static_cast<uint32_t>(i + 1);
    FAIL("no set starts with " << layer);
    return 0;
  }
};

const PlanSet *findSet(const PrunePlan &p, uint32_t set) {
  for (const PlanSet &s : p.sets)
    if (s.set == set)
      return &s;
  return nullptr;
}

bool skipped(const PrunePlan &p, uint32_t set) {
  for (const PlanSkip &s : p.skipped)
    if (s.set == set)
      return true;
  return false;
}

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("planPruning: a ratio outside [0, 1) is refused; 0 removes nothing; 0.5 half of each set") {
  Model m;
  PlanOptions o;
  o.importance = "random";
  o.keepOutputs = false;
  for (double bad : {-0.1, 1.0, 1.5}) {
    o.ratio = bad;
    CHECK(errorOf([&] { m.plan(o); }).find("expected a number in [0, 1)") != std::string::npos);
  }
  o.ratio = 0;
  CHECK(m.plan(o).sets.empty());
  o.ratio = 0.5;
  PrunePlan p = m.plan(o);
  const PlanSet *a = findSet(p, m.setOf("features.a", ChannelMember::Role::Out));
  REQUIRE(a);
  CHECK(a->groups == 8);
  CHECK(a->kept == 4);
  CHECK(a->removed.size() == 4);
  // Every member loses the same channels here (one per group), ascending.
  REQUIRE(a->members.size() == 2);
  CHECK(a->members[0].layer == "features.a");
  CHECK(a->members[1].layer == "features.b");
  CHECK(a->members[1].role == ChannelMember::Role::In);
  std::vector<int64_t> removed(a->removed.begin(), a->removed.end());
  CHECK(a->members[0].indices == removed);
  CHECK(a->members[1].indices == removed);
  // The input's set is blocked, with the reason.
  REQUIRE(p.skipped.size() == 1);
  CHECK(p.skipped[0].reason.rfind("blocked: ", 0) == 0);
  // The head's set changes the model's output.
  const PlanSet *head = findSet(p, m.setOf("head", ChannelMember::Role::Out));
  REQUIRE(head);
  CHECK(head->outputs == std::vector<std::string>{"%c"});
}

TEST_CASE("planPruning: by default a set that changes a model output's shape is skipped") {
  Model m;
  PlanOptions o;
  o.importance = "random";
  PrunePlan p = m.plan(o);
  uint32_t head = m.setOf("head", ChannelMember::Role::Out);
  CHECK(!findSet(p, head));
  REQUIRE(skipped(p, head));
  CHECK(p.skipped.back().reason == "changes the model's output %c (its shape is kept)");
  // head:in is no output: its set is pruned.
  CHECK(findSet(p, m.setOf("features.b", ChannelMember::Role::Out)));
}

TEST_CASE("planPruning: the same seed gives the same plan, another seed another") {
  Model m;
  PlanOptions o;
  o.importance = "random";
  o.keepOutputs = false;
  o.seed = 7;
  PrunePlan p1 = m.plan(o), p2 = m.plan(o);
  REQUIRE(p1.sets.size() == p2.sets.size());
  for (size_t i = 0; i < p1.sets.size(); ++i)
    CHECK(p1.sets[i].removed == p2.sets[i].removed);
  bool differs = false;
  for (uint64_t seed = 8; seed < 12 && !differs; ++seed) {
    o.seed = seed;
    PrunePlan q = m.plan(o);
    for (size_t i = 0; i < q.sets.size(); ++i)
      differs |= q.sets[i].removed != p1.sets[i].removed;
  }
  CHECK(differs);
}

TEST_CASE("planPruning: ratio-of overrides the ratio of every set the layer is in") {
  Model m;
  PlanOptions o;
  o.importance = "random";
  o.keepOutputs = false;
  o.ratio = 0.5;
  o.ratioOf = {{"head", 0.75}};
  PrunePlan p = m.plan(o);
  // head:in is in features.b's set (16 groups), head's own set has 4.
  CHECK(findSet(p, m.setOf("features.b", ChannelMember::Role::Out))->kept == 4);
  CHECK(findSet(p, m.setOf("head", ChannelMember::Role::Out))->kept == 1);
  CHECK(findSet(p, m.setOf("features.a", ChannelMember::Role::Out))->kept == 4);
  o.ratioOf = {{"nope", 0.3}};
  CHECK(errorOf([&] { m.plan(o); }).find("ratio of 'nope': no layer") != std::string::npos);
  o.ratioOf = {{"head", 1.0}};
  CHECK(errorOf([&] { m.plan(o); }).find("ratio of head 1") != std::string::npos);
}

TEST_CASE("planPruning: an ignored layer keeps its sets whole; NAME:out only its outputs") {
  Model m;
  PlanOptions o;
  o.importance = "random";
  o.keepOutputs = false;
  uint32_t b = m.setOf("features.b", ChannelMember::Role::Out), head = m.setOf("head", ChannelMember::Role::Out),
           a = m.setOf("features.a", ChannelMember::Role::Out);
  o.ignored = {"head:out"};
  PrunePlan p = m.plan(o);
  CHECK(skipped(p, head));
  CHECK(findSet(p, b)); // head:in is still pruned
  o.ignored = {"head"};
  p = m.plan(o);
  CHECK(skipped(p, head));
  CHECK(skipped(p, b));
  CHECK(findSet(p, a));
  // A module above the layers ignores everything under it.
  o.ignored = {"features"};
  p = m.plan(o);
  CHECK(skipped(p, a));
  CHECK(skipped(p, b));
  CHECK(findSet(p, head));
  o.ignored = {"classifier"};
  CHECK(errorOf([&] { m.plan(o); }) ==
        "ignored layer 'classifier': no layer or stored tensor of that name in the model");
}

TEST_CASE("planPruning: global ranking removes the ratio over all sets and keeps a group in each") {
  Model m;
  PlanOptions o;
  o.importance = "random";
  o.keepOutputs = false;
  o.global = true;
  o.ratio = 0.9;
  PrunePlan p = m.plan(o);
  size_t total = 0, removed = 0;
  for (const ChannelSet &s : m.groups.sets)
    total += s.prunable() ? s.groups : 0;
  for (const PlanSet &s : p.sets) {
    CHECK(s.kept >= 1);
    CHECK(s.kept + s.removed.size() == s.groups);
    removed += s.removed.size();
  }
  CHECK(removed == static_cast<size_t>(0.9 * total));
}

TEST_CASE("planPruning: round-to keeps a multiple of N channels, and a set too small for it stays whole") {
  Model m;
  PlanOptions o;
  o.importance = "random";
  o.keepOutputs = false;
  o.roundTo = 4;
  o.ratio = 0.4;
  PrunePlan p = m.plan(o);
  // 16 groups at 0.4 keep 10, rounded up to 12; 8 keep 5, rounded up to 8 (nothing
  // goes); 4 keep 3, rounded up to 4.
  const PlanSet *b = findSet(p, m.setOf("features.b", ChannelMember::Role::Out));
  REQUIRE(b);
  CHECK(b->kept == 12);
  CHECK(!findSet(p, m.setOf("features.a", ChannelMember::Role::Out)));
  CHECK(!findSet(p, m.setOf("head", ChannelMember::Role::Out)));
  o.roundTo = 16; // the set of features.a has 8 groups of one channel
  PrunePlan q = m.plan(o);
  uint32_t a = m.setOf("features.a", ChannelMember::Role::Out);
  CHECK(!findSet(q, a));
  bool told = false;
  for (const PlanSkip &s : q.skipped)
    told |= s.set == a && s.reason.find("round-to 16") != std::string::npos;
  CHECK(told);
}

TEST_CASE("planPruning: a round-to that cuts across groups of several channels is an error") {
  // Two groups of 64 channels (two whole heads): a multiple of 48 channels
  // needs three of them.
  ChannelGroups g;
  ChannelSet set;
  set.groups = 2;
  ChannelMember q;
  q.name = "attn.q";
  for (uint32_t i = 0; i < 128; ++i)
    q.indices.push_back(i);
  q.offsets = {0, 64, 128};
  set.members.push_back(q);
  g.sets.push_back(set);
  PlanOptions o;
  o.importance = "random";
  o.roundTo = 48;
  std::string e = errorOf([&] { planPruning(g, o, randomScorer(0), nullptr); });
  CHECK(e.find("round-to 48 conflicts with set 1 (attn.q)") != std::string::npos);
  CHECK(e.find("64 channel(s) each") != std::string::npos);
  o.roundTo = 32; // half a head: a whole head is a multiple
  CHECK_NOTHROW(planPruning(g, o, randomScorer(0), nullptr));
}

TEST_CASE("checkPlan: a plan that does not fit the model names the set and what differs") {
  Model m;
  PlanOptions o;
  o.importance = "random";
  o.keepOutputs = false;
  const PrunePlan good = m.plan(o);
  CHECK_NOTHROW(checkPlan(m.groups, good));
  uint32_t a = m.setOf("features.a", ChannelMember::Role::Out);
  auto broken = [&](const std::function<void(PlanSet &)> &change) {
    PrunePlan p = good;
    for (PlanSet &s : p.sets)
      if (s.set == a)
        change(s);
    return errorOf([&] { checkPlan(m.groups, p); });
  };
  CHECK(broken([](PlanSet &s) { s.set = 99; }).find("the model has 4 channel-groups sets") != std::string::npos);
  CHECK(broken([](PlanSet &s) { s.groups = 7; }).find("the plan says 7 groups, the model has 8") !=
        std::string::npos);
  // The other four groups: valid groups, but not the members' indices.
  CHECK(broken([](PlanSet &s) {
          std::vector<uint32_t> others;
          for (uint32_t g = 0; g < 8; ++g)
            if (std::find(s.removed.begin(), s.removed.end(), g) == s.removed.end())
              others.push_back(g);
          s.removed = others;
        }).find("not those of the removed groups") != std::string::npos);
  CHECK(broken([](PlanSet &s) { s.removed.push_back(8); }).find("group 8 does not exist") != std::string::npos);
  CHECK(broken([](PlanSet &s) { s.members[0].layer = "features.x"; }).find("member 1 is features.x") !=
        std::string::npos);
  CHECK(broken([](PlanSet &s) {
          s.removed.resize(8);
          std::iota(s.removed.begin(), s.removed.end(), 0u);
          s.kept = 0;
        }).find("would empty features.a") != std::string::npos);
  PrunePlan blocked = good;
  blocked.sets = {good.sets[0]};
  blocked.sets[0].set = good.skipped[0].set;
  CHECK(errorOf([&] { checkPlan(m.groups, blocked); }).find("cannot be pruned") != std::string::npos);
}
