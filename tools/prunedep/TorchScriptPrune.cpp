#include "tools/prunedep/TorchScriptPrune.h"

#include "ir/Verifier.h"
#include "passes/core/AnalysisManager.h"
#include "passes/graph/UnknownOps.h"
#include "passes/prune/Cost.h"
#include "passes/prune/PlanForGraph.h"
#include "passes/prune/PlanJson.h"
#include "tools/common/ModuleLoader.h"
#include "tools/prunedep/TorchScriptLoader.h"

#include <unistd.h>

#include <iostream>

#ifndef PD_PRUNER_RELATIVE_DIRS
#define PD_PRUNER_RELATIVE_DIRS {"../../frontends/prune", "../lib/prunedep"}
#endif

namespace pd {

TorchScriptPruneResult pruneTorchScript(const TorchScriptPruneRequest &r) {
  // A bad plan file or option fails before LibTorch is loaded.
  std::optional<PrunePlan> given;
  if (!r.planIn.empty())
    given = readPlanFile(r.planIn);

  FrontendOptions fo;
  fo.modelPath = r.modelPath;
  fo.inputs = r.inputs;
  fo.registry = r.registry;
  fo.progress = isatty(2);
  FrontendOutput lowered = lowerTorchScript(fo);
  for (const std::string &w : lowered.warnings)
    std::cerr << "warning: " << w << "\n";
  TorchScriptPruneResult result;
  result.graph = std::move(lowered.graph);
  Graph &graph = *result.graph;
  verifyGraph(graph, r.registry);
  std::vector<std::string> warnings;
  resolveUnknownOps(graph, *r.registry, parseUnknownOpPolicy(r.unknownOps), warnings);
  for (const std::string &w : warnings)
    std::cerr << "warning: " << w << "\n";

  AnalysisManager am(graph, *r.registry);
  const ChannelGroups &groups = planGroups(am, given ? given->options.granularity : r.plan.granularity);
  result.macsBefore = countMacs(graph, *r.registry);

  PruneOptions po;
  po.modelPath = r.modelPath;
  po.inputs = r.inputs;
  po.graph = &graph;
  po.registry = r.registry;
  po.groups = &groups;
  po.plan = r.plan;
  po.givenPlan = given ? &*given : nullptr;
  po.outputPath = r.outputPath;
  po.check = r.check;
  auto prune = loadModuleFunction<PruneFn>("libprunedep_prune.so", PD_PRUNER_RELATIVE_DIRS, "the TorchScript pruner",
                                           kPruneSymbol);
  prune(&po, &result.out);
  if (!result.out.error.empty())
    throw Error(result.out.error);
  result.macsAfter = countMacs(graph, *r.registry);
  return result;
}

} // namespace pd
