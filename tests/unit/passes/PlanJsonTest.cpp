// The plan as JSON: written and read back equal; errors name file:line:col
// (not JSON) or the set and member (not a plan).
#include "passes/prune/PlanJson.h"

#include "ir/Diagnostic.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace pd;

namespace {

PrunePlan samplePlan() {
  PrunePlan p;
  p.options.ratio = 0.375;
  p.options.importance = "l2";
  p.options.roundTo = 8;
  p.options.global = true;
  p.options.seed = 12345678901234ull;
  p.options.granularity = "head";
  p.options.ignored = {"fc:out", "encoder"};
  p.options.ratioOf = {{"layer4", 0.25}, {"layer1.0.conv1", 0.1}};
  PlanSet s;
  s.set = 3;
  s.groups = 6;
  s.kept = 4;
  s.removed = {1, 4};
  s.outputs = {"%fc"};
  s.members.push_back({"conv1", ChannelMember::Role::Out, 0, {1, 4}});
  s.members.push_back({"fc", ChannelMember::Role::In, 1, {2, 3, 8, 9, 10}});
  s.members.push_back({"encoder.pos_embedding", ChannelMember::Role::Param, 2, {1, 4}});
  p.sets.push_back(s);
  s.set = 5;
  s.members.resize(1);
  s.outputs.clear();
  p.sets.push_back(s);
  p.skipped.push_back({1, "blocked: the model's input %x"});
  p.skipped.push_back({4, "ignored layer fc:out (fc, out)"});
  return p;
}

std::string json(const PrunePlan &p) {
  std::ostringstream os;
  writePlanJson(os, p);
  return os.str();
}

std::string errorOf(const std::string &text) {
  try {
    readPlanJson(text, "plan.json");
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("plan JSON: written, read back, equal") {
  PrunePlan p = samplePlan();
  std::string text = json(p);
  CHECK(text.rfind("{\"schema\": \"prunedep/1\", \"pass\": \"prune-plan\", \"ratio\": 0.375, ", 0) == 0);
  CHECK(text.find("\"indices\": [[2, 4], [8, 11]]") != std::string::npos);
  PrunePlan q = readPlanJson(text, "plan.json");
  CHECK(q.options.ratio == p.options.ratio);
  CHECK(q.options.importance == p.options.importance);
  CHECK(q.options.roundTo == p.options.roundTo);
  CHECK(q.options.global == p.options.global);
  CHECK(q.options.seed == p.options.seed);
  CHECK(q.options.granularity == p.options.granularity);
  CHECK(q.options.ignored == p.options.ignored);
  CHECK(q.options.ratioOf == p.options.ratioOf);
  REQUIRE(q.sets.size() == p.sets.size());
  for (size_t i = 0; i < p.sets.size(); ++i) {
    const PlanSet &a = p.sets[i], &b = q.sets[i];
    CHECK(a.set == b.set);
    CHECK(a.groups == b.groups);
    CHECK(a.kept == b.kept);
    CHECK(a.removed == b.removed);
    CHECK(a.outputs == b.outputs);
    REQUIRE(a.members.size() == b.members.size());
    for (size_t m = 0; m < a.members.size(); ++m) {
      CHECK(a.members[m].layer == b.members[m].layer);
      CHECK(a.members[m].role == b.members[m].role);
      CHECK(a.members[m].dim == b.members[m].dim);
      CHECK(a.members[m].indices == b.members[m].indices);
    }
  }
  REQUIRE(q.skipped.size() == 2);
  CHECK(q.skipped[1].set == 4);
  CHECK(q.skipped[1].reason == p.skipped[1].reason);
  CHECK(json(q) == text);
}

TEST_CASE("plan JSON: round_to null, and a hand-written plan with the needed keys only") {
  PrunePlan p = readPlanJson(R"({"schema": "prunedep/1", "round_to": null, "sets": [
      {"set": 2, "groups": 4, "kept": 3, "removed": [0],
       "members": [{"layer": "a", "role": "out", "dim": 0, "indices": [[0, 1]]}]}]})",
                             "hand.json");
  CHECK(p.options.roundTo == 0);
  CHECK(p.options.granularity == "channel");
  REQUIRE(p.sets.size() == 1);
  CHECK(p.sets[0].members[0].indices == std::vector<int64_t>{0});
  CHECK(json(p).find("\"round_to\": null") != std::string::npos);
}

