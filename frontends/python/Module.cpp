// _prunedep: the C++ half of the Python package `prunedep` (prunedep/__init__.py
// is the public API). The user's traced or scripted module goes straight from
// their process into the TorchScript frontend (frontends/torchscript/InMemory.h):
// no archive is written, LibTorch is already loaded, and a module traced in
// this process carries its shapes in its types (TracedShapes.h), so an answer
// costs the lowering and the analyses (plus one forward pass when the types
// cannot give every shape: a scripted module, other input shapes). Results stay C++ PassResults; Python reads
// them as the same `prunedep/1` JSON the driver prints (passes/core/Session.h).
//
// Errors: every C++ exception becomes prunedep.Error with the driver's
// one-line message; nothing here may abort the interpreter.
#include "frontends/torchscript/InMemory.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "passes/core/PassManager.h"
#include "passes/core/Pipeline.h"
#include "passes/core/Session.h"
#include "passes/graph/UnknownOps.h"

#include <torch/csrc/jit/python/module_python.h>
#include <torch/csrc/utils/pybind.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <sstream>

namespace py = pybind11;

namespace pd::python {
namespace {

// A graph shared between the Python IR object and the reports made from it.
struct IR {
  std::shared_ptr<Graph> graph;
  FrontendStats stats;               // zero for parsed IR
  std::string shapeSource;           // "trace" or "forward"; "" for parsed IR
  std::vector<std::string> warnings; // the frontend's
};

// The results of one pipeline run, with what the driver would print on
// stderr (warnings) and with --time-passes (stage times).
struct Report {
  std::string model;
  std::shared_ptr<PassContext> ctx = std::make_shared<PassContext>();
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, double>> timings;
  std::string shapeSource; // as IR::shapeSource

