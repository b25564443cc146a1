// The module's one exported function (frontends/TorchScriptPruner.h): plan,
// prune the tensors, check, rewrite the IR and emit it as the forward, write,
// and run the written archive once more. Nothing escapes it: every exception becomes
// one line in out->error.
#include "frontends/TorchScriptPruner.h"
#include "frontends/prune/Emit.h"
#include "frontends/prune/Importance.h"
#include "frontends/prune/PrunedModel.h"
#include "frontends/torchscript/Loader.h"
#include "frontends/verify/ModuleBoundary.h"
#include "frontends/verify/ExampleInputs.h"
#include "frontends/verify/FunctionCall.h"
#include "frontends/verify/IndexCheck.h"
#include "frontends/verify/Interpreter.h"
#include "passes/prune/PrunedGraph.h"
#include "passes/prune/Pruning.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/jit/serialization/import.h>

#include <chrono>

namespace pd::prune {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

GroupScorer scorerFor(const PlanOptions &o, torch::jit::Module model) {
  if (o.importance == "l1")
    return magnitudeScorer(model, 1);
  if (o.importance == "l2")
    return magnitudeScorer(model, 2);
  if (o.importance == "random")
    return randomScorer(o.seed);
  throw Error("importance '" + o.importance + "': expected l1, l2 or random");
}

// A module path ("layer1.0") or a tensor's path ("encoder.pos_embedding").
NameExists namesOf(torch::jit::Module model) {
  return [model](std::string_view name) {
    try {
      verify::submodule(model, name);
      return true;
    } catch (const Error &) {
    }
    size_t dot = name.rfind('.');
    try {
      torch::jit::Module owner =
          verify::submodule(model, dot == std::string_view::npos ? std::string_view() : name.substr(0, dot));
      std::string leaf(dot == std::string_view::npos ? name : name.substr(dot + 1));
      return owner.hasattr(leaf) && owner.attr(leaf).isTensor();
    } catch (const Error &) {
      return false;
    }
  };
}

// Largest |a - b| over max(1, max |b|), over every output.
double relativeError(const std::vector<at::Tensor> &got, const std::vector<at::Tensor> &want) {
  double worst = 0;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) {
    if (!got[i].is_floating_point() || got[i].numel() == 0)
      continue;
    at::Tensor a = got[i].to(at::kDouble), b = want[i].to(at::kDouble);
    double scale = std::max(1.0, b.abs().max().item<double>());
    worst = std::max(worst, (a - b).abs().max().item<double>() / scale);
  }
  return worst;
}

// `got` must be `want` output by output (verify's tolerance); returns the
// largest relative difference. `what` and `reference` name them in the error.
double requireSame(const std::vector<at::Tensor> &got, const std::vector<at::Tensor> &want, const std::string &what,
                   const std::string &reference) {
  if (got.size() != want.size())
    throw Error(what + " gives " + std::to_string(got.size()) + " output(s), " + reference + " " +
                std::to_string(want.size()));
  for (size_t i = 0; i < got.size(); ++i)
    if (std::optional<std::string> why = verify::differs(got[i], want[i]))
      throw Error(what + "'s output " + std::to_string(i) + " is not " + reference + "'s: " + *why);
  return relativeError(got, want);
}

