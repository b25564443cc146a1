// Lowering a TorchScript module that is already in memory: the user's traced
// or scripted model inside their Python process (frontends/python), with the
// inputs they gave. The driver's path (Entry.cpp) loads an archive, makes
// random inputs of the requested shapes, and then runs the same function, so
// both paths produce the same IR for the same model.
#pragma once
#include "frontends/TorchScriptFrontend.h"

#include <ATen/core/ivalue.h>
#include <torch/csrc/jit/api/module.h>

#include <functional>
#include <string>
#include <vector>

namespace pd::ts {

// Where the shapes of the module's values come from.
enum class ShapeSource {
  // The types torch.jit.trace left on the graph when they give every shape
  // for these inputs (a module traced in this process), else a forward pass.
  Auto,
  Forward, // always one forward pass (archives keep no traced shapes)
  Trace,   // only the traced types: an error saying why when they cannot
};

struct ModuleLowering {
  const OpRegistry *registry = nullptr; // decides which module types are leaves
  std::string graphName;                // the IR graph's name
  // How the inputs were given, for the arity message: "--input-shape
  // flag(s)" (the driver), "example input(s)" (Python).
  std::string inputsNoun = "input(s)";
  std::function<void(const std::string &)> progress; // stage names; may be empty
  ShapeSource shapes = ShapeSource::Auto;
  // Called once just before the model is run (not at all when the traced
  // types give every shape): the Python module puts it in eval mode there.
  std::function<void()> beforeForward;
};

// Inlines `module`'s forward, learns every value for `inputs` (the forward's
// arguments without self; trailing arguments with defaults may be left out)
// from the traced types or by running it (how.shapes), and lowers it to IR.
// Fills out.graph, out.warnings, out.stats.shapeSeconds and
// out.stats.lowerSeconds; returns where the shapes came from (Trace or
// Forward). Runs the module as it is (the caller puts it in eval mode,
// e.g. in how.beforeForward).
// Throws pd::Error or c10::Error.
ShapeSource lowerLoadedModule(const torch::jit::Module &module, const std::vector<c10::IValue> &inputs,
                       const ModuleLowering &how, FrontendOutput &out);

// Runs `work`; returns "" if it returned, else the one-line message of what
// it threw (LibTorch's backtraces and TorchScript tracebacks condensed).
// Never throws: the module boundary and the Python interpreter both rely on it.
std::string catchFrontendErrors(const std::function<void()> &work);

} // namespace pd::ts
