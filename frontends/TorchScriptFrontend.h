// The contract between the driver and the TorchScript frontend module.
//
// The frontend links LibTorch, whose start-up alone costs about a second, so
// it is a shared module (libprunedep_torchscript.so) that the driver dlopen()s
// only when the input is a `.pt`. This header is LibTorch-free: the driver and
// the module agree on these plain structs and one versioned C entry point.
#pragma once
#include "ir/Graph.h"
#include "ir/OpRegistry.h"

#include <memory>
#include <string>
#include <vector>

namespace pd {

// Limits on a requested input, checked by the driver when it parses
// --input-shape and again by the frontend before it allocates the inputs: the
// analysis needs only the shapes, and a random input of a typo'd shape
// (1x3x224224x224) must be refused with a message, not kill the process.
inline constexpr int64_t kMaxInputBytes = int64_t(1) << 30; // all inputs together
inline constexpr size_t kMaxInputRank = 64;

struct TensorInputSpec {
  std::vector<int64_t> shape;
  DType dtype = DType::F32;
};

struct FrontendOptions {
  std::string modelPath;
  std::vector<TensorInputSpec> inputs;
  const OpRegistry *registry = nullptr; // decides which module types are leaves
  bool progress = false;                // print stages on stderr (a TTY)
};

struct FrontendStats {
  double loadSeconds = 0;  // torch::jit::load
  double shapeSeconds = 0; // running the model once, recording every tensor
  double lowerSeconds = 0; // building our IR
  // The forward was read in place (ModuleInliner.h, flatForward) instead of
  // inlined into a copy: what the traced types allow, and the faster way.
  bool flatForward = false;
};

struct FrontendOutput {
  std::unique_ptr<Graph> graph;
  FrontendStats stats;
  std::vector<std::string> warnings;
  std::string error; // set instead of throwing across the module boundary
};

// extern "C" void prunedep_lower_torchscript_v1(const FrontendOptions *, FrontendOutput *);
// Never throws; on failure leaves graph null and sets `error` to one line.
using LowerTorchScriptFn = void (*)(const FrontendOptions *, FrontendOutput *);
inline constexpr const char *kLowerTorchScriptSymbol = "prunedep_lower_torchscript_v1";

// Where a tool finds the module, relative to its executable (tools/X/): the
// build tree, then an install (frontends/torchscript/meson.build installs it
// to lib/prunedep). For tools/common/ModuleLoader.h.
inline constexpr const char *kTorchScriptModuleFile = "libprunedep_torchscript.so";
#define PD_TORCHSCRIPT_MODULE_DIRS {"../../frontends/torchscript", "../lib/prunedep"}

} // namespace pd