void prune(const PruneOptions &o, PruneOutput &out) {
  if (!o.graph || !o.registry || !o.groups)
    throw Error("the pruner needs the graph, the op table and the channel groups");
  at::set_num_threads(std::max(1, at::get_num_interop_threads()));
  at::NoGradGuard noGrad;
  torch::jit::Module model = ts::loadArchive(o.modelPath);
  // Each run gets its own copy of the inputs: a forward may write into one.
  std::vector<at::Tensor> inputs = verify::exampleInputs(*o.graph);
  auto copyOf = [](const std::vector<at::Tensor> &ts) {
    std::vector<at::Tensor> out;
    for (const at::Tensor &t : ts)
      out.push_back(t.clone());
    return out;
  };
  verify::Interpreter it(*o.graph, *o.registry, model, copyOf(inputs));

  auto t0 = Clock::now();
  if (o.givenPlan) {
    checkPlan(*o.groups, *o.givenPlan);
    out.plan = *o.givenPlan;
  } else {
    out.plan = planPruning(*o.groups, o.plan, scorerFor(o.plan, model), namesOf(model));
  }
  Pruning p(*o.groups, out.plan);
  out.planSeconds = secondsSince(t0);

  auto t1 = Clock::now();
  // What the forward returns (a tensor, a tuple, a dict): the pruned one
  // returns the same. Only a forward typed to return something else than a
  // tensor is run for it.
  c10::IValue returns = at::Tensor();
  if (model.get_method("forward").function().getSchema().returns().at(0).type()->kind() !=
      c10::TypeKind::TensorType) {
    std::vector<at::Tensor> in = copyOf(inputs);
    returns = model.forward(std::vector<c10::IValue>(in.begin(), in.end()));
  }
  torch::jit::Module pruned = buildPrunedModel(model, *o.graph, *o.registry, p);
  out.pruneSeconds = secondsSince(t1);
  out.paramsBefore = countParameters(model);
  out.paramsAfter = countParameters(pruned);

  std::vector<at::Tensor> checked;
  if (o.check) {
    // verify's value check on the whole plan: every op the pruning touches
    // computes what it computes unpruned with the removed indices zeroed.
    auto t2 = Clock::now();
    it.runBaseline();
    if (std::optional<std::string> failure = it.run(p, /*predictedShapes=*/true))
      throw Error("the check failed, nothing written: " + *failure);
    // The whole pruned model as the checked ops compute it, for the
    // pruned IR to match below.
    at::manual_seed(0); // a random op (dropout in training mode) draws the same in each whole run
    checked = it.runPrunedModel(pruned, p);
    out.checkSeconds = secondsSince(t2);
  }

  // The pruned IR, run on the pruned tensors under the tracer: the forward.
  auto t3 = Clock::now();
  rewritePruned(*o.graph, *o.registry, p);
  std::vector<at::Tensor> traceInputs = copyOf(inputs);
  verify::Interpreter prunedIR(*o.graph, *o.registry, model, traceInputs);
  at::manual_seed(0);
  std::vector<at::Tensor> traced = emitForward(pruned, prunedIR, Pruning(), *o.graph, traceInputs, returns);
  out.pruneSeconds += secondsSince(t3);

  if (o.check) {
    auto t4 = Clock::now();
    out.maxError = requireSame(traced, checked, "the pruned IR", "the checked run");
    out.checkSeconds += secondsSince(t4);
  }
  if (!o.outputPath.empty()) {
    auto t5 = Clock::now();
    pruned.save(o.outputPath);
    out.writeSeconds = secondsSince(t5);
  }
  if (o.check) {
    // The archive as a user loads it must compute what the checked run did.
    auto t4 = Clock::now();
    torch::jit::Module back = o.outputPath.empty() ? pruned : torch::jit::load(o.outputPath);
    back.eval();
    std::vector<at::Tensor> got;
    at::manual_seed(0);
    verify::collectTensors(back.forward(std::vector<c10::IValue>(inputs.begin(), inputs.end())), got);
    out.maxError = std::max(out.maxError, requireSame(got, traced, "the written archive", "the emitted forward"));
    out.checkSeconds += secondsSince(t4);
    out.checked = true;
  }
}

} // namespace
} // namespace pd::prune

extern "C" __attribute__((visibility("default"))) void prunedep_prune_v1(const pd::PruneOptions *opts,
                                                                        pd::PruneOutput *out) {
  if (!out)
    return;
  std::string message = pd::verify::runAtModuleBoundary(
      [&] {
        if (!opts)
          throw pd::Error("no options given to the pruner");
        pd::prune::prune(*opts, *out);
      },
      "unknown error in the pruner");
  if (message.empty())
    return;
  out->error = (opts ? opts->modelPath : std::string("<model>")) + ": error: " + message;
}
