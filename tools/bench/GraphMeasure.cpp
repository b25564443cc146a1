#include "tools/bench/GraphMeasure.h"

#include "ir/LargeArray.h"
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
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>

namespace pd::bench {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double threadCpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Wall time and the calling thread's CPU time (page faults included: the
// kernel charges them to the thread). They agree on an idle machine, since
// the measured code is single-threaded and does no I/O; on a shared machine
// the wall time also counts the waits for a core, the CPU time does not.
struct Elapsed {
  double wall, cpu;
};

struct Stopwatch {
  Clock::time_point wall0 = Clock::now();
  double cpu0 = threadCpuSeconds();
  Elapsed elapsed() const { return {secondsSince(wall0), threadCpuSeconds() - cpu0}; }
};

void emitTime(const std::string &stage, Elapsed e) {
  emit("time", stage, e.wall);
  emit("cpu", stage, e.cpu);
}

// The minimum over exactly `reps` runs of `work`, which times itself (so
// that what it sets up is not counted) and returns its Elapsed. The same
// count at every size: the minimum of k draws from a noisy machine falls as
// k grows, so a stage that ran until a time budget was used up (10x more
// draws at 100k ops than at 1M) had its 1M/100k ratio inflated by the noise
// alone. The bench's rounds (RoundStats.h) take care of unlucky children.
template <typename Work> Elapsed minOf(unsigned reps, Work &&work) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Elapsed best{kInf, kInf};
  for (unsigned r = 0; r < std::max(reps, 1u); ++r) {
    Elapsed t = work();
    best.wall = std::min(best.wall, t.wall);
    best.cpu = std::min(best.cpu, t.cpu);
  }
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
Elapsed timePipeline(Graph &g, const OpRegistry &rules, const PassRegistry &passes,
                    const std::string &pipeline, bool indexFirst) {
  AnalysisManager am(g, rules);
  if (indexFirst)
    am.getResult<LayerIndexAnalysis>();
  PassContext ctx;
  PassManager pm;
  for (auto &p : buildPipeline(pipeline, passes))
    pm.add(std::move(p));
  Stopwatch t0;
  pm.run(g, am, ctx);
  return t0.elapsed();
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
                     bool channelGroups, const std::vector<std::string> &onlyStages) {
  auto wanted = [&](const std::string &stage) {
    return onlyStages.empty() || std::find(onlyStages.begin(), onlyStages.end(), stage) != onlyStages.end();
  };
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
      // The IR's ops and values sit in huge-page arena blocks (ir/LargeArray.h)
      // that mallinfo2 does not count: added.
      size_t heap0 = heapInUse() + arenaMappedBytes();
      std::unique_ptr<Graph> g = parseAndVerify(text, rules);
      ops = g->numOps();
      emit("count", "ops", static_cast<double>(ops));
      emit("bytes", kIrHeap, static_cast<double>(heapInUse() + arenaMappedBytes() - heap0));
      timePipeline(*g, rules, passes, defaultPipeline, false);
      emit("bytes", kPeakPipeline, static_cast<double>(peakResident() - rss0));
    }

    // Times: the minimum over `reps` runs each, of the stages asked for
    // (all without --stage). Returns false for a stage not asked for.
    auto timeStage = [&](const std::string &stage, auto &&work) {
      if (!wanted(stage))
        return false;
      emitTime(stage, minOf(reps, work));
      return true;
    };
    std::unique_ptr<Graph> g;
    // The later stages need the graph parsed and verified, timed or not.
    if (!timeStage("parse", [&] {
          g.reset();
          Stopwatch t0;
          g = parseGraph(text, "synthetic.pdir");
          return t0.elapsed();
        }))
      g = parseGraph(text, "synthetic.pdir");
    if (!timeStage("verify", [&] {
          Stopwatch t0;
          verifyGraph(*g, &rules);
          return t0.elapsed();
        }))
      verifyGraph(*g, &rules);
    std::vector<std::string> warnings;
    resolveUnknownOps(*g, rules, UnknownOpPolicy::Barrier, warnings);
    timeStage("print", [&] {
      Stopwatch t0;
      std::string out = printGraph(*g);
      return t0.elapsed();
    });
    timeStage("layer-index", [&] {
      AnalysisManager am(*g, rules);
      Stopwatch t0;
      am.getResult<LayerIndexAnalysis>();
      return t0.elapsed();
    });
    for (const PipelineEntry &e : parsePipelineText(defaultPipeline)) {
      std::string one = passText(e);
      timeStage(one, [&] { return timePipeline(*g, rules, passes, one, true); });
    }
    channelGroups = channelGroups &&
                    timeStage("channel-groups", [&] {
                      return timePipeline(*g, rules, passes, "channel-groups", true);
                    });
    timeStage("default pipeline",
              [&] { return timePipeline(*g, rules, passes, defaultPipeline, false); });
    if (channelGroups) {
      size_t rss0 = resetPeakResident();
      timePipeline(*g, rules, passes, "channel-groups", false);
      emit("bytes", kPeakChannelGroups, static_cast<double>(peakResident() - rss0));
    }
    g.reset();
    timeStage(kWholeRun, [&] {
      Stopwatch t0;
      std::unique_ptr<Graph> h = parseAndVerify(text, rules);
      timePipeline(*h, rules, passes, defaultPipeline, false);
      return t0.elapsed();
    });
    return 0;
  } catch (const std::exception &e) {
    emitError(e.what());
    return 1;
  }
}

} // namespace pd::bench
