// channel-groups{values=false|true, granularity=channel|head}: prints the
// channel groups (which channels of which layers must be removed together),
// by set; with granularity=head, the groups that remove whole attention
// heads (HeadGroups.h).
#include "passes/channels/ChannelGroups.h"
#include "passes/report/ChannelGroupsReport.h"
#include "passes/channels/HeadGroups.h"

namespace pd {
namespace {
class ChannelGroupsPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    const bool byHead = options().get("granularity") == "head";
    const ChannelGroups &groups =
        byHead ? am.getResult<HeadChannelGroupsAnalysis>() : am.getResult<ChannelGroupsAnalysis>();
    addResult(ctx, *this,
              makeChannelGroupsResult(groups, options().get("values") == "true",
                                      byHead ? "channel-groups{granularity=head}" : "channel-groups"));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createChannelGroupsPass() { return std::make_unique<ChannelGroupsPass>(); }
std::vector<PassOptionInfo> ChannelGroupsPassOptions() {
  return {{"values", "also list every tensor dim the groups shrink", "false", {"false", "true"}},
          {"granularity",
           "channel: the finest groups; head: groups of whole attention heads (the head splits "
           "attention-heads finds keep their head factor)",
           "channel",
           {"channel", "head"}}};
}

} // namespace pd
