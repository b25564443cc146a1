// attention-heads: per attention, num_heads, head_dim, kv_heads, the q, k, v
// and o channels and the head groups (AttentionHeads.h, HeadGroups.h).
#include "passes/report/AttentionHeadsReport.h"

namespace pd {
namespace {
class AttentionHeadsPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    addResult(ctx, *this,
              makeAttentionHeadsResult(am.getResult<AttentionHeadsAnalysis>(),
                                       am.getResult<HeadChannelGroupsAnalysis>()));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createAttentionHeadsPass() { return std::make_unique<AttentionHeadsPass>(); }
std::vector<PassOptionInfo> AttentionHeadsPassOptions() { return {}; }

} // namespace pd
