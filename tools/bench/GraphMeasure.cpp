#include "tools/bench/GraphMeasure.h"

#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "passes/LayerIndex.h"
#include "passes/PassManager.h"
#include "passes/PassRegistry.h"
#include "passes/Pipeline.h"
#include "passes/UnknownOps.h"
#include "tools/bench/Memory.h"
#include "tools/bench/Records.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>
#include <sstream>

namespace pd::bench {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The minimum over `reps` runs of `work`, which times itself (so that what
// it sets up is not counted) and returns seconds.
template <typename Work> double minOf(unsigned reps, Work &&work) {
  double best = std::numeric_limits<double>::infinity();
  for (unsigned r = 0; r < reps; ++r)
    best = std::min(best, work());
  return best;
}

std::string passText(const PipelineEntry &e) {
  std::string one = e.name;
  if (!e.options.empty()) {
    one += "{";
    for (size_t i = 0; i < e.options.size(); ++i)
      one += (i ? "," : "") + e.options[i].first + "=" + e.options[i].second;
    one += "}";
  }
  return one;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(path + ": cannot read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `pipeline` over g with a fresh analysis cache. With `indexFirst`, the
// layer index is built before the clock starts, so the time is the passes'
// own.
double timePipeline(Graph &g, const OpRegistry &rules, const PassRegistry &passes,
                    const std::string &pipeline, bool indexFirst) {
  AnalysisManager am(g, rules);
  if (indexFirst)
    am.getResult<LayerIndexAnalysis>();
  PassContext ctx;
  PassManager pm;
  for (auto &p : buildPipeline(pipeline, passes))
    pm.add(std::move(p));
  auto t0 = Clock::now();
  pm.run(g, am, ctx);
  return secondsSince(t0);
}

std::unique_ptr<Graph> parseAndVerify(const std::string &text, OpRegistry &rules) {
  std::unique_ptr<Graph> g = parseGraph(text, "synthetic.pdir");
  verifyGraph(*g, &rules);
  std::vector<std::string> warnings;
  resolveUnknownOps(*g, rules, UnknownOpPolicy::Barrier, warnings);
  return g;
}

} // namespace

std::vector<std::string> graphStages(const std::string &defaultPipeline) {
  std::vector<std::string> stages{"print", "parse", "verify", "layer-index"};
  for (const PipelineEntry &e : parsePipelineText(defaultPipeline))
    stages.push_back(passText(e));
  stages.push_back("channel-groups");
  stages.push_back("default pipeline");
  stages.push_back(kWholeRun);
  return stages;
}

int measureGraphFile(const std::string &path, unsigned reps, const std::string &defaultPipeline,
                     bool channelGroups) {
  try {
    const std::string text = readFile(path);
    OpRegistry rules = OpRegistry::withBuiltins();
    const PassRegistry passes = PassRegistry::withBuiltins();
    emit("bytes", "text", static_cast<double>(text.size()));

    // Memory first, in a process that has parsed nothing yet: the IR's heap
    // (names interned on the way included) and the peak of a whole run.
    size_t ops = 0;
    {
      size_t rss0 = resetPeakResident();
      size_t heap0 = heapInUse();
      std::unique_ptr<Graph> g = parseAndVerify(text, rules);
      ops = g->numOps();
      emit("count", "ops", static_cast<double>(ops));
      emit("bytes", kIrHeap, static_cast<double>(heapInUse() - heap0));
      timePipeline(*g, rules, passes, defaultPipeline, false);
      emit("bytes", kPeakPipeline, static_cast<double>(peakResident() - rss0));
    }

    // Times: the minimum over `reps` runs each.
    std::unique_ptr<Graph> g;
    emit("time", "parse", minOf(reps, [&] {
           g.reset();
           auto t0 = Clock::now();
           g = parseGraph(text, "synthetic.pdir");
           return secondsSince(t0);
         }));
    emit("time", "verify", minOf(reps, [&] {
           auto t0 = Clock::now();
           verifyGraph(*g, &rules);
           return secondsSince(t0);
         }));
    std::vector<std::string> warnings;
    resolveUnknownOps(*g, rules, UnknownOpPolicy::Barrier, warnings);
    emit("time", "print", minOf(reps, [&] {
           auto t0 = Clock::now();
           std::string out = printGraph(*g);
           return secondsSince(t0);
         }));
    emit("time", "layer-index", minOf(reps, [&] {
           AnalysisManager am(*g, rules);
           auto t0 = Clock::now();
           am.getResult<LayerIndexAnalysis>();
           return secondsSince(t0);
         }));
    for (const PipelineEntry &e : parsePipelineText(defaultPipeline)) {
      std::string one = passText(e);
      emit("time", one, minOf(reps, [&] { return timePipeline(*g, rules, passes, one, true); }));
    }
    if (channelGroups)
      emit("time", "channel-groups",
           minOf(reps, [&] { return timePipeline(*g, rules, passes, "channel-groups", true); }));
    emit("time", "default pipeline",
         minOf(reps, [&] { return timePipeline(*g, rules, passes, defaultPipeline, false); }));
    if (channelGroups) {
      size_t rss0 = resetPeakResident();
      timePipeline(*g, rules, passes, "channel-groups", false);
      emit("bytes", kPeakChannelGroups, static_cast<double>(peakResident() - rss0));
    }
    g.reset();
    emit("time", kWholeRun, minOf(reps, [&] {
           auto t0 = Clock::now();
           std::unique_ptr<Graph> h = parseAndVerify(text, rules);
           timePipeline(*h, rules, passes, defaultPipeline, false);
           double s = secondsSince(t0);
           return s;
         }));
    return 0;
  } catch (const std::exception &e) {
    emitError(e.what());
    return 1;
  }
}

} // namespace pd::bench
