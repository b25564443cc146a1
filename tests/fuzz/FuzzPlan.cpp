// libFuzzer target: a pruning plan's JSON (`--plan-in`), read, checked
// against a fixed graph (the test suite's, embedded at build time) and, when
// it fits, applied: the pruning it stands for and the pruned IR, verified.
// The first byte picks the graph; the rest is the plan.
#include "ir/Parser.h"
#include "ir/Verifier.h"
#include "passes/core/AnalysisManager.h"
#include "passes/prune/PlanForGraph.h"
#include "passes/prune/PlanJson.h"
#include "passes/prune/PrunedGraph.h"
#include "passes/prune/Pruning.h"
#include "tests/fuzz/FuzzGraphs.h"
#include "tests/fuzz/FuzzRun.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const pd::fuzz::EmbeddedGraph &graph = pd::fuzz::kGraphs[data[0] % pd::fuzz::kNumGraphs];
  std::string_view text(reinterpret_cast<const char *>(data + 1), size - 1);
  pd::PrunePlan plan;
  try {
    plan = pd::readPlanJson(text, "plan.json"); // the text alone: most inputs stop here
  } catch (const pd::Error &) {
    return 0;
  }
  try {
    auto g = pd::parseGraph(graph.text, graph.name);
    pd::OpRegistry rules = pd::OpRegistry::withBuiltins();
    pd::verifyGraph(*g, &rules);
    std::vector<std::string> warnings;
    pd::resolveUnknownOps(*g, rules, pd::UnknownOpPolicy::Barrier, warnings);
    pd::AnalysisManager am(*g, rules);
    const pd::ChannelGroups &groups = pd::planGroups(am, plan.options.granularity);
    pd::checkPlan(groups, plan);
    pd::Pruning pruning(groups, plan);
    pd::rewritePruned(*g, rules, pruning);
    pd::verifyGraph(*g, &rules);
  } catch (const pd::Error &) {
  }
  return 0;
}
