// The example inputs the verifier and the pruner run a graph on: seeded
// random floats, small integers (valid ids for embeddings), as the
// frontend's shape run makes them, so every run sees the same input.
#pragma once
#include "ir/Graph.h"

#include <ATen/core/Tensor.h>

#include <vector>

namespace pd::verify {

// One tensor per graph input, of its IR shape and dtype.
std::vector<at::Tensor> exampleInputs(const Graph &g);

} // namespace pd::verify
