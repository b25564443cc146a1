// The module's one exported function (frontends/TorchScriptFrontend.h):
// load the archive, then inline, record shapes and lower it (InMemory.cpp,
// shared with the Python module), with the time of each stage. Nothing
// escapes it: every exception becomes one line in out->error.
#include "frontends/TorchScriptFrontend.h"
#include "frontends/torchscript/InMemory.h"
#include "frontends/torchscript/Loader.h"
#include "frontends/torchscript/ShapeRecorder.h"

#include <chrono>
#include <iostream>

namespace pd::ts {
namespace {

std::string stem(const std::string &path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = name.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

void lower(const FrontendOptions &opts, FrontendOutput &out) {
  ModuleLowering how;
  how.registry = opts.registry;
  how.graphName = stem(opts.modelPath);
  how.inputsNoun = "--input-shape flag(s)";
  if (opts.progress)
    how.progress = [](const std::string &what) { std::cerr << "prunedep: " << what << "\n"; };

  if (how.progress)
    how.progress("loading " + opts.modelPath);
  auto t = std::chrono::steady_clock::now();
  torch::jit::Module module = loadArchive(opts.modelPath);
  out.stats.loadSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  lowerLoadedModule(module, makeInputs(opts.inputs), how, out);
}

} // namespace
} // namespace pd::ts

extern "C" __attribute__((visibility("default"))) void
prunedep_lower_torchscript_v1(const pd::FrontendOptions *opts, pd::FrontendOutput *out) {
  if (!out)
    return;
  std::string message = pd::ts::catchFrontendErrors([&] {
    if (!opts)
      throw pd::Error("no options given to the TorchScript frontend");
    pd::ts::lower(*opts, *out);
  });
  if (message.empty())
    return;
  out->graph.reset();
  out->error = (opts ? opts->modelPath : std::string("<model>")) + ": error: " + message;
}
