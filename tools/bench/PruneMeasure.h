// The measuring child for `prunedep prune` on one traced model, in one
// process: per repetition, the model lowered through the frontend module
// (not timed: the pruner rewrites the graph into the pruned IR), the
// channel-groups analysis, and the pruner module's plan
// (L1 scores and ranking) and prune (slicing the tensors, emitting the
// pruned forward: one traced run of the pruned IR), without the check or
// writing. Writes records (Records.h): the minimum of each.
#pragma once
#include <string>

namespace pd::bench {

// The pruner module next to this executable, or "" when it is not built.
std::string findPrunerModule();

// `inputShapes` as for measureFrontend. Returns the process exit code.
int measurePrune(const std::string &modelPath, const std::string &inputShapes, unsigned reps);

} // namespace pd::bench
