// Group importance from the archive's weights: Torch-Pruning's group
// magnitude. Per member, the L1 (or L2) norm of the member's tensor (a
// layer's weight along the member's dim, or the stored tensor of a `param`
// member) over the group's indices; summed over the set's members. The
// Python pruner scores the same way (frontends/python/prunedep/prune.py).
#pragma once
#include "passes/prune/PrunePlan.h"

#include <torch/csrc/jit/api/module.h>

namespace pd::prune {

// `norm` 1 or 2. The scorer reads `model` when called.
GroupScorer magnitudeScorer(torch::jit::Module model, int norm);

} // namespace pd::prune
