// The measuring child for the TorchScript frontend on one traced model: the
// frontend's load, shape recording and lowering (FrontendStats), against
// torch::jit::load plus one forward pass (frontends/TorchScriptBaseline.h),
// both through the dlopen()ed frontend module, alternately, `reps` times.
// Writes records (Records.h): the minimum of each stage and of both totals.
#pragma once
#include <string>

namespace pd::bench {

// The frontend module next to this executable, or "" when it is not built.
std::string findFrontendModule();

// `inputShapes`: the model's input shapes as "1x3x224x224", comma-separated.
// Returns the process exit code.
int measureFrontend(const std::string &modelPath, const std::string &inputShapes, unsigned reps);

} // namespace pd::bench
