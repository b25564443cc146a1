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
#include <cmath>
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

// One draw of a stage: the mean time of k back-to-back runs of `work`, with k
// chosen so that the k runs last at least `interval` seconds at every size
// (work times itself, so that what it sets up is not counted). A stage of
// 3 ns per op takes 0.3 ms at 100k ops and 3 ms at 1M: timed once, the 100k
// draw is short enough to miss the timer ticks, interrupts and steals of a
// shared machine that the 1M draw cannot miss, so the minimum of short draws
// flattered 100k and inflated the 1M/100k ratio (per-round ratios of 5-21x).
// An interval of the same length at every size has the same exposure. The
// mean is unbiased whatever k is, unlike a minimum, which falls as draws are
// added; k is capped so that a 1k-op stage of a microsecond stays bounded.
struct IntervalTimer {
  double interval;
  static constexpr unsigned kMaxRuns = 100000;

  template <typename Work> unsigned runsFor(Work &work) const {
    double first = work().wall;
    if (first >= interval)
      return 1;
    double k = std::ceil(interval / std::max(first, 1e-7));
    return static_cast<unsigned>(std::min<double>(k, kMaxRuns));
  }
  template <typename Work> Elapsed meanOf(unsigned runs, Work &work) const {
    Elapsed sum{0, 0};
    for (unsigned i = 0; i < runs; ++i) {
      Elapsed t = work();
      sum.wall += t.wall;
      sum.cpu += t.cpu;
    }
    return {sum.wall / runs, sum.cpu / runs};
  }
};

// The minimum over exactly `reps` draws (IntervalTimer: each a mean over an
// interval), after one run that sets the number of runs per draw and warms
// up. The same count of draws at every size: the minimum of k draws from a
// noisy machine falls as k grows, so a stage that ran until a time budget
// was used up (10x more draws at 100k ops than at 1M) had its 1M/100k ratio
// inflated by the noise alone. The bench's rounds (RoundStats.h) take care
// of unlucky children.
template <typename Work> Elapsed minOf(unsigned reps, const IntervalTimer &timer, Work &&work) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const unsigned runs = timer.runsFor(work);
  Elapsed best{kInf, kInf};
  for (unsigned r = 0; r < std::max(reps, 1u); ++r) {
    Elapsed t = timer.meanOf(runs, work);
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

// Builds `pipeline` and times one run of it over g with `am` (building the
// passes and, on return, freeing their reports are not counted).
Elapsed runPipeline(Graph &g, AnalysisManager &am, const PassRegistry &passes,
                    const std::string &pipeline) {
  PassContext ctx;
  PassManager pm;
  for (auto &p : buildPipeline(pipeline, passes))
    pm.add(std::move(p));
  Stopwatch t0;
  pm.run(g, am, ctx);
  return t0.elapsed();
}

// Runs `pipeline` over g with a fresh analysis cache (the layer index built
// on the clock, as in a real run).
Elapsed timePipeline(Graph &g, const OpRegistry &rules, const PassRegistry &passes,
                    const std::string &pipeline) {
  AnalysisManager am(g, rules);
  return runPipeline(g, am, passes, pipeline);
}

// Times `pipeline` alone, over and over, on one analysis manager that keeps
// the layer index (built once, before the first run) and drops every other
// result after each run: a single analysis repeated k times (IntervalTimer)
// neither rebuilds the index k times nor finds its own result cached.
class PassesOnBuiltIndex {
public:
  PassesOnBuiltIndex(Graph &g, const OpRegistry &rules, const PassRegistry &passes, std::string pipeline)
      : am_(g, rules), graph_(g), passes_(passes), pipeline_(std::move(pipeline)) {
    am_.getResult<LayerIndexAnalysis>();
  }
  Elapsed operator()() {
    Elapsed e = runPipeline(graph_, am_, passes_, pipeline_);
    am_.invalidate(PreservedAnalyses::none().preserve<LayerIndexAnalysis>());
    return e;
  }

private:
  AnalysisManager am_;
  Graph &graph_;
  const PassRegistry &passes_;
  std::string pipeline_;
};

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

int measureGraphFile(const std::string &path, unsigned reps, double interval,
                     const std::string &defaultPipeline, bool channelGroups,
                     const std::vector<std::string> &onlyStages) {
  const IntervalTimer timer{interval};
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
      timePipeline(*g, rules, passes, defaultPipeline);
      emit("bytes", kPeakPipeline, static_cast<double>(peakResident() - rss0));
    }

    // Times: the minimum over `reps` runs each, of the stages asked for
    // (all without --stage). Returns false for a stage not asked for.
    auto timeStage = [&](const std::string &stage, auto &&work) {
      if (!wanted(stage))
        return false;
      emitTime(stage, minOf(reps, timer, work));
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
      if (wanted(one))
        timeStage(one, PassesOnBuiltIndex(*g, rules, passes, one));
    }
    channelGroups = channelGroups && wanted("channel-groups") &&
                    timeStage("channel-groups", PassesOnBuiltIndex(*g, rules, passes, "channel-groups"));
    timeStage("default pipeline",
              [&] { return timePipeline(*g, rules, passes, defaultPipeline); });
    if (channelGroups) {
      size_t rss0 = resetPeakResident();
      timePipeline(*g, rules, passes, "channel-groups");
      emit("bytes", kPeakChannelGroups, static_cast<double>(peakResident() - rss0));
    }
    g.reset();
    timeStage(kWholeRun, [&] {
      Stopwatch t0;
      std::unique_ptr<Graph> h = parseAndVerify(text, rules);
      timePipeline(*h, rules, passes, defaultPipeline);
      return t0.elapsed();
    });
    return 0;
  } catch (const std::exception &e) {
    emitError(e.what());
    return 1;
  }
}

} // namespace pd::bench
