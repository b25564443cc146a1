// The pruning plan of a graph without its weights: what the `prune-plan`
// and `prune` passes and `prunedep prune MODEL.pdir` share. Ranks groups by
// a seeded random score (L1/L2 need the weights, which only the TorchScript
// pruner has), or reads and checks a saved plan.
#pragma once
#include "passes/core/AnalysisManager.h"
#include "passes/core/Pass.h"
#include "passes/prune/PrunePlan.h"

#include <string>
#include <string_view>
#include <vector>

namespace pd {

// The channel-groups sets a plan at `granularity` ("channel" or "head")
// numbers.
const ChannelGroups &planGroups(AnalysisManager &am, const std::string &granularity);

// Whether a name is a layer (module path), a stored tensor, or a module
// above them in the graph: what an ignored or ratio-of layer may name.
NameExists namesInGraph(const Graph &g, const OpRegistry &registry);

// The plan at `o` (importance must be random), or, with `planIn`, the plan
// saved in that file, checked against the graph's groups at its recorded
// granularity. Throws pd::Error ("error: ..." / "FILE: error: ...").
PrunePlan planForGraph(Graph &g, AnalysisManager &am, const PlanOptions &o, const std::string &planIn);

// A ratio as text ("0.5"): the number, or pd::Error naming `what` for
// anything else ("0.5x", ""). The range is planPruning's to check.
double parseRatio(std::string_view text, const std::string &what);

// The pass options shared by prune-plan and prune, as PlanOptions:
// ignore=a;b:out, ratio-of=layer4:0.25;fc:0.1 (';' separates: a pipeline
// value cannot hold ',').
std::vector<PassOptionInfo> planPassOptions();
PlanOptions planOptionsFromPass(const PassOptions &o);

} // namespace pd
