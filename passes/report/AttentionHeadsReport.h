// The printed form of attention-heads (JSON, text, CSV): per attention its
// q, k, v and o channels, num_heads, head_dim and kv_heads, which query heads
// each key/value head serves, and its head groups (the set of
// channel-groups{granularity=head} that removes whole heads). It copies what
// it prints, so a later pass may change the graph. The JSON schema is
// documented in AttentionHeadsReport.cpp.
#pragma once
#include "passes/channels/HeadGroups.h"
#include "passes/core/Pass.h"

#include <memory>

namespace pd {

std::unique_ptr<PassResult> makeAttentionHeadsResult(const AttentionHeadsResult &heads,
                                                     const ChannelGroups &byHead);

} // namespace pd
