// input-channel-dependency: prints the sets of conv/linear layers that must
// prune the same input channels (the InputChannelDependencyAnalysis).
#include "passes/dependency/InputChannelDependency.h"
#include "passes/index/OpFacts.h"
#include "passes/report/SetsReport.h"

namespace pd {
namespace {
class InputChannelDependencyPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    const DependencySets &sets = am.getResult<InputChannelDependencyAnalysis>();
    LayerRuleReader ruleOf(am.getResult<LayerIndexAnalysis>());
    addResult(ctx, *this,
              std::make_unique<SetsResult>("input-channel-dependency", sets, [&](const Layer &l) {
                return inChannels(*l.op, ruleOf(l));
              }));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createInputChannelDependencyPass() {
  return std::make_unique<InputChannelDependencyPass>();
}
std::vector<PassOptionInfo> InputChannelDependencyPassOptions() { return {}; }

} // namespace pd
