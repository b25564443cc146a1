#include "tools/prunedep/VerifyCommand.h"

#include "frontends/PruningVerifier.h"
#include "ir/RuleFile.h"
#include "ir/Verifier.h"
#include "passes/report/ChannelGroupsReport.h"
#include "tools/common/ModuleLoader.h"
#include "passes/core/PluginLoader.h"
#include "passes/report/TextStyle.h"
#include "passes/graph/UnknownOps.h"
#include "tools/prunedep/CommandLine.h"
#include "tools/prunedep/Report.h"
#include "tools/prunedep/ReportOutput.h"
#include "tools/prunedep/TorchScriptLoader.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>

#ifndef PD_VERIFIER_RELATIVE_DIRS
#define PD_VERIFIER_RELATIVE_DIRS {"../../frontends/verify", "../lib/prunedep"}
#endif

namespace pd {
namespace {

const char *kVerifyHelp = R"(usage: prunedep verify [options] MODEL.pt --input-shape SHAPE...

Proves the channel groups of a TorchScript model by pruning it: for every
prunable set of the channel-groups analysis, removes one group (one channel
of every member: weights, biases, norm statistics, groups and view sizes
adjusted) and runs the pruned model on the input shape, op by op; every op
must run and give the shape the analysis predicts. Then, for every member,
prunes the group without it, which must fail: a member that can be left out
is reported as over-coupled.

options:
  --input-shape SHAPE    shape of one model input (repeat once per input)
  --no-minimality        skip the per-member check
  --format=FORMAT        text (default) or json (schema prunedep/1)
  -o, --output FILE      write the report to FILE
  --rules FILE           load op rules (and channel maps) from a TOML file
  --load-plugin FILE     load a plugin shared object
  --unknown-ops=POLICY   ops without a rule (see prunedep --help)

exit codes: 0 every set verified and minimal, 1 a set failed or has
over-coupled members (or bad input), 2 bad usage
)";

VerifyFn loadVerifier() {
  return loadModuleFunction<VerifyFn>("libprunedep_verify.so", PD_VERIFIER_RELATIVE_DIRS,
                                      "the pruning verifier", kVerifySymbol);
}

// The verification as a report section, so the driver's text / JSON writers
// print it like any pass result.
class VerifyResult : public PassResult {
public:
  VerifyOutput out;
  std::vector<std::string> setText; // per verified set: its members, as channel-groups prints them
  double seconds = 0;

  uint32_t failed() const {
    uint32_t n = 0;
    for (const VerifySetResult &s : out.sets)
      n += !s.ok;
    return n;
  }
  uint32_t overCoupled() const {
    uint32_t n = 0;
    for (const VerifySetResult &s : out.sets)
      n += !s.overCoupled.empty();
    return n;
  }
  static const char *status(const VerifySetResult &s) {
    return !s.ok ? "failed" : s.overCoupled.empty() ? "ok" : "over-coupled";
  }

  void writeJson(JsonWriter &w) const override {
    w.key("summary").beginObject();
    w.key("verified").value(static_cast<uint64_t>(out.sets.size()));
    w.key("ok").value(static_cast<uint64_t>(out.sets.size() - failed() - overCoupled()));
    w.key("failed").value(static_cast<uint64_t>(failed()));
    w.key("over-coupled").value(static_cast<uint64_t>(overCoupled()));
    w.key("blocked").value(static_cast<uint64_t>(out.skipped));
    w.key("seconds").value(static_cast<int64_t>(seconds * 1000 + 0.5)).key("unit").value("ms");
    w.endObject();
    w.key("sets").beginArray();
    for (const VerifySetResult &s : out.sets) {
      w.newline().beginObject();
      w.key("set").value(static_cast<uint64_t>(s.set));
      w.key("group").value(static_cast<uint64_t>(s.group));
      w.key("status").value(status(s));
      if (!s.ok)
        w.key("failure").value(s.failure);
      w.key("over-coupled").stringArray(s.overCoupled);
      w.endObject();
    }
    w.endArray();
  }

