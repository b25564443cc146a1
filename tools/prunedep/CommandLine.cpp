#include "tools/prunedep/CommandLine.h"

namespace pd {

CommandLine parseCommandLine(int argc, char **argv) {
  CommandLine cl;
  bool endOfOptions = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (endOfOptions || arg.empty() || arg[0] != '-' || arg == "-") {
      if (!cl.input.empty())
        throw UsageError("more than one input given: '" + cl.input + "' and '" + arg + "'");
      cl.input = arg;
      continue;
    }
    if (arg == "--") {
      endOfOptions = true;
      continue;
    }
    std::string name = arg, value;
    bool hasValue = false;
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      hasValue = true;
    }
    auto takeValue = [&]() -> std::string {
      if (hasValue)
        return value;
      if (i + 1 >= argc)
        throw UsageError("option " + name + " needs a value");
      return argv[++i];
    };
    auto noValue = [&] {
      if (hasValue)
        throw UsageError("option " + name + " takes no value");
    };
    if (name == "--passes") cl.pipeline = takeValue();
    else if (name == "--input-shape") cl.inputShapes.push_back(parseInputShape(takeValue()));
    else if (name == "--rules") cl.ruleFiles.push_back(takeValue());
    else if (name == "--load-plugin") cl.plugins.push_back(takeValue());
    else if (name == "--unknown-ops") {
      cl.unknownOps = takeValue();
      if (cl.unknownOps != "error" && cl.unknownOps != "warn" && cl.unknownOps != "transparent" &&
          cl.unknownOps != "barrier")
        throw UsageError("--unknown-ops must be error, warn, transparent or barrier, not '" +
                         cl.unknownOps + "'");
    }
    else if (name == "-o" || name == "--output") cl.outputFile = takeValue();
    else if (name == "--format") {
      std::string f = takeValue();
      if (f == "text") cl.format = OutputFormat::Text;
      else if (f == "json") cl.format = OutputFormat::Json;
      else if (f == "csv") cl.format = OutputFormat::Csv;
      else if (f == "dot") cl.format = OutputFormat::Dot;
      else throw UsageError("--format must be text, json, csv or dot, not '" + f + "'");
    }
    else if (name == "--color" || name == "--colour") {
      std::string c = hasValue ? value : "always";
      if (c == "auto") cl.color = ColorMode::Auto;
      else if (c == "always") cl.color = ColorMode::Always;
      else if (c == "never") cl.color = ColorMode::Never;
      else throw UsageError("--color must be auto, always or never, not '" + c + "'");
    }
    else if (name == "--print-ir-after") cl.printIRAfter.insert(takeValue());
    else if (name == "--explain") {
      cl.explain = takeValue();
      if (cl.explain.empty() || cl.explain.find_first_of(",{}=") != std::string::npos)
        throw UsageError("--explain needs a layer name (a module path like layer1.0.conv2)");
    }
    else if (name == "--dot-coupled-only") { noValue(); cl.dotCoupledOnly = true; }
    else if (name == "--emit-ir") { noValue(); cl.emitIR = true; }
    else if (name == "--list-passes") { noValue(); cl.listPasses = true; }
    else if (name == "--verify-each") { noValue(); cl.verifyEach = true; }
    else if (name == "--time-passes") { noValue(); cl.timePasses = true; }
    else if (name == "--print-ir-after-all") { noValue(); cl.printIRAfterAll = true; }
    else if (name == "--help" || name == "-h") { noValue(); cl.help = true; }
    else if (name == "--version") { noValue(); cl.version = true; }
    else throw UsageError("unknown option '" + name + "' (see --help)");
  }
  return cl;
}

static bool endsWith(const std::string &s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isTorchScriptPath(const std::string &p) {
  return endsWith(p, ".pt") || endsWith(p, ".pth") || endsWith(p, ".zip") || endsWith(p, ".torchscript");
}

std::string helpText() {
  return R"(usage: prunedep [options] [INPUT]

Finds which layers of a PyTorch model must be pruned together.
INPUT is a TorchScript archive (.pt, needs --input-shape) or a prunedep IR
file (.pdir). Without INPUT, prunedep analyses its built-in example model.

options:
  --passes=PIPELINE      passes to run, e.g. 'channel-dependency{prune-type=batchnorm},group-dependency'
                         (default: the five dependency analyses)
  --input-shape SHAPE    shape of one model input, e.g. 1x3x224x224 or 1x128:int64
                         (repeat once per input; .pt inputs only)
  --format=FORMAT        text (default), json (schema prunedep/1), csv (NNI's export format)
                         or dot (Graphviz: layers, the ops tying them, one colour per set)
  --dot-coupled-only     with --format=dot: only sets with more than one member
  --color[=WHEN]         colour the text report: auto (default: when stdout is a terminal
                         and NO_COLOR is unset), always or never
  -o, --output FILE      write the report (or the IR) to FILE instead of stdout
  --emit-ir              print the IR after the pipeline instead of the report
  --explain LAYER        why LAYER is tied: the op chains to each member of its set
                         and the group constraints that reach it
  --rules FILE           load op rules from a TOML file (repeatable; later files override)
  --load-plugin FILE     load a plugin shared object (repeatable; only the exact file named)
  --unknown-ops=POLICY   ops without a rule: warn (default: report, treat as a barrier),
                         error, transparent (let dependencies through) or barrier (quietly)
  --list-passes          list the passes with their options and exit
  --verify-each          verify the graph after every pass
  --print-ir-after=PASS  print the IR on stderr after PASS (repeatable)
  --print-ir-after-all   print the IR on stderr after every pass
  --time-passes          print the time of each pass and frontend stage on stderr
  --version              print the version and exit
  -h, --help             print this help and exit

exit codes: 0 success, 1 bad input (message on stderr), 2 bad usage

prunedep verify MODEL.pt --input-shape SHAPE [--rules FILE] [--load-plugin FILE]
  proves the channel groups with LibTorch: prunes one channel group at a time,
  runs the pruned model and checks every group is complete and minimal
  (see `prunedep verify --help`)

prunedep prune MODEL --ratio R [-o OUT] [--plan-out FILE] [...]
  prunes the model: removes that share of every channel set's groups from every
  coupled layer and writes the pruned model (.pt) or pruned IR (.pdir), with the
  plan as JSON (see `prunedep prune --help`)
)";
}

} // namespace pd
