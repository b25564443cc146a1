// prune{same options as prune-plan}: a transform. Plans as prune-plan does,
// then rewrites the graph into the pruned model's IR (PrunedGraph.h): every
// tensor takes its pruned shape, every op its recomputed sizes and channel
// counts. --emit-ir prints the result; the report gives the plan.
#include "passes/prune/Cost.h"
#include "passes/prune/PlanForGraph.h"
#include "passes/prune/PlanReport.h"
#include "passes/prune/PrunedGraph.h"
#include "passes/prune/Pruning.h"

namespace pd {
namespace {
class PrunePass : public Pass {
public:
  PreservedAnalyses run(Graph &g, AnalysisManager &am, PassContext &ctx) override {
    const std::string &planIn = options().get("plan-in");
    PrunePlan plan = planForGraph(g, am, planOptionsFromPass(options()), planIn);
    int64_t before = countMacs(g, am.registry());
    if (plan.sets.empty()) {
      addResult(ctx, *this, makePlanResult(std::move(plan), before, before, "prune", planIn));
      return PreservedAnalyses::all();
    }
    Pruning pruning(planGroups(am, plan.options.granularity), plan);
    rewritePruned(g, am.registry(), pruning);
    int64_t after = countMacs(g, am.registry());
    addResult(ctx, *this, makePlanResult(std::move(plan), before, after, "prune", planIn));
    return PreservedAnalyses::none();
  }
};
} // namespace

std::unique_ptr<Pass> createPrunePass() { return std::make_unique<PrunePass>(); }
std::vector<PassOptionInfo> PrunePassOptions() { return planPassOptions(); }

} // namespace pd
