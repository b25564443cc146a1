// The one exported function of a LibTorch module (the verifier, the pruner)
// must not let an exception cross into the driver: what it throws becomes
// one line for the caller to print.
#pragma once
#include <functional>
#include <string>

namespace pd::verify {

// Runs `body`; "" when it returned, else one line saying what it threw
// (LibTorch's message condensed, "out of memory", or `unknown`).
std::string runAtModuleBoundary(const std::function<void()> &body, const char *unknown);

} // namespace pd::verify
