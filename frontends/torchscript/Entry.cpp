// The module's one exported function (frontends/TorchScriptFrontend.h):
// load, inline, record shapes, lower, with the time of each stage. Nothing
// escapes it: every exception becomes one line in out->error.
#include "frontends/TorchScriptFrontend.h"
#include "frontends/torchscript/Loader.h"
#include "frontends/torchscript/Lowering.h"
#include "frontends/torchscript/Messages.h"
#include "frontends/torchscript/ModuleInliner.h"
#include "frontends/torchscript/ShapeRecorder.h"

#include <c10/util/Exception.h>
#include <torch/csrc/jit/ir/constants.h>

#include <chrono>
#include <iostream>

namespace pd::ts {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string shapeFlags(const std::vector<TensorInputSpec> &specs) {
  std::string s;
  for (const TensorInputSpec &spec : specs) {
    s += s.empty() ? "" : " ";
    std::string dims;
    for (int64_t d : spec.shape)
      dims += (dims.empty() ? "" : "x") + std::to_string(d);
    s += dims;
    if (spec.dtype != DType::F32)
      s += ":" + std::string(dtypeName(spec.dtype));
  }
  return s;
}

std::string stem(const std::string &path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = name.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

// The forward's inputs as given: as many as it takes (those with a default
// may be left out), each a tensor. Returns the full argument list.
std::vector<c10::IValue> forwardInputs(const torch::jit::Module &m,
                                       const std::vector<TensorInputSpec> &specs) {
  const auto &args = m.get_method("forward").function().getSchema().arguments();
  std::string names;
  size_t required = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    names += (names.empty() ? "" : ", ") + args[i].name();
    if (!args[i].default_value())
      required = i;
  }
  size_t takes = args.size() - 1;
  if (specs.size() < required || specs.size() > takes)
    throw Error("the model's forward takes " +
                (required == takes ? std::to_string(takes)
                                   : std::to_string(required) + " to " + std::to_string(takes)) +
                " input(s) (" + names + ") but " + std::to_string(specs.size()) +
                " --input-shape flag(s) were given");
  for (size_t i = 1; i <= specs.size(); ++i)
    if (!args[i].type()->isSubtypeOf(*c10::TensorType::get()) &&
        !c10::TensorType::get()->isSubtypeOf(*args[i].type()))
      throw Error("forward argument '" + args[i].name() + "' is of type " +
                  args[i].type()->repr_str() + ": only tensor inputs can be given a shape");
  std::vector<c10::IValue> inputs = makeInputs(specs);
  for (size_t i = specs.size() + 1; i < args.size(); ++i)
    inputs.push_back(*args[i].default_value());
  return inputs;
}

void lower(const FrontendOptions &opts, FrontendOutput &out) {
  auto say = [&](const std::string &what) {
    if (opts.progress)
      std::cerr << "prunedep: " << what << "\n";
  };
  OpRegistry builtins;
  const OpRegistry *registry = opts.registry;
  if (!registry) {
    builtins = OpRegistry::withBuiltins();
    registry = &builtins;
  }

  say("loading " + opts.modelPath);
  auto t = Clock::now();
  torch::jit::Module module = loadArchive(opts.modelPath);
  out.stats.loadSeconds = secondsSince(t);

  say("inlining the forward");
  t = Clock::now();
  InlinedForward fwd = inlineForward(module, *registry);
  std::vector<c10::IValue> inputs = forwardInputs(module, opts.inputs);
  double inlineSeconds = secondsSince(t);

  say("recording shapes");
  t = Clock::now();
  auto constantCondition = [](const torch::jit::Value *v) -> std::optional<bool> {
    auto iv = torch::jit::toIValue(v);
    if (iv && iv->isBool())
      return iv->toBool();
    return std::nullopt;
  };
  foldDecidedBranches(fwd, constantCondition);
  Recording rec;
  // Each run records the values of the top level; a branch whose condition
  // it learned is spliced in and the next run records its insides.
  for (int round = 0;; ++round) {
    try {
      rec = recordValues(fwd, inputs);
    } catch (const c10::Error &e) {
      throw Error("the model's forward failed on input shape(s) " + shapeFlags(opts.inputs) + ": " +
                  condenseTorchMessage(e.what_without_backtrace()));
    } catch (const std::runtime_error &e) {
      throw Error("the model's forward failed on input shape(s) " + shapeFlags(opts.inputs) + ": " +
                  condenseTorchMessage(e.what()));
    }
    size_t folded = foldDecidedBranches(fwd, [&](const torch::jit::Value *v) -> std::optional<bool> {
      if (auto c = constantCondition(v))
        return c;
      const c10::IValue *iv = rec.value(v);
      if (iv && iv->isBool())
        return iv->toBool();
      return std::nullopt;
    });
    if (folded == 0 || round == 64)
      break;
  }
  out.stats.shapeSeconds = secondsSince(t);

  say("lowering");
  t = Clock::now();
  out.graph = lowerToIR(fwd, rec, stem(opts.modelPath), out.warnings);
  out.stats.lowerSeconds = inlineSeconds + secondsSince(t);
}

} // namespace
} // namespace pd::ts

extern "C" __attribute__((visibility("default"))) void
prunedep_lower_torchscript_v1(const pd::FrontendOptions *opts, pd::FrontendOutput *out) {
  if (!out)
    return;
  std::string message;
  try {
    if (!opts)
      throw pd::Error("no options given to the TorchScript frontend");
    pd::ts::lower(*opts, *out);
    return;
  } catch (const c10::Error &e) {
    message = pd::ts::condenseTorchMessage(e.what_without_backtrace());
  } catch (const pd::Error &e) {
    message = pd::ts::oneLine(e.what());
  } catch (const std::bad_alloc &) {
    message = "out of memory";
  } catch (const std::exception &e) {
    message = pd::ts::condenseTorchMessage(e.what());
  } catch (...) {
    message = "unknown error in the TorchScript frontend";
  }
  out->graph.reset();
  out->error = (opts ? opts->modelPath : std::string("<model>")) + ": error: " + message;
}
