// Inline, record, lower: the frontend's work on a module already in memory.
// Moved out of Entry.cpp so that the driver's archive path and the Python
// module's in-memory path share it.
#include "frontends/torchscript/InMemory.h"

#include "frontends/torchscript/Lowering.h"
#include "frontends/torchscript/Messages.h"
#include "frontends/torchscript/ModuleInliner.h"
#include "frontends/torchscript/ShapeRecorder.h"
#include "frontends/torchscript/TracedShapes.h"

#include <c10/util/Exception.h>
#include <torch/csrc/jit/ir/constants.h>

#include <chrono>

namespace pd::ts {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The inputs as --input-shape flags would spell them: "1x3x224x224 1x16:int64".
std::string shapeFlags(const std::vector<c10::IValue> &inputs) {
  std::string s;
  for (const c10::IValue &iv : inputs) {
    s += s.empty() ? "" : " ";
    if (!iv.isTensor()) {
      s += iv.tagKind();
      continue;
    }
    const at::Tensor &t = iv.toTensor();
    std::string dims;
    for (int64_t d : t.sizes())
      dims += (dims.empty() ? "" : "x") + std::to_string(d);
    s += dims.empty() ? "scalar" : dims;
    if (t.scalar_type() != c10::ScalarType::Float) {
      try {
        s += ":" + std::string(dtypeName(toDType(t.scalar_type())));
      } catch (const Error &) {
        s += std::string(":") + c10::toString(t.scalar_type());
      }
    }
  }
  return s;
}

// The forward's full argument list: the inputs given (as many as it takes;
// those with a default may be left out), each a tensor, then the defaults.
std::vector<c10::IValue> forwardInputs(const torch::jit::Module &m,
                                       const std::vector<c10::IValue> &given,
                                       const std::string &noun) {
  const auto &args = m.get_method("forward").function().getSchema().arguments();
  std::string names;
  size_t required = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    names += (names.empty() ? "" : ", ") + args[i].name();
    if (!args[i].default_value())
      required = i;
  }
  size_t takes = args.size() - 1;
  if (given.size() < required || given.size() > takes)
    throw Error("the model's forward takes " +
                (required == takes ? std::to_string(takes)
                                   : std::to_string(required) + " to " + std::to_string(takes)) +
                " input(s) (" + names + ") but " + std::to_string(given.size()) + " " + noun +
                " were given");
  for (size_t i = 1; i <= given.size(); ++i)
    if (!args[i].type()->isSubtypeOf(*c10::TensorType::get()) &&
        !c10::TensorType::get()->isSubtypeOf(*args[i].type()))
      throw Error("forward argument '" + args[i].name() + "' is of type " +
                  args[i].type()->repr_str() + ": only tensor inputs can be given a shape");
  std::vector<c10::IValue> inputs = given;
  for (size_t i = given.size() + 1; i < args.size(); ++i)
    inputs.push_back(*args[i].default_value());
  return inputs;
}

// A branch condition the graph itself fixes.
std::optional<bool> constantCondition(const torch::jit::Value *v) {
  auto iv = torch::jit::toIValue(v);
  if (iv && iv->isBool())
    return iv->toBool();
  return std::nullopt;
}

// Runs the forward, as often as it takes to decide its top-level branches:
// each run records the values of the top level; a branch whose condition it
// learned is spliced in and the next run records its insides.
Recording recordByRunning(InlinedForward &fwd, const std::vector<c10::IValue> &inputs,
                          const std::vector<c10::IValue> &given) {
  Recording rec;
  for (int round = 0;; ++round) {
    try {
      rec = recordValues(fwd, inputs);
    } catch (const c10::Error &e) {
      throw Error("the model's forward failed on input shape(s) " + shapeFlags(given) + ": " +
                  condenseTorchMessage(e.what_without_backtrace()));
    } catch (const std::runtime_error &e) {
      throw Error("the model's forward failed on input shape(s) " + shapeFlags(given) + ": " +
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
      return rec;
  }
}

} // namespace

ShapeSource lowerLoadedModule(const torch::jit::Module &module, const std::vector<c10::IValue> &given,
                              const ModuleLowering &how, FrontendOutput &out) {
  auto say = [&](const std::string &what) {
    if (how.progress)
      how.progress(what);
  };
  OpRegistry builtins;
  const OpRegistry *registry = how.registry;
  if (!registry) {
    builtins = OpRegistry::withBuiltins();
    registry = &builtins;
  }

  say("inlining the forward");
  auto t = Clock::now();
  // Shapes read from the traced types need only a flat view of the forward;
  // running it needs the inlined copy (made below if it comes to that).
  std::optional<InlinedForward> flat;
  auto forward = module.find_method("forward");
  if (how.shapes != ShapeSource::Forward && forward && hasTracedInputShapes(*forward->graph()))
    flat = flatForward(module, *registry);
  InlinedForward fwd = flat ? std::move(*flat) : inlineForward(module, *registry);
  std::vector<c10::IValue> inputs = forwardInputs(module, given, how.inputsNoun);
  double inlineSeconds = secondsSince(t), reinlineSeconds = 0;

  say("recording shapes");
  t = Clock::now();
  foldDecidedBranches(fwd, constantCondition);
  std::optional<Recording> rec;
  ShapeSource used = ShapeSource::Trace;
  if (how.shapes != ShapeSource::Forward) {
    std::string whyNot;
    rec = recordFromTracedTypes(fwd, inputs, &whyNot);
    if (!rec && how.shapes == ShapeSource::Trace)
      throw Error("the traced types do not give every shape: " + whyNot);
  }
  if (!rec) {
    if (fwd.isFlat()) {
      auto inlining = Clock::now();
      fwd = inlineForward(module, *registry);
      foldDecidedBranches(fwd, constantCondition);
      reinlineSeconds = secondsSince(inlining);
    }
    if (how.beforeForward)
      how.beforeForward();
    rec = recordByRunning(fwd, inputs, given);
    used = ShapeSource::Forward;
  }
  out.stats.shapeSeconds = secondsSince(t) - reinlineSeconds;

  say("lowering");
  t = Clock::now();
  out.graph = lowerToIR(fwd, *rec, how.graphName, out.warnings);
  out.stats.lowerSeconds = inlineSeconds + reinlineSeconds + secondsSince(t);
  out.stats.flatForward = fwd.isFlat();
  return used;
}

std::string catchFrontendErrors(const std::function<void()> &work) {
  try {
    work();
    return "";
  } catch (const c10::Error &e) {
    return condenseTorchMessage(e.what_without_backtrace());
  } catch (const Error &e) {
    return oneLine(e.what());
  } catch (const std::bad_alloc &) {
    return "out of memory";
  } catch (const std::exception &e) {
    return condenseTorchMessage(e.what());
  } catch (...) {
    return "unknown error in the TorchScript frontend";
  }
}

} // namespace pd::ts