  std::string toJson() const {
    std::ostringstream os;
    writeJsonReport(*ctx, model, os);
    return os.str();
  }
  const PassResult &result(size_t i) const {
    if (i >= ctx->results.size())
      throw py::index_error("result " + std::to_string(i) + " of " +
                            std::to_string(ctx->results.size()));
    return *ctx->results[i];
  }
};

// The Python exception every C++ error becomes.
py::object &errorType() {
  static py::object type;
  return type;
}

// Runs `work` with the GIL released (the forward pass and the analyses take
// long and touch no Python object) and rethrows any failure as
// prunedep.Error with the driver's message.
// One run at a time: the symbol and type tables are process-wide and not
// made for concurrent writers (the driver is single-threaded).
void runReleased(const std::function<void()> &work) {
  static std::mutex oneAtATime;
  std::optional<std::string> message;
  {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(oneAtATime);
    try {
      work();
    } catch (const Error &e) {
      message = e.what(); // as the driver prints it
    } catch (...) {
      message = ts::catchFrontendErrors([] { throw; }); // LibTorch's, condensed
    }
  }
  if (message) {
    PyErr_SetString(errorType().ptr(), message->c_str());
    throw py::error_already_set();
  }
}

// Printing reads names from the process-wide symbol table, which a run in
// another Python thread may be growing: under the same lock as the runs.
std::string readLocked(const std::function<std::string()> &read) {
  std::string out;
  runReleased([&] { out = read(); });
  return out;
}

torch::jit::Module scriptModule(const py::handle &obj) {
  if (auto m = torch::jit::as_module(obj))
    return *m;
  // The C++ module object itself (traced._c).
  try {
    return py::cast<torch::jit::Module>(obj);
  } catch (const py::cast_error &) {
    throw py::type_error("expected a torch.jit.ScriptModule (traced or scripted), got " +
                         std::string(py::str(py::type::of(obj))));
  }
}

// The frontend's work on the user's module. Its failures read as the
// driver's do for an archive ("MODEL: error: ..."), with the report's model
// name in place of the path.
ts::ShapeSource parseShapeSource(const std::string &text) {
  if (text == "auto")
    return ts::ShapeSource::Auto;
  if (text == "forward")
    return ts::ShapeSource::Forward;
  if (text == "trace")
    return ts::ShapeSource::Trace;
  throw Error("shapes='" + text + "': expected 'auto', 'trace' or 'forward'");
}

// The frontend's work on the user's module. Its failures read as the
// driver's do for an archive ("MODEL: error: ..."), with the report's model
// name in place of the path.
std::shared_ptr<Graph> lowerModule(const torch::jit::Module &module,
                                   const std::vector<at::Tensor> &inputs, const std::string &model,
                                   const std::string &graphName, const OpRegistry &rules,
                                   ts::ShapeSource shapes, const std::function<void()> &beforeForward,
                                   Report &report, FrontendStats &stats) {
  ts::ModuleLowering how;
  how.beforeForward = beforeForward;
  how.registry = &rules;
  how.graphName = graphName;
  how.inputsNoun = "example input(s)";
  how.shapes = shapes;
  std::vector<c10::IValue> args(inputs.begin(), inputs.end());
  FrontendOutput out;
  ts::ShapeSource used = ts::ShapeSource::Forward;
  std::string message =
      ts::catchFrontendErrors([&] { used = ts::lowerLoadedModule(module, args, how, out); });
  if (!message.empty())
    throw Error(model + ": error: " + message);
  for (std::string &w : out.warnings)
    report.warnings.push_back(std::move(w));
  stats = out.stats;
  report.shapeSource = used == ts::ShapeSource::Trace ? "trace" : "forward";
  report.timings.push_back({"shapes (" + report.shapeSource + ")", out.stats.shapeSeconds});
  report.timings.push_back({"lower", out.stats.lowerSeconds});
  auto t = std::chrono::steady_clock::now();
  verifyGraph(*out.graph, &rules);
  report.timings.push_back(
      {"verify", std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count()});
  return std::shared_ptr<Graph>(std::move(out.graph));
}

// What the driver does after reading its input: unknown ops resolved by the
// policy, then the pipeline.
void runPipeline(Graph &g, Registries &reg, const std::string &pipelineText,
                 const std::string &unknownOps, Report &report) {
  PassManager pm;
  for (auto &p : buildPipeline(pipelineText, reg.passes))
    pm.add(std::move(p));
  PassContext &ctx = *report.ctx;
  resolveUnknownOps(g, reg.rules, parseUnknownOpPolicy(unknownOps), ctx.warnings);
  AnalysisManager am(g, reg.rules);
  pm.run(g, am, ctx);
  for (const PassTiming &t : pm.timings())
    report.timings.push_back({"pass " + t.name, t.seconds});
  for (std::string &w : ctx.warnings)
    report.warnings.push_back(std::move(w));
  ctx.warnings.clear();
}

using Strings = std::vector<std::string>;

// Eval mode for the recording run (a batchnorm must not update its running
// statistics), then every submodule's own training flag back: the user's
// module is left as it was. Made only when the model is run (the traced
// types usually give every shape), as it visits every submodule.
class EvalModeGuard {
public:
  explicit EvalModeGuard(torch::jit::Module &m) {
    bool anyTraining = false;
    for (const torch::jit::Module &sub : m.modules()) {
      flags_.emplace_back(sub, sub.is_training());
      anyTraining = anyTraining || flags_.back().second;
    }
    if (anyTraining)
      m.eval();
    else
      flags_.clear();
  }
  ~EvalModeGuard() {
    // Module::train() recurses; set each module's own flag instead.
    for (auto &[sub, training] : flags_)
      if (sub._ivalue()->type()->hasAttribute("training"))
        sub._ivalue()->setAttr("training", training);
  }

private:
  std::vector<std::pair<torch::jit::Module, bool>> flags_;
};

} // namespace
} // namespace pd::python

