// The bench's baseline (frontends/TorchScriptBaseline.h): load the archive and
// run its forward once, as a user would, timing each. Random inputs of the
// requested shapes from the same generator the shape recording uses.
#include "frontends/TorchScriptBaseline.h"
#include "frontends/torchscript/InMemory.h"
#include "frontends/torchscript/Loader.h"
#include "frontends/torchscript/ShapeRecorder.h"

#include <chrono>

extern "C" __attribute__((visibility("default"))) void
prunedep_time_load_forward_v1(const pd::FrontendOptions *opts, pd::BaselineTimes *out) {
  if (!out)
    return;
  if (!opts) {
    out->error = "no options given";
    return;
  }
  out->error = pd::ts::catchFrontendErrors([&] {
    using Clock = std::chrono::steady_clock;
    auto t = Clock::now();
    torch::jit::Module module = pd::ts::loadArchive(opts->modelPath);
    out->loadSeconds = std::chrono::duration<double>(Clock::now() - t).count();
    std::vector<c10::IValue> inputs = pd::ts::makeInputs(opts->inputs);
    t = Clock::now();
    module.forward(inputs);
    out->forwardSeconds = std::chrono::duration<double>(Clock::now() - t).count();
  });
}
