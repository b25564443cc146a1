// The pruned model's modules and tensors: a new module tree that mirrors the
// archive's (same paths, so `state_dict` keys and `named_parameters` are the
// original's) and holds every parameter and buffer, sliced where the pruning
// cuts it: a layer's weight, bias and norm statistics as the verifier slices
// them (frontends/verify/ModuleCall.h), stored tensors (class tokens, gate
// blocks) along their cut dims. A tensor that several modules share (tied
// weights) stays one tensor. The forward is added by Emit.h.
#pragma once
#include "ir/OpRegistry.h"
#include "passes/prune/Pruning.h"

#include <torch/csrc/jit/api/module.h>

namespace pd::prune {

torch::jit::Module buildPrunedModel(torch::jit::Module original, const Graph &g, const OpRegistry &registry,
                                    const Pruning &p);

// Parameters of `m`, each tensor counted once.
int64_t countParameters(const torch::jit::Module &m);

} // namespace pd::prune
