#include "tools/bench/FrontendMeasure.h"

#include "frontends/TorchScriptBaseline.h"
#include "tools/bench/Records.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <limits>
#include <sstream>

namespace pd::bench {
namespace {

std::string executableDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return ".";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.find_last_of('/'));
}

std::vector<TensorInputSpec> parseShapes(const std::string &shapes) {
  std::vector<TensorInputSpec> specs;
  std::istringstream in(shapes);
  std::string one;
  while (std::getline(in, one, ',')) {
    TensorInputSpec spec;
    std::istringstream dims(one);
    std::string d;
    while (std::getline(dims, d, 'x'))
      spec.shape.push_back(std::stoll(d));
    specs.push_back(spec);
  }
  return specs;
}

} // namespace

std::string findFrontendModule() {
  // Build tree (tools/bench -> frontends/torchscript), then an install.
  for (const char *rel : {"/../../frontends/torchscript", "/../lib/prunedep"}) {
    std::string path = executableDir() + rel + "/libprunedep_torchscript.so";
    struct stat st;
    if (stat(path.c_str(), &st) == 0)
      return path;
  }
  return "";
}

int measureFrontend(const std::string &modelPath, const std::string &inputShapes, unsigned reps) {
  std::string module = findFrontendModule();
  if (module.empty()) {
    emitError("the TorchScript frontend module is not built");
    return 1;
  }
  void *handle = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    emitError(std::string("cannot load the frontend: ") + dlerror());
    return 1;
  }
  auto lower = reinterpret_cast<LowerTorchScriptFn>(dlsym(handle, kLowerTorchScriptSymbol));
  auto baseline = reinterpret_cast<TimeLoadForwardFn>(dlsym(handle, kTimeLoadForwardSymbol));
  if (!lower || !baseline) {
    emitError(module + ": has no " + kLowerTorchScriptSymbol + " or " + kTimeLoadForwardSymbol);
    return 1;
  }
  OpRegistry rules = OpRegistry::withBuiltins();
  FrontendOptions opts;
  opts.modelPath = modelPath;
  opts.inputs = parseShapes(inputShapes);
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