  void writeText(std::ostream &os) const override {
    os << "verify: " << out.sets.size() << " prunable sets: " << out.sets.size() - failed() - overCoupled()
       << " ok, " << failed() << " failed, " << overCoupled() << " with over-coupled members; "
       << out.skipped << " blocked sets skipped; " << std::fixed << std::setprecision(1) << seconds
       << " s\n";
    for (size_t i = 0; i < out.sets.size(); ++i) {
      const VerifySetResult &s = out.sets[i];
      os << "set " << s.set << "  " << status(s) << "  " << setText[i] << "\n";
      if (!s.ok)
        os << "      first failure: " << s.failure << "\n";
      for (const std::string &m : s.overCoupled)
        os << "      over-coupled: " << m << " (the pruned model runs without it)\n";
    }
  }

  void writeCsv(std::ostream &os) const override {
    os << "Set,Status,Failure,Over-coupled\n";
    for (const VerifySetResult &s : out.sets) {
      std::string oc;
      for (const std::string &m : s.overCoupled)
        oc += (oc.empty() ? "" : " ") + m;
      os << s.set << "," << status(s) << ",\"" << s.failure << "\"," << oc << "\n";
    }
  }
};

// "conv1[0:64] ~ bn1[0:64] ~ ..." (shortened): what a set prunes.
std::string membersText(const ChannelSet &set) {
  std::string s;
  for (const ChannelMember &m : set.members) {
    s += (s.empty() ? "" : " ~ ") + memberName(m);
    if (s.size() > 80) {
      s += " ~ ...";
      break;
    }
  }
  return s;
}

} // namespace

int runVerifyCommand(int argc, char **argv) {
  // Options of `verify` itself; the rest are the main command's.
  bool minimality = true;
  std::vector<char *> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-minimality") == 0)
      minimality = false;
    else
      rest.push_back(argv[i]);
  }
  CommandLine cl = parseCommandLine(static_cast<int>(rest.size()), rest.data());
  if (cl.help) {
    std::cout << kVerifyHelp;
    return 0;
  }
  if (cl.input.empty())
    throw UsageError("verify: no MODEL.pt given (see prunedep verify --help)");
  if (cl.inputShapes.empty())
    throw UsageError("verify: " + cl.input + " needs --input-shape (e.g. --input-shape 1x3x224x224)");
  if (cl.pipeline || cl.emitIR || cl.format == OutputFormat::Csv)
    throw UsageError("verify: --passes, --emit-ir and --format=csv do not apply");
  auto start = std::chrono::steady_clock::now();

  OpRegistry rules = OpRegistry::withBuiltins();
  PassRegistry passRegistry = PassRegistry::withBuiltins();
  for (const std::string &p : cl.plugins)
    loadPlugin(p, passRegistry, rules);
  for (const std::string &f : cl.ruleFiles)
    loadRuleFile(rules, f);

  FrontendOptions fo;
  fo.modelPath = cl.input;
  fo.inputs = cl.inputShapes;
  fo.registry = &rules;
  fo.progress = isatty(2);
  FrontendOutput lowered = lowerTorchScript(fo);
  for (const std::string &w : lowered.warnings)
    std::cerr << "warning: " << w << "\n";
  Graph &graph = *lowered.graph;
  verifyGraph(graph, &rules);
  std::vector<std::string> warnings;
  resolveUnknownOps(graph, rules, parseUnknownOpPolicy(cl.unknownOps), warnings);
  for (const std::string &w : warnings)
    std::cerr << "warning: " << w << "\n";

  AnalysisManager am(graph, rules);
  const ChannelGroups &groups = am.getResult<ChannelGroupsAnalysis>();

  VerifyOptions vo;
  vo.modelPath = cl.input;
  vo.inputs = cl.inputShapes;
  vo.graph = &graph;
  vo.registry = &rules;
  vo.groups = &groups;
  vo.minimality = minimality;
  vo.progress = isatty(2);
  auto result = std::make_unique<VerifyResult>();
  loadVerifier()(&vo, &result->out);
  if (!result->out.error.empty())
    throw Error(result->out.error);
  for (const VerifySetResult &s : result->out.sets)
    result->setText.push_back(membersText(groups.sets[s.set - 1]));
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result->pass = "verify";
  bool allGood = result->failed() == 0 && result->overCoupled() == 0;

  PassContext ctx;
  ctx.results.push_back(std::move(result));
  ReportOutput output(cl.outputFile);
  setTextColor(output.wantsColor(cl.color));
  writeReport(ctx, cl.input, cl.format, output.stream());
  output.finish();
  return allGood ? 0 : 1;
}

} // namespace pd
