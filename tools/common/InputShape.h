// --input-shape values: "1x3x224x224", "1x128:int64". One parser with every
// check, shared by the driver and the benchmark, run before LibTorch is
// loaded or any input is allocated (the frontend checks the size again).
#pragma once
#include "frontends/TorchScriptFrontend.h"

#include <string>
#include <vector>

namespace pd {

// Throws pd::Error ("prunedep: error: --input-shape '...': why") for an
// unknown dtype, a malformed or non-positive dim, more than kMaxInputRank dims,
// or a tensor above kMaxInputBytes: a bad shape is bad input (exit 1), like a
// bad model.
TensorInputSpec parseInputShape(const std::string &text);

// "1x3x224x224,1x128:int64": one shape per input, comma-separated (how the
// benchmark passes a model's shapes to its children).
std::vector<TensorInputSpec> parseInputShapes(const std::string &shapes);

} // namespace pd
