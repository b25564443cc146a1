#include "tools/prunedep/PruneCommand.h"

#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "passes/core/Session.h"
#include "passes/graph/UnknownOps.h"
#include "passes/prune/Cost.h"
#include "passes/prune/PlanForGraph.h"
#include "passes/prune/PlanJson.h"
#include "passes/prune/PlanReport.h"
#include "passes/prune/PrunedGraph.h"
#include "passes/prune/Pruning.h"
#include "passes/report/TextStyle.h"
#include "tools/prunedep/Report.h"
#include "tools/prunedep/ReportOutput.h"
#include "tools/prunedep/TorchScriptPrune.h"

#include <charconv>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace pd {

namespace {

const char *kPruneHelp = R"(usage: prunedep prune [options] MODEL --ratio R

Removes the least important share of every channel set's groups (see
--passes=channel-groups) from every layer and stored tensor the set couples,
and writes the smaller model:
  MODEL.pt    a TorchScript archive (needs --input-shape): groups ranked by
              their weights, the pruned model checked against the original
              with the removed channels zeroed, written as an archive (-o)
  MODEL.pdir  prunedep IR: groups ranked at random (IR has no weights); the
              pruned IR (new shapes, recomputed sizes and channel counts) is
              written to -o, or to stdout
A set that cannot be pruned (blocked, or with an ignored layer) is skipped;
every set keeps at least one group.

options:
  --ratio R              share of each set's groups to remove, in [0, 1)
  --importance KIND      l1 or l2 (the group's weight norm, summed over its
                         members; default for a .pt) or random (default for IR)
  --seed N               seed of --importance random (default 0)
  --ratio-of LAYER=R     this ratio for the sets LAYER is in (repeatable)
  --ignore LAYER         keep LAYER whole (repeatable); LAYER:out keeps only its
                         output channels, LAYER:in only its inputs
  --round-to N           keep a multiple of N channels per layer where the set allows
  --global               rank the groups of all sets together, not set by set
  --prune-outputs        also prune the sets that change a model output's shape
                         (skipped by default: a classifier keeps its classes)
  --granularity G        channel (default) or head: remove whole attention heads
  --plan-in FILE         apply the plan saved in FILE (JSON) instead of planning
  --plan-out FILE        write the plan as JSON (schema prunedep/1, "prune-plan")
  -o, --output FILE      the pruned model
  --no-check             .pt: skip the check of the pruned model's values
  --input-shape SHAPE    shape of one model input (.pt; repeat once per input)
  --format=FORMAT        the report: text (a summary line, default) or json (the
                         plan with MACs before and after); on stdout, or on
                         stderr when the pruned IR goes to stdout
  --rules FILE, --load-plugin FILE, --unknown-ops=POLICY, --color[=WHEN]
                         as for prunedep (see prunedep --help)

exit codes: 0 pruned, 1 bad input (a layer, set or plan that does not fit
the model, a failed check), 2 bad usage
)";

// Options of `prune` itself, with their values; the rest are the main
// command's (input, --input-shape, -o, --format, --rules, ...).
struct Extracted {
  std::vector<std::pair<std::string, std::string>> valued; // in order given
  bool global = false, noCheck = false, pruneOutputs = false;
  std::vector<char *> rest;
};

Extracted extractPruneOptions(int argc, char **argv) {
  static const char *const kValued[] = {"--ratio",    "--importance",  "--seed",    "--ratio-of", "--ignore",
                                        "--round-to", "--granularity", "--plan-in", "--plan-out"};
  Extracted e;
  bool endOfOptions = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (endOfOptions || arg.rfind("--", 0) != 0) {
      e.rest.push_back(argv[i]);
      continue;
    }
    if (arg == "--") {
      endOfOptions = true;
      e.rest.push_back(argv[i]);
      continue;
    }
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    bool *flag = name == "--global"          ? &e.global
                 : name == "--no-check"      ? &e.noCheck
                 : name == "--prune-outputs" ? &e.pruneOutputs
                                             : nullptr;
    if (flag) {
      if (eq != std::string::npos)
        throw UsageError("option " + name + " takes no value");
      *flag = true;
      continue;
    }
    bool valued = false;
    for (const char *v : kValued)
      valued |= name == v;
    if (!valued) {
      e.rest.push_back(argv[i]);
      continue;
    }
    if (eq != std::string::npos)
      e.valued.push_back({name, arg.substr(eq + 1)});
    else if (i + 1 < argc)
      e.valued.push_back({name, argv[++i]});
    else
      throw UsageError("option " + name + " needs a value");
  }
  return e;
}

double ratioArg(const std::string &option, const std::string &text) {
  double r = 0;
  try {
    r = parseRatio(text, option);
  } catch (const Error &) {
    r = -1;
  }
  if (!(r >= 0 && r < 1))
    throw UsageError(option + " '" + text + "': expected a number in [0, 1)");
  return r;
}

