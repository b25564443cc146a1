// The pruned IR and its MACs: the counts a rewrite writes, and MACs that
// agree whether predicted from the pruning or counted on the rewritten graph.
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "passes/channels/ChannelGroups.h"
#include "passes/core/AnalysisManager.h"
#include "passes/prune/Cost.h"
#include "passes/prune/PrunedGraph.h"
#include "passes/prune/Pruning.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace pd;

namespace {

// A conv, a depthwise conv and BatchNorm on its channels, a flatten into a
// Linear, a matmul of two activations.
const char *kNet =
    "graph @g(%x: f32[1,3,4,4], %m: f32[1,5,6]) {\n"
    "  %a: f32[1,8,4,4] = nn.Conv2d(%x) {in_channels = 3, out_channels = 8, kernel_size = [3, 3], groups = 1}"
    " module \"a\"\n"
    "  %dw: f32[1,8,4,4] = nn.Conv2d(%a) {in_channels = 8, out_channels = 8, kernel_size = [3, 3], groups = 8}"
    " module \"dw\"\n"
    "  %bn: f32[1,8,4,4] = nn.BatchNorm2d(%dw) {num_features = 8} module \"bn\"\n"
    "  %flat: f32[1,128] = aten::view(%bn) {size = [1, -1]}\n"
    "  %fc: f32[1,10] = nn.Linear(%flat) {in_features = 128, out_features = 10} module \"fc\"\n"
    "  %q: f32[1,5,6] = nn.Linear(%m) {in_features = 6, out_features = 6} module \"q\"\n"
    "  %k: f32[1,5,6] = nn.Linear(%m) {in_features = 6, out_features = 6} module \"k\"\n"
    "  %kt: f32[1,6,5] = aten::transpose(%k) {dim0 = 1, dim1 = 2}\n"
    "  %s: f32[1,5,5] = aten::matmul(%q, %kt)\n"
    "  return %fc, %s\n}\n";

// Removes the first `count` groups of the set whose first member is `layer`.
PrunePlan removeFirst(const ChannelGroups &groups, const std::string &layer, uint32_t count,
                      PrunePlan plan = {}) {
  for (size_t i = 0; i < groups.sets.size(); ++i) {
    const ChannelSet &set = groups.sets[i];
    if (set.members[0].name != layer || set.members[0].role != ChannelMember::Role::Out)
      continue;
    PlanSet ps;
    ps.set = static_cast<uint32_t>(i + 1);
    ps.groups = set.groups;
    ps.kept = set.groups - count;
    for (uint32_t g = 0; g < count; ++g)
      ps.removed.push_back(g);
    plan.sets.push_back(ps);
    std::sort(plan.sets.begin(), plan.sets.end(), [](const PlanSet &x, const PlanSet &y) { return x.set < y.set; });
    return plan;
  }
  FAIL("no set of " << layer);
  return plan;
}

std::string line(const Graph &g, const std::string &name) {
  for (const Op &op : g.ops())
    if (op.numResults() && op.result()->name().str() == name)
      return printOp(op);
  return "";
}

} // namespace

TEST_CASE("rewritePruned: shapes, channel counts, groups and view sizes; MACs agree with the prediction") {
  auto g = parseGraph(kNet, "net.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  AnalysisManager am(*g, reg);
  const ChannelGroups &groups = am.getResult<ChannelGroupsAnalysis>();
  PrunePlan plan = removeFirst(groups, "a", 3);
  plan = removeFirst(groups, "q", 2, plan);
  Pruning p(groups, plan);

  // a: 16 x 8 x 3 x 9 (conv) + dw: 16 x 8 x 1 x 9 + fc: 10 x 128 + q, k: 2 x 30 x 6 + matmul: 25 x 6
  const int64_t before = 3456 + 1152 + 1280 + 360 + 150;
  CHECK(countMacs(*g, reg) == before);
  int64_t predicted = countMacs(*g, reg, &p);
  rewritePruned(*g, reg, p);
  CHECK(countMacs(*g, reg) == predicted);
  // 5 channels left: a 16x5x3x9, dw 16x5x1x9, fc 10x80, q 30x6 (4 outputs: 20x6), k 20x6, matmul 25x4.
  CHECK(predicted == 2160 + 720 + 800 + 120 + 120 + 100);

  CHECK(line(*g, "a") == "%a: f32[1,5,4,4] = nn.Conv2d(%x) {in_channels = 3, out_channels = 5, "
                         "kernel_size = [3, 3], groups = 1} module \"a\"");
  CHECK(line(*g, "dw") == "%dw: f32[1,5,4,4] = nn.Conv2d(%a) {in_channels = 5, out_channels = 5, "
                          "kernel_size = [3, 3], groups = 5} module \"dw\"");
  CHECK(line(*g, "bn") == "%bn: f32[1,5,4,4] = nn.BatchNorm2d(%dw) {num_features = 5} module \"bn\"");
  CHECK(line(*g, "flat") == "%flat: f32[1,80] = aten::view(%bn) {size = [1, 80]}");
  CHECK(line(*g, "fc") == "%fc: f32[1,10] = nn.Linear(%flat) {in_features = 80, out_features = 10} module \"fc\"");
  CHECK(line(*g, "s") == "%s: f32[1,5,5] = aten::matmul(%q, %kt)");
  CHECK(line(*g, "kt") == "%kt: f32[1,4,5] = aten::transpose(%k) {dim0 = 1, dim1 = 2}");
}
