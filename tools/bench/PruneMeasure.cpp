#include "tools/bench/PruneMeasure.h"

#include "frontends/TorchScriptPruner.h"
#include "passes/core/AnalysisManager.h"
#include "tools/bench/FrontendMeasure.h"
#include "tools/bench/Records.h"
#include "tools/common/InputShape.h"
#include "tools/common/ModuleLoader.h"

#include <algorithm>
#include <chrono>
#include <limits>

#ifndef PD_PRUNER_RELATIVE_DIRS
#define PD_PRUNER_RELATIVE_DIRS {"../../frontends/prune", "../lib/prunedep"}
#endif

namespace pd::bench {

constexpr const char *kPrunerFile = "libprunedep_prune.so", *kPrunerWhat = "the TorchScript pruner";

std::string findPrunerModule() {
  try {
    return findBesideExecutable(kPrunerFile, PD_PRUNER_RELATIVE_DIRS, kPrunerWhat);
  } catch (const Error &) {
    return "";
  }
}

int measurePrune(const std::string &modelPath, const std::string &inputShapes, unsigned reps) {
  PruneFn prune;
  LowerTorchScriptFn lower;
  try {
    prune = loadModuleFunction<PruneFn>(kPrunerFile, PD_PRUNER_RELATIVE_DIRS, kPrunerWhat, kPruneSymbol);
    lower = loadModuleFunction<LowerTorchScriptFn>(kTorchScriptModuleFile, PD_TORCHSCRIPT_MODULE_DIRS,
                                                   "the TorchScript frontend", kLowerTorchScriptSymbol);
  } catch (const Error &e) {
    emitError(e.what());
    return 1;
  }
  OpRegistry rules = OpRegistry::withBuiltins();
  FrontendOptions fo;
  fo.modelPath = modelPath;
  try {
    fo.inputs = parseInputShapes(inputShapes);
  } catch (const Error &e) {
    emitError(modelPath + ": " + e.what());
    return 1;
  }
  fo.registry = &rules;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double analysis = kInf, plan = kInf, pruned = kInf;
  int64_t before = 0, after = 0;
  size_t sets = 0, ops = 0;
  for (unsigned r = 0; r < reps; ++r) {
    // Lowered each time: the pruner rewrites the graph into the pruned IR.
    FrontendOutput lowered;
    lower(&fo, &lowered);
    if (!lowered.graph) {
      emitError(lowered.error);
      return 1;
    }
    ops = lowered.graph->numOps();
    auto t0 = std::chrono::steady_clock::now();
    AnalysisManager am(*lowered.graph, rules);
    const ChannelGroups &groups = am.getResult<ChannelGroupsAnalysis>();
    analysis = std::min(analysis, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    PruneOptions po;
    po.modelPath = modelPath;
    po.inputs = fo.inputs;
    po.graph = lowered.graph.get();
    po.registry = &rules;
    po.groups = &groups;
    po.check = false;
    PruneOutput out;
    prune(&po, &out);
    if (!out.error.empty()) {
      emitError(out.error);
      return 1;
    }
    plan = std::min(plan, out.planSeconds);
    pruned = std::min(pruned, out.pruneSeconds);
    before = out.paramsBefore;
    after = out.paramsAfter;
    sets = out.plan.sets.size();
  }
  emit("count", "ops", static_cast<double>(ops));
  emit("count", "sets pruned", static_cast<double>(sets));
  emit("count", "params before", static_cast<double>(before));
  emit("count", "params after", static_cast<double>(after));
  emit("time", "channel-groups", analysis);
  emit("time", "plan", plan);
  emit("time", "prune", pruned);
  return 0;
}

} // namespace pd::bench
