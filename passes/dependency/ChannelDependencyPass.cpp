// channel-dependency{prune-type=filter|batchnorm}: prints the channel
// dependency sets (the ChannelDependencyAnalysis or, for batchnorm pruning,
// the BatchNormDependencyAnalysis).
#include "passes/dependency/ChannelDependency.h"
#include "passes/index/OpFacts.h"
#include "passes/report/SetsReport.h"

namespace pd {
namespace {
class ChannelDependencyPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    bool batchnorm = options().get("prune-type") == "batchnorm";
    const DependencySets &sets = batchnorm ? am.getResult<BatchNormDependencyAnalysis>()
                                           : am.getResult<ChannelDependencyAnalysis>();
    LayerRuleReader ruleOf(am.getResult<LayerIndexAnalysis>());
    addResult(ctx, *this,
              std::make_unique<SetsResult>(
                  std::string("channel-dependency (") + (batchnorm ? "batchnorm" : "filter") + ")",
                  sets, [&](const Layer &l) { return outChannels(*l.op, ruleOf(l)); }));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createChannelDependencyPass() {
  return std::make_unique<ChannelDependencyPass>();
}
std::vector<PassOptionInfo> ChannelDependencyPassOptions() {
  return {{"prune-type",
           "filter: prune conv/linear output channels; batchnorm: prune BatchNorm channels",
           "filter",
           {"filter", "batchnorm"}}};
}

} // namespace pd
