// prune-plan{ratio, importance, seed, round-to, global, ignore, ratio-of,
// granularity, plan-in}: prints the pruning plan (which groups of which set
// go, every member's removed indices) and the MACs before and after, without
// changing the graph.
#include "passes/prune/Cost.h"
#include "passes/prune/PlanForGraph.h"
#include "passes/prune/PlanReport.h"
#include "passes/prune/Pruning.h"

namespace pd {
namespace {
class PrunePlanPass : public Pass {
public:
  PreservedAnalyses run(Graph &g, AnalysisManager &am, PassContext &ctx) override {
    const std::string &planIn = options().get("plan-in");
    PrunePlan plan = planForGraph(g, am, planOptionsFromPass(options()), planIn);
    Pruning pruning(planGroups(am, plan.options.granularity), plan);
    int64_t before = countMacs(g, am.registry()), after = countMacs(g, am.registry(), &pruning);
    addResult(ctx, *this, makePlanResult(std::move(plan), before, after, "prune-plan", planIn));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createPrunePlanPass() { return std::make_unique<PrunePlanPass>(); }
std::vector<PassOptionInfo> PrunePlanPassOptions() { return planPassOptions(); }

} // namespace pd
