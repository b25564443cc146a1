// The printed form of a pruning plan (the prune-plan and prune passes):
// JSON, the plan's fields (PlanJson.h) with "macs_before" and "macs_after";
// text, a line per set pruned or skipped; CSV, a row per pruned member.
// It holds names only, so the graph may be rewritten after it is made.
#pragma once
#include "passes/core/Pass.h"
#include "passes/prune/PrunePlan.h"

#include <memory>
#include <string>

namespace pd {

// `title` heads the text ("prune-plan", "prune"); `source` names a plan
// read from a file (empty: planned here).
std::unique_ptr<PassResult> makePlanResult(PrunePlan plan, int64_t macsBefore, int64_t macsAfter,
                                           std::string title, std::string source = {});

// "3 sets pruned, 14 groups removed; MACs 16384 -> 9216": the one line the
// text report and `prunedep prune` close with.
std::string planSummaryLine(const PrunePlan &plan, int64_t macsBefore, int64_t macsAfter);

} // namespace pd
