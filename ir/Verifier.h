// Semantic checks of a graph: every operand defined before its use, unique
// value names, types present, no value of an erased op still used, graph
// outputs defined, and op arity as far as the op table states it. Runs after
// parsing and, with --verify-each (always in debug builds), after every pass.
#pragma once
#include "ir/Graph.h"
#include "ir/OpRegistry.h"

namespace pd {

// Throws pd::Error at the first problem, located at the offending op.
void verifyGraph(const Graph &g, const OpRegistry *registry = nullptr);

} // namespace pd
