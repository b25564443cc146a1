// channel-groups{values=false|true}: prints the channel groups (which
// channels of which layers must be removed together), by set.
#include "passes/channels/ChannelGroups.h"
#include "passes/report/ChannelGroupsReport.h"

namespace pd {
namespace {
class ChannelGroupsPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    addResult(ctx, *this,
              makeChannelGroupsResult(am.getResult<ChannelGroupsAnalysis>(),
                                      options().get("values") == "true"));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createChannelGroupsPass() { return std::make_unique<ChannelGroupsPass>(); }
std::vector<PassOptionInfo> ChannelGroupsPassOptions() {
  return {{"values", "also list every tensor dim the groups shrink", "false", {"false", "true"}}};
}

} // namespace pd
