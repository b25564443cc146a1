// What the TorchScript frontend's cost is compared with: torch::jit::load of
// the archive plus one forward pass on inputs of the given shapes, as a user
// of the model pays them anyway. prunedep-bench (tools/bench) calls it through
// the frontend module, so the bench stays LibTorch-free. LibTorch-free header.
#pragma once
#include "frontends/TorchScriptFrontend.h"

#include <string>

namespace pd {

struct BaselineTimes {
  double loadSeconds = 0;    // torch::jit::load
  double forwardSeconds = 0; // one forward pass of the freshly loaded module
  std::string error;         // set instead of throwing across the module boundary
};

// extern "C" void prunedep_time_load_forward_v1(const FrontendOptions *, BaselineTimes *);
// Uses opts->modelPath and opts->inputs only. Never throws.
using TimeLoadForwardFn = void (*)(const FrontendOptions *, BaselineTimes *);
inline constexpr const char *kTimeLoadForwardSymbol = "prunedep_time_load_forward_v1";

} // namespace pd
