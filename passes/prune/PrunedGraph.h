// The pruned model's IR: the graph rewritten in place so that it is what
// the model computes once the pruning is applied. Every tensor gets its
// pruned shape (Pruning::predictedShape) and every op the attributes that
// count its channels or name its indices (PrunedAttributes.h); ops, values
// and names stay, so the pruned IR reads line by line against the original.
#pragma once
#include "ir/Graph.h"
#include "ir/OpRegistry.h"
#include "passes/prune/Pruning.h"

namespace pd {

// `p` must describe `g` as it is now (made from its channel groups): the
// new shapes and attributes are all computed from the unpruned types before
// any is changed. Analyses cached over `g` are stale afterwards.
void rewritePruned(Graph &g, const OpRegistry &registry, const Pruning &p);

} // namespace pd
