// A pruning plan as JSON, the `prune-plan` object of the prunedep/1 schema,
// the same shape prunedep.prune_plan (Python) gives:
//
//   {"schema": "prunedep/1", "pass": "prune-plan",
//    "ratio": 0.5, "importance": "l1", "round_to": null,
//    "ignored_layers": ["fc:out"], "ratio_of": {"layer4": 0.25},
//    "global": false, "keep_outputs": true, "seed": 0, "granularity": "channel",
//    "sets": [{"set": 1, "groups": 64, "kept": 32, "removed": [0, 3, ...],
//              "outputs": ["%fc"],
//              "members": [{"layer": "conv1", "role": "out", "dim": 0,
//                           "indices": [[0, 1], [3, 4], ...]}, ...]}],
//    "skipped": [{"set": 2, "reason": "blocked: the model's input %x"}]}
//
// "set" numbers the channel-groups sets from 1 (at "granularity"), "removed"
// the set's groups from 0; "indices" are the removed indices of the member's
// weight dim (tensor dim for a "param" member) as ascending [start, end)
// runs; "round_to" is null when not rounding. Reading needs "schema",
// "sets", and per set "set", "groups", "kept", "removed" and "members"
// (each with "layer", "role", "dim", "indices"); the planning options
// default as in PlanOptions; other keys are ignored, so a report's own keys
// (MACs) or a newer writer's do no harm. A prunedep --format=json report
// whose results hold one prune-plan reads as that plan.
#pragma once
#include "passes/core/Json.h"
#include "passes/prune/PrunePlan.h"

#include <ostream>
#include <string>
#include <string_view>

namespace pd {

// The plan's own fields ("ratio" .. "skipped"), into an open object.
void writePlanFields(JsonWriter &w, const PrunePlan &plan);
// The whole plan object, with "schema" and "pass", and a newline.
void writePlanJson(std::ostream &os, const PrunePlan &plan);

// Throws pd::Error: "FILE:LINE:COL: error: ..." for text that is not JSON,
// "FILE: error: set 3: member 2: ..." for JSON that is not a plan.
PrunePlan readPlanJson(std::string_view text, const std::string &fileName);
PrunePlan readPlanFile(const std::string &path);

} // namespace pd