template <class T> T unsignedArg(const std::string &option, const std::string &text) {
  T v{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw UsageError(option + " '" + text + "': expected a non-negative integer");
  return v;
}

// What an archive's pruning adds to the report.
struct ArchiveFacts {
  int64_t paramsBefore = 0, paramsAfter = 0;
  bool checked = false;
  double maxError = 0;
  double planSeconds = 0, pruneSeconds = 0, checkSeconds = 0, writeSeconds = 0;
};

// The report of `prune`: JSON, the plan with its MACs (and an archive's
// parameters, check and times); text, one summary line.
class PruneReport : public PassResult {
public:
  std::unique_ptr<PassResult> plan;
  std::string line;
  std::optional<ArchiveFacts> archive;

  void writeJson(JsonWriter &w) const override {
    plan->writeJson(w);
    if (!archive)
      return;
    w.key("params_before").value(archive->paramsBefore);
    w.key("params_after").value(archive->paramsAfter);
    w.key("checked").value(archive->checked);
    if (archive->checked)
      w.key("max_error").value(archive->maxError);
    w.key("seconds").beginObject();
    w.key("plan").value(archive->planSeconds);
    w.key("prune").value(archive->pruneSeconds);
    w.key("check").value(archive->checkSeconds);
    w.key("write").value(archive->writeSeconds);
    w.endObject();
  }
  void writeText(std::ostream &os) const override { os << line << "\n"; }
  void writeCsv(std::ostream &os) const override { plan->writeCsv(os); }
};

// Opened before the work, so that a bad path fails before it.
class PlanOut {
public:
  explicit PlanOut(const std::string &path) : path_(path) {
    if (!path.empty()) {
      file_.open(path);
      if (!file_)
        throw Error(path + ": error: cannot write the plan here");
    }
  }
  void write(const PrunePlan &plan) {
    if (path_.empty())
      return;
    writePlanJson(file_, plan);
    file_.flush();
    if (!file_)
      throw Error(path_ + ": error: writing the plan failed");
  }

private:
  std::string path_;
  std::ofstream file_;
};

void writePruneReport(const PruneCommandOptions &o, PrunePlan plan, int64_t macsBefore, int64_t macsAfter,
                      std::optional<ArchiveFacts> archive, std::ostream &os) {
  auto r = std::make_unique<PruneReport>();
  std::ostringstream line;
  line << paint(Paint::Title, "prune") << ": " << o.modelPath << ": "
       << planSummaryLine(plan, macsBefore, macsAfter);
  if (archive) {
    line << "; params " << archive->paramsBefore << " -> " << archive->paramsAfter << "; "
         << (archive->checked ? "check OK (max error " : "not checked");
    if (archive->checked)
      line << archive->maxError << ")";
  }
  r->line = line.str();
  r->archive = archive;
  r->plan = makePlanResult(std::move(plan), macsBefore, macsAfter, "prune", o.planIn);
  r->pass = "prune-plan";
  PassContext ctx;
  ctx.results.push_back(std::move(r));
  writeReport(ctx, o.modelPath, o.format, os);
  os.flush();
}

int pruneIR(const PruneCommandOptions &o) {
  if (!o.inputShapes.empty())
    throw UsageError("--input-shape applies to TorchScript (.pt) inputs only; " + o.modelPath +
                     " is IR with its shapes inside");
  Registries registries = loadRegistries(o.plugins, o.ruleFiles);
  OpRegistry &rules = registries.rules;
  std::unique_ptr<Graph> graph = parseGraphFile(o.modelPath);
  verifyGraph(*graph, &rules);
  std::vector<std::string> warnings;
  resolveUnknownOps(*graph, rules, parseUnknownOpPolicy(o.unknownOps), warnings);
  for (const std::string &w : warnings)
    std::cerr << "warning: " << w << "\n";
  ReportOutput irOut(o.outputPath);
  PlanOut planOut(o.planOut);

  AnalysisManager am(*graph, rules);
  PrunePlan plan = planForGraph(*graph, am, o.plan, o.planIn);
  Pruning pruning(planGroups(am, plan.options.granularity), plan);
  int64_t before = countMacs(*graph, rules);
  rewritePruned(*graph, rules, pruning);
  int64_t after = countMacs(*graph, rules);
  verifyGraph(*graph, &rules);

  planOut.write(plan);
  printGraph(*graph, irOut.stream());
  irOut.finish();
  // The report on stdout, unless the pruned IR took it.
  bool toStdout = !o.outputPath.empty();
  setTextColor(toStdout && ReportOutput("").wantsColor(o.color));
  writePruneReport(o, std::move(plan), before, after, std::nullopt, toStdout ? std::cout : std::cerr);
  return 0;
}

int pruneArchive(const PruneCommandOptions &o) {
  if (o.inputShapes.empty())
    throw UsageError("prune: " + o.modelPath + " needs --input-shape (e.g. --input-shape 1x3x224x224)");
  Registries registries = loadRegistries(o.plugins, o.ruleFiles);
  PlanOut planOut(o.planOut);
  TorchScriptPruneRequest req;
  req.modelPath = o.modelPath;
  req.inputs = o.inputShapes;
  req.registry = &registries.rules;
  req.unknownOps = o.unknownOps;
  req.plan = o.plan;
  req.planIn = o.planIn;
  req.outputPath = o.outputPath;
  req.check = o.check;
  TorchScriptPruneResult res = pruneTorchScript(req);

  const PruneOutput &out = res.out;
  int64_t before = res.macsBefore, after = res.macsAfter;
  planOut.write(out.plan);
  ArchiveFacts facts{out.paramsBefore, out.paramsAfter, out.checked,      out.maxError,
                     out.planSeconds,  out.pruneSeconds, out.checkSeconds, out.writeSeconds};
  setTextColor(ReportOutput("").wantsColor(o.color));
  writePruneReport(o, out.plan, before, after, facts, std::cout);
  return 0;
}

} // namespace

