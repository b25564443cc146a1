#include "tools/bench/GraphMeasure.h"

#include "ir/LargeArray.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "passes/index/LayerIndex.h"
#include "passes/core/PassManager.h"
#include "passes/core/PassRegistry.h"
#include "passes/core/Pipeline.h"
#include "passes/graph/UnknownOps.h"
#include "tools/bench/Memory.h"
#include "tools/bench/Records.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
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

// One graph of a measuring child: its text, the graph once parsed and
// verified, and whether channel-groups is timed on it.
struct MeasuredGraph {
  std::string text;
  std::unique_ptr<Graph> graph;
  bool channelGroups = false;
};

// The IR's heap and the peak of a whole run (and of channel-groups if
// `channelGroups`), in a process that has parsed nothing yet.
void measureMemory(const std::string &text, OpRegistry &rules, const PassRegistry &passes,
                   const std::string &defaultPipeline, bool channelGroups) {
  size_t rss0 = resetPeakResident();
  // The IR's ops and values sit in huge-page arena blocks (ir/LargeArray.h)
  // that mallinfo2 does not count: added.
  size_t heap0 = heapInUse() + arenaMappedBytes();
  std::unique_ptr<Graph> g = parseAndVerify(text, rules);
  emit("bytes", kIrHeap, static_cast<double>(heapInUse() + arenaMappedBytes() - heap0));
  timePipeline(*g, rules, passes, defaultPipeline);
  emit("bytes", kPeakPipeline, static_cast<double>(peakResident() - rss0));
  if (channelGroups) {
    size_t before = resetPeakResident();
    timePipeline(*g, rules, passes, "channel-groups");
    emit("bytes", kPeakChannelGroups, static_cast<double>(peakResident() - before));
  }
}

using Work = std::function<Elapsed()>;

// The minimum over `reps` draws (IntervalTimer: each a mean over an
// interval) of each work, after one run that sets its number of runs per
// draw and warms up. The same count of draws at every size: the minimum of k
// draws from a noisy machine falls as k grows, so a stage that ran until a
// time budget was used up (10x more draws at 100k ops than at 1M) had its
// 1M/100k ratio inflated by the noise alone. The works' draws are taken in
// turn: a draw of graph 0, one of graph 1, then graph 0 again, and so on.
// The bench pairs its 100k and 1M graphs in one child this way so that the
// two sides of a 1M/100k ratio see the same state of a shared host: minutes
// apart in separate children, a busy spell on the host fell on one side only
// and moved single ratios from 8x to 18x. With more than one work, each draw
// starts after one untimed run of its own work: the draw before it was
// another graph's and left the caches cold.
std::vector<Elapsed> alternatingMinOf(unsigned reps, const IntervalTimer &timer, std::vector<Work> &works) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<unsigned> runs;
  for (Work &w : works)
    runs.push_back(timer.runsFor(w));
  std::vector<Elapsed> best(works.size(), Elapsed{kInf, kInf});
  for (unsigned r = 0; r < std::max(reps, 1u); ++r)
    for (size_t k = 0; k < works.size(); ++k) {
      if (works.size() > 1)
        works[k]();
      Elapsed t = timer.meanOf(runs[k], works[k]);
      best[k].wall = std::min(best[k].wall, t.wall);
      best[k].cpu = std::min(best[k].cpu, t.cpu);
    }
  return best;
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

