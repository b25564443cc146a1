#include "tools/bench/FrontendMeasure.h"

#include "frontends/TorchScriptBaseline.h"
#include "tools/common/InputShape.h"
#include "tools/common/ModuleLoader.h"
#include "tools/bench/Records.h"

#include <algorithm>
#include <limits>

namespace pd::bench {
constexpr const char *kFrontendWhat = "the TorchScript frontend";

std::string findFrontendModule() {
  try {
    return findBesideExecutable(kTorchScriptModuleFile, PD_TORCHSCRIPT_MODULE_DIRS, kFrontendWhat);
  } catch (const Error &) {
    return "";
  }
}

int measureFrontend(const std::string &modelPath, const std::string &inputShapes, unsigned reps) {
  LowerTorchScriptFn lower;
  TimeLoadForwardFn baseline;
  try {
    lower = loadModuleFunction<LowerTorchScriptFn>(kTorchScriptModuleFile, PD_TORCHSCRIPT_MODULE_DIRS,
                                                   kFrontendWhat, kLowerTorchScriptSymbol);
    baseline = loadModuleFunction<TimeLoadForwardFn>(kTorchScriptModuleFile, PD_TORCHSCRIPT_MODULE_DIRS,
                                                     kFrontendWhat, kTimeLoadForwardSymbol);
  } catch (const Error &e) {
    emitError(e.what());
    return 1;
  }
  OpRegistry rules = OpRegistry::withBuiltins();
  FrontendOptions opts;
  opts.modelPath = modelPath;
  try {
    opts.inputs = parseInputShapes(inputShapes);
  } catch (const Error &e) {
    emitError(std::string(modelPath) + ": " + e.what());
    return 1;
  }
  opts.registry = &rules;

  constexpr double kInf = std::numeric_limits<double>::infinity();
  double load = kInf, shapes = kInf, lowering = kInf, frontend = kInf;
  double baseLoad = kInf, forward = kInf, base = kInf;
  size_t ops = 0;
  // Alternate, so that both see the same machine load and the same warm
  // caches; the first of each pays LibTorch's one-time warm-up.
  for (unsigned r = 0; r < reps; ++r) {
    BaselineTimes b;
    baseline(&opts, &b);
    if (!b.error.empty()) {
      emitError(b.error);
      return 1;
    }
    baseLoad = std::min(baseLoad, b.loadSeconds);
    forward = std::min(forward, b.forwardSeconds);
    base = std::min(base, b.loadSeconds + b.forwardSeconds);

    FrontendOutput out;
    lower(&opts, &out);
    if (!out.graph) {
      emitError(out.error);
      return 1;
    }
    ops = out.graph->numOps();
    const FrontendStats &s = out.stats;
    load = std::min(load, s.loadSeconds);
    shapes = std::min(shapes, s.shapeSeconds);
    lowering = std::min(lowering, s.lowerSeconds);
    frontend = std::min(frontend, s.loadSeconds + s.shapeSeconds + s.lowerSeconds);
  }
  emit("count", "ops", static_cast<double>(ops));
  emit("time", "frontend load", load);
  emit("time", "frontend shape recording", shapes);
  emit("time", "frontend lowering", lowering);
  emit("time", "frontend total", frontend);
  emit("time", "torch::jit::load", baseLoad);
  emit("time", "forward", forward);
  emit("time", "load + forward", base);
  return 0;
}

} // namespace pd::bench