PruneCommandOptions parsePruneCommand(int argc, char **argv, bool &help) {
  Extracted e = extractPruneOptions(argc, argv);
  CommandLine cl = parseCommandLine(static_cast<int>(e.rest.size()), e.rest.data());
  help = cl.help;
  PruneCommandOptions o;
  if (help)
    return o;
  if (cl.pipeline || cl.emitIR || !cl.explain.empty() || cl.listPasses || cl.dotCoupledOnly ||
      !cl.printIRAfter.empty() || cl.printIRAfterAll || cl.verifyEach)
    throw UsageError("prune: --passes, --emit-ir, --explain and the pass-manager options do not apply "
                     "(see prunedep prune --help)");
  if (cl.format != OutputFormat::Text && cl.format != OutputFormat::Json)
    throw UsageError("prune: --format must be text or json");
  if (cl.input.empty())
    throw UsageError("prune: no MODEL given (see prunedep prune --help)");
  o.modelPath = cl.input;
  o.inputShapes = cl.inputShapes;
  o.outputPath = cl.outputFile;
  o.format = cl.format;
  o.color = cl.color;
  o.ruleFiles = cl.ruleFiles;
  o.plugins = cl.plugins;
  o.unknownOps = cl.unknownOps;
  o.check = !e.noCheck;
  o.plan.global = e.global;
  o.plan.keepOutputs = !e.pruneOutputs;

  bool planning = e.global || e.pruneOutputs, ratioGiven = false, importanceGiven = false;
  for (const auto &[name, value] : e.valued) {
    if (name == "--plan-in") {
      o.planIn = value;
      continue;
    }
    if (name == "--plan-out") {
      o.planOut = value;
      continue;
    }
    planning = true;
    if (name == "--ratio") {
      o.plan.ratio = ratioArg(name, value);
      ratioGiven = true;
    } else if (name == "--importance") {
      if (value != "l1" && value != "l2" && value != "random")
        throw UsageError("--importance must be l1, l2 or random, not '" + value + "'");
      o.plan.importance = value;
      importanceGiven = true;
    } else if (name == "--seed") {
      o.plan.seed = unsignedArg<uint64_t>(name, value);
    } else if (name == "--round-to") {
      o.plan.roundTo = unsignedArg<uint32_t>(name, value);
    } else if (name == "--granularity") {
      if (value != "channel" && value != "head")
        throw UsageError("--granularity must be channel or head, not '" + value + "'");
      o.plan.granularity = value;
    } else if (name == "--ignore") {
      if (value.empty())
        throw UsageError("--ignore needs a layer name");
      o.plan.ignored.push_back(value);
    } else if (name == "--ratio-of") {
      size_t eq = value.rfind('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("--ratio-of '" + value + "': expected LAYER=RATIO");
      std::string layer = value.substr(0, eq);
      o.plan.ratioOf.push_back({layer, ratioArg("--ratio-of " + layer, value.substr(eq + 1))});
    }
  }
  if (!o.planIn.empty() && planning)
    throw UsageError("prune: --plan-in applies a saved plan; --ratio, --importance, --seed, --ratio-of, "
                     "--ignore, --round-to, --global, --prune-outputs and --granularity do not apply with it");
  if (o.planIn.empty() && !ratioGiven)
    throw UsageError("prune: give --ratio R (the share of each set's groups to remove) or --plan-in FILE");
  if (!importanceGiven)
    o.plan.importance = isTorchScriptPath(o.modelPath) ? "l1" : "random";
  return o;
}

int runPruneCommand(int argc, char **argv) {
  bool help = false;
  PruneCommandOptions o = parsePruneCommand(argc, argv, help);
  if (help) {
    std::cout << kPruneHelp;
    return 0;
  }
  return isTorchScriptPath(o.modelPath) ? pruneArchive(o) : pruneIR(o);
}

} // namespace pd
