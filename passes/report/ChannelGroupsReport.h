// The printed form of the channel-groups analysis (JSON, text, CSV). It
// copies what it prints (names, not IR pointers), so a later pass may change
// the graph. The JSON schema is documented in ChannelGroupsReport.cpp.
#pragma once
#include "passes/channels/ChannelGroups.h"
#include "passes/core/Pass.h"

#include <memory>

namespace pd {

// `withValues`: also list the tensors whose dims shrink; `title` heads the
// text report.
std::unique_ptr<PassResult> makeChannelGroupsResult(const ChannelGroups &groups, bool withValues,
                                                    std::string title = "channel-groups");

// A member as the text report spells it: conv1, fc:in (an input's dim 1),
// encoder.pos_embedding:param@2; `role` is out, in or param.
std::string memberSpelling(const std::string &name, const std::string &role, int64_t dim);

// Index runs in listed order: [0:64], [0:2,58:60], [5].
std::string formatRuns(const std::vector<int64_t> &indices, size_t maxRuns = 0);

} // namespace pd