PYBIND11_MODULE(_prunedep, m) {
  using namespace pd;
  using namespace pd::python;
  m.doc() = "prunedep's C++ core; use the `prunedep` package, not this module";

  errorType() = py::reinterpret_borrow<py::object>(
      PyErr_NewExceptionWithDoc("prunedep.Error",
                                "A prunedep error: the message the prunedep command prints.",
                                PyExc_RuntimeError, nullptr));
  m.attr("Error") = errorType();
  m.attr("DEFAULT_PIPELINE") = PD_DEFAULT_PIPELINE;

  py::class_<IR>(m, "IR", "A prunedep IR graph (the .pdir text format when printed).")
      .def("__str__", [](const IR &ir) { return readLocked([&] { return printGraph(*ir.graph); }); })
      .def_property_readonly("name", [](const IR &ir) {
        return readLocked([&] { return std::string(ir.graph->name().str()); });
      })
      .def_property_readonly("num_ops", [](const IR &ir) { return ir.graph->numOps(); })
      .def_readonly("warnings", &IR::warnings)
      .def_readonly("shape_source", &IR::shapeSource)
      .def_property_readonly("frontend_seconds", [](const IR &ir) {
        return py::dict(py::arg("shapes") = ir.stats.shapeSeconds,
                        py::arg("lower") = ir.stats.lowerSeconds);
      })
      .def_property_readonly(
          "flat_forward", [](const IR &ir) { return ir.stats.flatForward; },
          "Whether the frontend read the forward's graphs in place (shapes from the traced "
          "types) rather than inlining them into a copy it could run.");

  py::class_<Report>(m, "Report")
      .def_readonly("model", &Report::model)
      .def_readonly("warnings", &Report::warnings)
      .def_readonly("timings", &Report::timings)
      .def_readonly("shape_source", &Report::shapeSource)
      .def("to_json", [](const Report &r) { return readLocked([&] { return r.toJson(); }); })
      .def("__len__", [](const Report &r) { return r.ctx->results.size(); })
      .def("result_json", [](const Report &r, size_t i) {
        // One result object exactly as it appears inside the report.
        const PassResult &result = r.result(i);
        return readLocked([&] {
          std::ostringstream os;
          JsonWriter w(os);
          writeJsonResult(result, w);
          return os.str();
        });
      })
      .def("result_text", [](const Report &r, size_t i) {
        const PassResult &result = r.result(i);
        return readLocked([&] {
          std::ostringstream os;
          result.writeText(os);
          return os.str();
        });
      })
      .def("result_csv", [](const Report &r, size_t i) {
        const PassResult &result = r.result(i);
        return readLocked([&] {
          std::ostringstream os;
          result.writeCsv(os);
          return os.str();
        });
      });

  m.def("load_ir", [](const std::string &text, const std::string &fileName) {
        IR ir;
        runReleased([&] { ir.graph = std::shared_ptr<Graph>(parseGraph(text, fileName)); });
        return ir;
      }, py::arg("text"), py::arg("file_name") = "<string>",
      "Parses .pdir text (errors name file_name:line:col).");

  m.def("lower", [](py::handle module, const std::vector<at::Tensor> &inputs,
                    const std::string &graphName, const Strings &rules, const Strings &plugins,
                    const std::string &shapes) {
        torch::jit::Module sm = scriptModule(module);
        IR ir;
        runReleased([&] {
          Registries reg = loadRegistries(plugins, rules);
          std::optional<EvalModeGuard> eval;
          Report scratch;
          ir.graph = lowerModule(sm, inputs, graphName, graphName, reg.rules,
                                 parseShapeSource(shapes), [&] { eval.emplace(sm); }, scratch,
                                 ir.stats);
          ir.warnings = std::move(scratch.warnings);
          ir.shapeSource = scratch.shapeSource;
        });
        return ir;
      }, py::arg("module"), py::arg("inputs"), py::arg("graph_name"), py::arg("rules"),
      py::arg("plugins"), py::arg("shapes"));

  m.def("analyze", [](py::handle module, const std::vector<at::Tensor> &inputs,
                      const std::string &model, const std::string &graphName,
                      const std::string &pipeline, const Strings &rules, const Strings &plugins,
                      const std::string &unknownOps, const std::string &shapes) {
        torch::jit::Module sm = scriptModule(module);
        Report report;
        report.model = model;
        runReleased([&] {
          Registries reg = loadRegistries(plugins, rules);
          FrontendStats stats;
          std::shared_ptr<Graph> g;
          {
            std::optional<EvalModeGuard> eval; // only if the model runs
            g = lowerModule(sm, inputs, model, graphName, reg.rules, parseShapeSource(shapes),
                            [&] { eval.emplace(sm); }, report, stats);
          }
          runPipeline(*g, reg, pipeline, unknownOps, report);
        });
        return report;
      }, py::arg("module"), py::arg("inputs"), py::arg("model"), py::arg("graph_name"),
      py::arg("pipeline"), py::arg("rules"), py::arg("plugins"), py::arg("unknown_ops"),
      py::arg("shapes"));

  m.def("run", [](IR &ir, const std::string &model, const std::string &pipeline,
                  const Strings &rules, const Strings &plugins, const std::string &unknownOps) {
        Report report;
        report.model = model;
        runReleased([&] {
          Registries reg = loadRegistries(plugins, rules);
          verifyGraph(*ir.graph, &reg.rules);
          runPipeline(*ir.graph, reg, pipeline, unknownOps, report);
        });
        return report;
      }, py::arg("ir"), py::arg("model"), py::arg("pipeline"), py::arg("rules"),
      py::arg("plugins"), py::arg("unknown_ops"));

  m.def("pass_names", [] {
    Strings names;
    PassRegistry builtins = PassRegistry::withBuiltins();
    for (const PassInfo &p : builtins.passes())
      names.push_back(p.name);
    return names;
  });
}
