// verify: the verifier as a pass, so a pipeline can check the graph at any point.
#include "ir/Verifier.h"
#include "passes/core/Pass.h"

namespace pd {
namespace {
class VerifyPass : public Pass {
public:
  PreservedAnalyses run(Graph &g, AnalysisManager &am, PassContext &) override {
    verifyGraph(g, &am.registry());
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createVerifyPass() { return std::make_unique<VerifyPass>(); }
std::vector<PassOptionInfo> VerifyPassOptions() { return {}; }

} // namespace pd
