// Multiply-adds of a graph, from its shapes alone (no weights, no LibTorch),
// to compare a model with its pruned self. Counted:
//   conv:   result numel x input channels / groups x kernel size
//   linear: result numel x input features
//   matmul, bmm, addmm and friends: result numel x the contracted size
// Elementwise ops, norms, pooling, attention's softmax and recurrent layers
// are not counted: close enough for before/after, not a FLOP count. A layer
// without a kernel_size attribute (hand-written IR) counts a 1x1 kernel.
#pragma once
#include "ir/Graph.h"
#include "ir/OpRegistry.h"
#include "passes/prune/Pruning.h"

#include <cstdint>

namespace pd {

// The graph's MACs as it is, or (with `p`) as the pruning `p` of it will
// make it: the same count as on the graph rewritten by rewritePruned.
int64_t countMacs(const Graph &g, const OpRegistry &registry, const Pruning *p = nullptr);

} // namespace pd