int measureGraphFiles(const std::vector<GraphFile> &files, unsigned reps, double interval,
                      const std::string &defaultPipeline, const std::vector<std::string> &onlyStages) {
  const IntervalTimer timer{interval};
  auto wanted = [&](const std::string &stage) {
    return onlyStages.empty() || std::find(onlyStages.begin(), onlyStages.end(), stage) != onlyStages.end();
  };
  try {
    OpRegistry rules = OpRegistry::withBuiltins();
    const PassRegistry passes = PassRegistry::withBuiltins();
    std::vector<MeasuredGraph> graphs(files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      graphs[i].text = readFile(files[i].path);
      graphs[i].channelGroups = files[i].channelGroups && wanted("channel-groups");
    }
    // Graph 0's memory first, before anything else is parsed (a second
    // graph's would reuse the first one's freed pages: the bench measures
    // each size's memory as graph 0 of some child).
    setRecordGraph(0);
    measureMemory(graphs[0].text, rules, passes, defaultPipeline,
                  graphs[0].channelGroups);
    // Parsed here for the op counts; verified once, after the parse stage
    // (which replaces these graphs when it is timed).
    for (size_t i = 0; i < graphs.size(); ++i) {
      setRecordGraph(i);
      emit("bytes", "text", static_cast<double>(graphs[i].text.size()));
      graphs[i].graph = parseGraph(graphs[i].text, "synthetic.pdir");
      emit("count", "ops", static_cast<double>(graphs[i].graph->numOps()));
    }
    if (reps == 0)
      return 0; // memory and counts only

    // Times: for each stage asked for (all without --stage), `reps` draws
    // of each graph, alternating (alternatingMinOf), the minimum kept.
    // workFor(graph) makes the work; the works live until the stage is done.
    auto timeStage = [&](const std::string &stage, auto &&workFor) {
      if (!wanted(stage))
        return;
      std::vector<size_t> which;
      std::vector<Work> works;
      for (size_t i = 0; i < graphs.size(); ++i)
        if (stage != "channel-groups" || graphs[i].channelGroups) {
          which.push_back(i);
          works.push_back(workFor(graphs[i]));
        }
      std::vector<Elapsed> best = alternatingMinOf(reps, timer, works);
      for (size_t k = 0; k < which.size(); ++k) {
        setRecordGraph(which[k]);
        emitTime(stage, best[k]);
      }
    };
    // Parsing replaces the graph it times; the graphs are verified next.
    timeStage("parse", [&](MeasuredGraph &m) {
      return [&m] {
        m.graph.reset();
        Stopwatch t0;
        m.graph = parseGraph(m.text, "synthetic.pdir");
        return t0.elapsed();
      };
    });
    for (MeasuredGraph &m : graphs) {
      verifyGraph(*m.graph, &rules);
      std::vector<std::string> warnings;
      resolveUnknownOps(*m.graph, rules, UnknownOpPolicy::Barrier, warnings);
    }
    timeStage("verify", [&](MeasuredGraph &m) {
      return [&m, &rules] {
        Stopwatch t0;
        verifyGraph(*m.graph, &rules);
        return t0.elapsed();
      };
    });
    timeStage("print", [&](MeasuredGraph &m) {
      return [&m] {
        Stopwatch t0;
        std::string out = printGraph(*m.graph);
        return t0.elapsed();
      };
    });
    timeStage("layer-index", [&](MeasuredGraph &m) {
      return [&m, &rules] {
        AnalysisManager am(*m.graph, rules);
        Stopwatch t0;
        am.getResult<LayerIndexAnalysis>();
        return t0.elapsed();
      };
    });
    std::vector<std::string> singles;
    for (const PipelineEntry &e : parsePipelineText(defaultPipeline))
      singles.push_back(passText(e));
    singles.push_back("channel-groups");
    for (const std::string &one : singles)
      timeStage(one, [&](MeasuredGraph &m) -> Work {
        auto run = std::make_shared<PassesOnBuiltIndex>(*m.graph, rules, passes, one);
        return [run] { return (*run)(); };
      });
    timeStage("default pipeline", [&](MeasuredGraph &m) {
      return [&m, &rules, &passes, &defaultPipeline] {
        return timePipeline(*m.graph, rules, passes, defaultPipeline);
      };
    });
    for (MeasuredGraph &m : graphs)
      m.graph.reset();
    timeStage(kWholeRun, [&](MeasuredGraph &m) {
      return [&m, &rules, &passes, &defaultPipeline] {
        Stopwatch t0;
        std::unique_ptr<Graph> h = parseAndVerify(m.text, rules);
        timePipeline(*h, rules, passes, defaultPipeline);
        return t0.elapsed();
      };
    });
    return 0;
  } catch (const std::exception &e) {
    emitError(e.what());
    return 1;
  }
}

} // namespace pd::bench
