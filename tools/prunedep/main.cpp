// prunedep: the driver. Reads a model (.pt through the TorchScript frontend,
// or .pdir), runs a pipeline of passes, and prints the report or the IR.
// The only place that turns errors into messages and exit codes.
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/RuleFile.h"
#include "ir/Verifier.h"
#include "passes/index/LayerIndex.h"
#include "passes/core/PassManager.h"
#include "passes/core/PassRegistry.h"
#include "passes/core/Session.h"
#include "passes/graph/UnknownOps.h"
#include "passes/core/Pipeline.h"
#include "passes/report/TextStyle.h"
#include "tools/prunedep/CommandLine.h"
#include "tools/prunedep/DefaultModel.h"
#include "tools/prunedep/PruneCommand.h"
#include "tools/prunedep/Report.h"
#include "tools/prunedep/ReportOutput.h"
#include "tools/prunedep/TorchScriptLoader.h"
#include "tools/prunedep/VerifyCommand.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>

#ifndef PD_VERSION
#define PD_VERSION "unknown"
#endif

namespace pd {
namespace {

// The pipeline when --passes is not given: the five dependency analyses.
constexpr const char *kDefaultPipeline = PD_DEFAULT_PIPELINE;

void listPasses(const PassRegistry &reg, std::ostream &os) {
  os << "passes (use with --passes=a,b{option=value}):\n";
  for (const PassInfo &p : reg.passes()) {
    os << "  " << std::left << std::setw(30) << p.name << p.description;
    if (p.origin != "builtin")
      os << " [" << p.origin << "]";
    os << "\n";
    for (const PassOptionInfo &o : p.options) {
      std::string values;
      for (const std::string &a : o.allowed)
        values += (values.empty() ? "" : "|") + a;
      os << "      " << o.key << "=" << (values.empty() ? "VALUE" : values)
         << "  (default " << o.defaultValue << ")  " << o.doc << "\n";
    }
  }
}

// Layers whose output channels can be pruned (the channel-dependency targets).
size_t countPrunableLayers(AnalysisManager &am, const OpRegistry &rules) {
  size_t n = 0;
  for (const Layer &l : am.getResult<LayerIndexAnalysis>().layers()) {
    const OpRule *rule = rules.lookup(l.op->kind());
    n += rule && rule->has(Trait::ChannelTarget);
  }
  return n;
}

struct StageTime {
  std::string name;
  double seconds;
};

int run(int argc, char **argv) {
  CommandLine cl = parseCommandLine(argc, argv);
  if (cl.help) {
    std::cout << helpText() << "\n";
    listPasses(PassRegistry::withBuiltins(), std::cout);
    return 0;
  }
  if (cl.version) {
    std::cout << "prunedep " << PD_VERSION << "\n";
    return 0;
  }
  std::vector<StageTime> stages;
  auto clock = [] { return std::chrono::steady_clock::now(); };
  auto since = [](auto t0) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  auto t0 = clock();
  Registries registries = loadRegistries(cl.plugins, cl.ruleFiles);
  OpRegistry &rules = registries.rules;
  PassRegistry &passRegistry = registries.passes;
  stages.push_back({"rules and passes", since(t0)});

  if (cl.listPasses) {
    listPasses(passRegistry, std::cout);
    return 0;
  }

  std::string pipelineText = cl.pipeline ? *cl.pipeline : kDefaultPipeline;
  if (cl.format == OutputFormat::Dot)
    pipelineText = std::string("dot{coupled-only=") + (cl.dotCoupledOnly ? "true" : "false") + "}";
  if (!cl.explain.empty())
    pipelineText = (cl.pipeline ? *cl.pipeline + "," : std::string()) + "explain{layer=" + cl.explain + "}";
  PassManagerOptions pmo;
  pmo.verifyEach = cl.verifyEach;
  pmo.printAfterAll = cl.printIRAfterAll;
  pmo.printAfter = cl.printIRAfter;
  pmo.irOut = &std::cerr;
  PassManager pm(pmo);
  std::vector<std::unique_ptr<Pass>> pipeline;
  try {
    pipeline = buildPipeline(pipelineText, passRegistry);
  } catch (const Error &e) {
    throw UsageError(e.what());
  }
  for (auto &p : pipeline)
    pm.add(std::move(p));
  for (const std::string &name : cl.printIRAfter)
    if (!passRegistry.lookup(name))
      throw UsageError("--print-ir-after: unknown pass '" + name + "'");

  std::string input = cl.input;
  if (input.empty()) {
    input = defaultModelPath();
    if (cl.inputShapes.empty())
      cl.inputShapes.push_back(parseInputShape(kDefaultModelInputShape));
    // The first line says which model this is; on stdout for a text report
    // (it is part of what the user reads), else on stderr (JSON/CSV/DOT
    // must stay parseable).
    std::string note = "prunedep: no INPUT given; analysing the built-in model " + input + " (" +
                       kDefaultModelInputShape + ")\n";
    if (cl.format == OutputFormat::Text && !cl.emitIR && cl.outputFile.empty())
      std::cout << note << std::flush;
    else
      std::cerr << note;
  }

  std::unique_ptr<Graph> graph;
  if (isTorchScriptPath(input)) {
    if (cl.inputShapes.empty())
      throw Error(input + ": error: a TorchScript model needs --input-shape (e.g. --input-shape 1x3x224x224)");
    FrontendOptions fo;
    fo.modelPath = input;
    fo.inputs = cl.inputShapes;
    fo.registry = &rules;
    fo.progress = isatty(2);
    auto tf = clock();
    FrontendOutput out = lowerTorchScript(fo);
    double total = since(tf);
    stages.push_back({"torchscript: load", out.stats.loadSeconds});
    stages.push_back({"torchscript: record shapes", out.stats.shapeSeconds});
    stages.push_back({"torchscript: lower", out.stats.lowerSeconds});
    stages.push_back({"torchscript: module start-up",
                      std::max(0.0, total - out.stats.loadSeconds - out.stats.shapeSeconds -
                                        out.stats.lowerSeconds)});
    for (const std::string &w : out.warnings)
      std::cerr << "warning: " << w << "\n";
    graph = std::move(out.graph);
    verifyGraph(*graph, &rules);
  } else {
    if (!cl.inputShapes.empty())
      throw UsageError("--input-shape applies to TorchScript (.pt) inputs only; " + input +
                       " is IR with its shapes inside");
    auto tp = clock();
    graph = parseGraphFile(input);
    stages.push_back({"parse", since(tp)});
    auto tv = clock();
    verifyGraph(*graph, &rules);
    stages.push_back({"verify", since(tv)});
  }

  // Open the output before the passes run: a bad -o path fails fast.
  ReportOutput output(cl.outputFile);
  setTextColor(output.wantsColor(cl.color));

  PassContext ctx;
  ReportSummary summary;
  summary.opKindsWithoutRules =
      resolveUnknownOps(*graph, rules, parseUnknownOpPolicy(cl.unknownOps), ctx.warnings);
  for (const std::string &w : ctx.warnings)
    std::cerr << "warning: " << w << "\n";
  ctx.warnings.clear();
  AnalysisManager am(*graph, rules);
  pm.run(*graph, am, ctx);
  for (const std::string &w : ctx.warnings)
    std::cerr << "warning: " << w << "\n";

  if (cl.emitIR) {
    printGraph(*graph, output.stream());
  } else {
    summary.prunableLayers = countPrunableLayers(am, rules);
    writeReport(ctx, input, cl.format, output.stream(), &summary);
  }
  output.finish();

  if (cl.timePasses) {
    std::cerr << "===-------------------------------------------===\n"
              << "  prunedep execution time (wall, seconds)\n"
              << "===-------------------------------------------===\n";
    double total = 0;
    auto row = [&](const std::string &name, double s) {
      std::cerr << "  " << std::fixed << std::setprecision(6) << s << "  " << name << "\n";
    };
    for (const StageTime &s : stages) {
      row(s.name, s.seconds);
      total += s.seconds;
    }
    for (const PassTiming &t : pm.timings()) {
      row("pass " + t.name, t.seconds);
      total += t.seconds;
    }
    for (const auto &a : am.analysisTimes())
      row("  (of which analysis " + a.name + ")", a.seconds);
    row("total", total);
  }
  return 0;
}

} // namespace
} // namespace pd

int main(int argc, char **argv) {
  try {
    // `prunedep verify ...`: the pruning verifier (tools/prunedep/VerifyCommand.cpp).
    if (argc > 1 && std::string(argv[1]) == "verify")
      return pd::runVerifyCommand(argc - 1, argv + 1);
    // `prunedep prune ...`: the pruning plan and the pruned model (tools/prunedep/PruneCommand.cpp).
    if (argc > 1 && std::string(argv[1]) == "prune")
      return pd::runPruneCommand(argc - 1, argv + 1);
    return pd::run(argc, argv);
  } catch (const pd::UsageError &e) {
    std::cerr << "prunedep: " << e.what() << "\n";
    return 2;
  } catch (const pd::Error &e) {
    std::cerr << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc &) {
    std::cerr << "prunedep: error: out of memory\n";
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "prunedep: error: " << e.what() << "\n";
    return 1;
  }
}