TEST_CASE("plan JSON: a prunedep --format=json report reads as its prune-plan result") {
  PrunePlan p = readPlanJson(R"({"schema": "prunedep/1", "model": "m.pdir", "results": [
      {"pass": "channel-groups", "sets": []},
      {"pass": "prune-plan", "ratio": 0.5, "sets": [], "skipped": [], "macs_before": 10, "macs_after": 5}]})",
                             "report.json");
  CHECK(p.options.ratio == 0.5);
  CHECK(errorOf(R"({"schema": "prunedep/1", "results": []})") ==
        "plan.json: error: the report holds no prune-plan result");
}

TEST_CASE("plan JSON: text that is not JSON is named by line and column") {
  CHECK(errorOf("{\"schema\": \"prunedep/1\",\n  \"sets\": [\n    {\"set\": 1,, }]}")
            .rfind("plan.json:3:15: error: syntax error", 0) == 0);
  CHECK(errorOf("").rfind("plan.json:1:1: error:", 0) == 0);
}

TEST_CASE("plan JSON: JSON that is not a plan names the key, the set and the member") {
  CHECK(errorOf("[]") == "plan.json: error: a plan is a JSON object");
  CHECK(errorOf(R"({"sets": []})").find("no \"schema\"") != std::string::npos);
  CHECK(errorOf(R"({"schema": "prunedep/2", "sets": []})").find("\"schema\" is \"prunedep/2\"") !=
        std::string::npos);
  CHECK(errorOf(R"({"schema": "prunedep/1"})") == "plan.json: error: no \"sets\"");
  CHECK(errorOf(R"({"schema": "prunedep/1", "sets": [{"set": 3, "groups": 4, "removed": [], "members": []}]})") ==
        "plan.json: error: set 3: no \"kept\"");
  CHECK(errorOf(R"({"schema": "prunedep/1", "sets": [{"set": 0}]})").rfind(
            "plan.json: error: sets entry 1: \"set\" must be an integer in [1, ", 0) == 0);
  const char *head = R"({"schema": "prunedep/1", "sets": [{"set": 3, "groups": 4, "kept": 3, "removed": [0], "members": [
      {"layer": "a", "role": "out", "dim": 0, "indices": [[0, 1]]}, )";
  auto member = [&](const std::string &m) { return errorOf(head + m + "]}]}"); };
  const std::string pairs = "plan.json: error: set 3: member 2: \"indices\" must be a list of [start, end) pairs";
  CHECK(member(R"({"layer": "b", "role": "in", "dim": 1, "indices": [[2, 1]]})").rfind(pairs, 0) == 0);
  CHECK(member(R"({"layer": "b", "role": "in", "dim": 1, "indices": [[0, 2], [1, 3]]})").rfind(pairs, 0) == 0);
  CHECK(member(R"({"layer": "b", "role": "in", "dim": 1, "indices": [0, 1]})").rfind(pairs, 0) == 0);
  CHECK(member(R"({"layer": "b", "role": "in", "dim": 1, "indices": [[0, 99999999999]]})").rfind(pairs, 0) == 0);
  CHECK(member(R"({"layer": "b", "role": "weights", "dim": 1, "indices": []})") ==
        "plan.json: error: set 3: member 2: \"role\" must be \"out\", \"in\" or \"param\", not \"weights\"");
  CHECK(member(R"({"layer": "b", "role": "in", "indices": []})") == "plan.json: error: set 3: member 2: no \"dim\"");
}
