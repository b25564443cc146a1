// prunedep-bench: speed and memory of the IR and the passes at scale, and the
// cost of the TorchScript frontend.
//
// For each synthetic shape (tools/synth) at 1k, 10k, 100k and 1M ops it
// writes the graph as .pdir, then measures it in fresh child processes
// (GraphMeasure.h): print, parse, verify, each analysis, channel-groups, the
// whole default pipeline; ns per op, parse MB/s, the IR's heap and the peak
// resident set per op. The 100k and 1M graphs are timed in one child with
// their draws alternating, so that both sides of the 1M/100k ratio come from
// the same minutes of a shared host; each size's memory is read in a child
// where it is the first graph parsed. The children run for --rounds rounds
// (a child's heap and page layout are one draw, and one unlucky child moves a
// 1M/100k ratio by 2x), and the tables show each stage's median ns per op
// and the median and range of its per-round 1M/100k time ratio (linear
// passes stay near 10; RoundStats.h, Tables.h). For
// resnet50 and vit_b_16 (traced into build/tests/models) it measures the
// frontend's stages against torch::jit::load plus one forward pass
// (FrontendMeasure.h), and `prunedep prune`'s plan and prune on resnet50, densenet121
// and vit_b_16 next to their analysis (PruneMeasure.h). Last, summary tables
// in Markdown for docs/performance.md.
//
// Plain chrono loops, not Google Benchmark: each measurement is one run of a
// workload of up to seconds at a fixed size, repeated a few times (minimum
// kept) in a process of its own so that peak memory and interned names
// belong to that size alone; Google Benchmark's adaptive iteration counts and
// per-benchmark statistics fit micro-benchmarks, and it has no notion of a
// fresh process per size, of per-op normalisation or of cross-size ratios.
//
//   prunedep-bench [--shape NAME]... [--max-ops N] [--rounds N] [--reps N]
//                  [--interval-ms N] [--stage NAME]... [--models DIR] [--no-frontend]
//                  [--workdir DIR] [--channel-groups-max-ops N]
#include "ir/Diagnostic.h"
#include "ir/Printer.h"
#include "tools/common/ModuleLoader.h"
#include "tools/bench/FrontendMeasure.h"
#include "tools/bench/PruneMeasure.h"
#include "tools/bench/GraphMeasure.h"
#include "tools/bench/Records.h"
#include "tools/bench/RoundStats.h"
#include "tools/bench/Tables.h"
#include "tools/synth/SyntheticModels.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace pd;
using namespace pd::bench;

namespace {

struct Options {
  std::vector<std::string> shapes = syntheticShapeNames();
  size_t maxOps = 1000000;
  // Draws of each stage per child (the minimum is kept), the same at every
  // size; each draw is the mean of the runs that fill `intervalMs`.
  unsigned reps = 5;
  unsigned intervalMs = 50;
  // Rounds of children per size (medians and ranges across them).
  unsigned rounds = 3;
  // Stages to time (empty: all); the children still parse and read memory.
  std::vector<std::string> stages;
  std::string modelsDir;
  bool frontend = true;
  std::string workDir;
  // channel-groups tracks every channel (about 2.4-6.7 kB per op of these
  // shapes): above this size it would need gigabytes of a shared machine.
  size_t channelGroupsMaxOps = 100000;
};

// Runs this program again with `args` (a fresh process: nothing measured
// before shares its heap or its peak) and collects its records, by graph
// (`graphs` of them; an error of the child is every graph's).
std::vector<Measured> runChild(const std::vector<std::string> &args, size_t graphs = 1) {
  std::vector<Measured> measured(graphs);
  auto failAll = [&](const std::string &error) {
    for (Measured &m : measured)
      if (m.error.empty())
        m.error = error;
    return measured;
  };
  int fds[2];
  if (pipe(fds) != 0)
    return failAll(std::string("pipe: ") + std::strerror(errno));
  std::string self = executablePath();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char *> argv{const_cast<char *>(self.c_str())};
    for (const std::string &a : args)
      argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    execv(self.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  for (const Record &r : parseRecords(out)) {
    if (r.kind == "error") {
      failAll(r.text);
      continue;
    }
    if (r.graph >= graphs)
      continue; // not a graph this bench asked about
    Measured &m = measured[r.graph];
    if (r.kind == "time")
      m.time[r.what] = r.value;
    else if (r.kind == "cpu")
      m.cpu[r.what] = r.value;
    else if (r.kind == "bytes")
      m.bytes[r.what] = r.value;
    else if (r.kind == "count")
      m.count[r.what] = r.value;
  }
  if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    failAll(WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                : "exit status " + std::to_string(WEXITSTATUS(status)));
  return measured;
}

// The model's input shapes from the .json its tracing wrote
// ("input_shapes": ["1x3x224x224", ...]), comma-joined.
std::string inputShapesOf(const std::string &jsonPath) {
  std::ifstream in(jsonPath);
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t key = json.find("\"input_shapes\"");
  if (key == std::string::npos)
    return "";
  size_t open = json.find('[', key), close = json.find(']', key);
  std::string shapes;
  for (size_t q = json.find('"', open); q < close; q = json.find('"', q)) {
    size_t end = json.find('"', q + 1);
    shapes += (shapes.empty() ? "" : ",") + json.substr(q + 1, end - q - 1);
    q = end + 1;
  }
  return shapes;
}

bool exists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

int usage() {
  std::cerr << "usage: prunedep-bench [--shape resnet|densenet|mobilenet|transformer]... [--max-ops N]\n"
               "                      [--rounds N] [--reps N] [--interval-ms N] [--stage NAME]...\n"
               "                      [--models DIR] [--no-frontend] [--workdir DIR]\n"
               "                      [--channel-groups-max-ops N]\n";
  return 2;
}

// Comma-joined, for the child's command line ("all" for none).
std::string stageList(const std::vector<std::string> &stages) {
  std::string joined;
  for (const std::string &s : stages)
    joined += (joined.empty() ? "" : ",") + s;
  return joined.empty() ? "all" : joined;
}

std::vector<std::string> splitStageList(const std::string &list) {
  std::vector<std::string> stages;
  if (list == "all")
    return stages;
  for (size_t at = 0; at <= list.size();) {
    size_t comma = std::min(list.find(',', at), list.size());
    stages.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  return stages;
}

// A measuring child's command line: `reps` draws of the stages asked for on
// each of the graphs of `sizes` (0: memory only), its memory records about
// the first; channel-groups on the sizes up to --channel-groups-max-ops.
std::vector<std::string> measureArgs(const Options &opt, unsigned reps, const std::vector<std::string> &files,
                                     const std::vector<size_t> &sizes, std::vector<size_t> which) {
  std::vector<std::string> args{"--measure-graph", std::to_string(reps), std::to_string(opt.intervalMs / 1000.0),
                                stageList(opt.stages)};
  for (size_t i : which)
    args.push_back((sizes[i] <= opt.channelGroupsMaxOps ? "cg:" : "no-cg:") + files[i]);
  return args;
}

// Writes every size of one shape, runs the sizes alternately for the
// rounds, and removes the files. The two largest sizes are timed in one
// child, their draws alternating (GraphMeasure.h), so that the 1M/100k ratio
// compares times from the same minutes of the host; the smaller of the two
// gets its memory records from a child of its own, which times nothing.
void measureShape(const Options &opt, const std::string &shapeName, GraphResults &res) {
  SyntheticShape shape = parseSyntheticShape(shapeName);
  std::vector<std::string> files;
  for (size_t n : res.sizes) {
    files.push_back(opt.workDir + "/prunedep-bench-" + std::to_string(getpid()) + "-" + shapeName + "-" +
                    std::to_string(n) + ".pdir");
    std::ofstream out(files.back(), std::ios::binary);
    printGraph(*buildSyntheticModel(shape, n), out);
    if (!out.flush())
      throw Error(files.back() + ": cannot write");
  }
  const size_t count = res.sizes.size();
  const size_t pairedFrom = count >= 2 ? count - 2 : count; // the index of the smaller paired size
  auto report = [&](size_t i, Measured m) {
    if (!m.error.empty())
      std::fprintf(stderr, "%s %zu: %s\n", shapeName.c_str(), res.sizes[i], m.error.c_str());
    res.children[shapeName][res.sizes[i]].push_back(std::move(m));
  };
  for (unsigned round = 0; round < opt.rounds; ++round) {
    std::fprintf(stderr, "%s: round %u of %u\n", shapeName.c_str(), round + 1, opt.rounds);
    // As many repetitions at every size: the ratios compare like with like
    // (GraphMeasure.cpp, alternatingMinOf).
    for (size_t i = 0; i < pairedFrom; ++i)
      report(i, runChild(measureArgs(opt, opt.reps, files, res.sizes, {i}))[0]);
    if (pairedFrom == count)
      continue;
    size_t small = pairedFrom, big = count - 1;
    Measured smallMemory = runChild(measureArgs(opt, 0, files, res.sizes, {small}))[0];
    std::vector<Measured> paired = runChild(measureArgs(opt, opt.reps, files, res.sizes, {big, small}), 2);
    Measured &smallTimes = paired[1];
    smallTimes.bytes = smallMemory.bytes;
    if (smallTimes.error.empty())
      smallTimes.error = smallMemory.error;
    report(small, std::move(smallTimes));
    report(big, std::move(paired[0]));
  }
  for (const std::string &f : files)
    std::remove(f.c_str());
}

// The TorchScript frontend of resnet50 and vit_b_16, printed; the children by model.
std::map<std::string, Measured> measureFrontends(const Options &opt) {
  std::map<std::string, Measured> frontend;
  std::printf("\n== TorchScript frontend (seconds, minimum of %u) ==\n", opt.reps);
  if (findFrontendModule().empty()) {
    std::printf("skipped: the frontend module (libprunedep_torchscript.so) is not built\n");
    return frontend;
  }
  for (const char *model : {"resnet50", "vit_b_16"}) {
    std::string pt = opt.modelsDir + "/" + model + ".pt", json = opt.modelsDir + "/" + model + ".json";
    if (!exists(pt) || !exists(json)) {
      std::printf("%s: skipped (%s not traced; meson compile model-%s)\n", model, pt.c_str(), model);
      continue;
    }
    Measured m = runChild({"--measure-frontend", pt, inputShapesOf(json), std::to_string(opt.reps)})[0];
    if (!m.error.empty()) {
      std::printf("%s: %s\n", model, m.error.c_str());
      continue;
    }
    double base = m.time["load + forward"], total = m.time["frontend total"];
    std::printf("%-10s load %.3f  shape recording %.3f  lowering %.3f  = %.3f | torch::jit::load %.3f "
                "+ forward %.3f = %.3f | frontend overhead %+.0f%%\n",
                model, m.time["frontend load"], m.time["frontend shape recording"], m.time["frontend lowering"],
                total, m.time["torch::jit::load"], m.time["forward"], base, (total - base) / base * 100);
    frontend[model] = m;
  }
  return frontend;
}

void printFrontendMarkdown(std::map<std::string, Measured> &frontend) {
  if (frontend.empty())
    return;
  std::printf("\n| model (ops) | load | shape recording | lowering | frontend total | torch::jit::load + "
              "forward | overhead |\n|---|---:|---:|---:|---:|---:|---:|\n");
  for (auto &[model, m] : frontend) {
    double base = m.time["load + forward"], total = m.time["frontend total"];
    std::printf("| %s (%.0f) | %.3f s | %.3f s | %.3f s | %.3f s | %.3f + %.3f = %.3f s | %+.0f%% |\n",
                model.c_str(), m.count["ops"], m.time["frontend load"], m.time["frontend shape recording"],
                m.time["frontend lowering"], total, m.time["torch::jit::load"], m.time["forward"], base,
                (total - base) / base * 100);
  }
}

// plan + prune of `prunedep prune` on three models, next to the analysis.
std::map<std::string, Measured> measurePrunes(const Options &opt) {
  std::map<std::string, Measured> pruned;
  std::printf("\n== prunedep prune, ratio 0.5, L1, in one process (seconds, minimum of %u) ==\n", opt.reps);
  if (findPrunerModule().empty() || findFrontendModule().empty()) {
    std::printf("skipped: the pruner module (libprunedep_prune.so) is not built\n");
    return pruned;
  }
  for (const char *model : {"resnet50", "densenet121", "vit_b_16"}) {
    std::string pt = opt.modelsDir + "/" + model + ".pt", json = opt.modelsDir + "/" + model + ".json";
    if (!exists(pt) || !exists(json)) {
      std::printf("%s: skipped (%s not traced; meson compile model-%s)\n", model, pt.c_str(), model);
      continue;
    }
    Measured m = runChild({"--measure-prune", pt, inputShapesOf(json), std::to_string(opt.reps)})[0];
    if (!m.error.empty()) {
      std::printf("%s: %s\n", model, m.error.c_str());
      continue;
    }
    std::printf("%-12s channel-groups %.3f | plan %.3f  prune %.3f  = %.3f | params %.0f -> %.0f\n", model,
                m.time["channel-groups"], m.time["plan"], m.time["prune"], m.time["plan"] + m.time["prune"],
                m.count["params before"], m.count["params after"]);
    pruned[model] = m;
  }
  return pruned;
}

void printPruneMarkdown(std::map<std::string, Measured> &pruned) {
  if (pruned.empty())
    return;
  std::printf("\n| model (ops) | channel-groups | plan | prune | plan + prune | sets pruned | params |\n"
              "|---|---:|---:|---:|---:|---:|---|\n");
  for (auto &[model, m] : pruned)
    std::printf("| %s (%.0f) | %.3f s | %.3f s | %.3f s | %.3f s | %.0f | %.1fM -> %.1fM |\n", model.c_str(),
                m.count["ops"], m.time["channel-groups"], m.time["plan"], m.time["prune"],
                m.time["plan"] + m.time["prune"], m.count["sets pruned"], m.count["params before"] / 1e6,
                m.count["params after"] / 1e6);
}

unsigned positiveCount(const char *option, const std::string &text) {
  size_t used = 0;
  unsigned long v = 0;
  try {
    v = std::stoul(text, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used != text.size() || v == 0 || v > 1000)
    throw Error(std::string(option) + ": expected a count from 1 to 1000, got '" + text + "'");
  return static_cast<unsigned>(v);
}

} // namespace

int main(int argc, char **argv) {
  const std::string pipeline = PD_DEFAULT_PIPELINE;
  // The children: graphs, or one model through the frontend. Their command
  // lines come from this program; a hand-typed bad one gets a message.
  try {
    // --measure-graph REPS INTERVAL STAGES (cg:|no-cg:)FILE... (measureArgs)
    if (argc >= 6 && std::string(argv[1]) == "--measure-graph") {
      std::vector<GraphFile> files;
      for (int i = 5; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("cg:", 0) != 0 && a.rfind("no-cg:", 0) != 0)
          throw Error("--measure-graph: expected cg:FILE or no-cg:FILE, got '" + a + "'");
        files.push_back({a.substr(a.find(':') + 1), a[0] == 'c'});
      }
      return measureGraphFiles(files, static_cast<unsigned>(std::stoul(argv[2])), std::stod(argv[3]),
                               pipeline, splitStageList(argv[4]));
    }
    if (argc == 5 && std::string(argv[1]) == "--measure-frontend")
      return measureFrontend(argv[2], argv[3], static_cast<unsigned>(std::stoul(argv[4])));
    if (argc == 5 && std::string(argv[1]) == "--measure-prune")
      return measurePrune(argv[2], argv[3], static_cast<unsigned>(std::stoul(argv[4])));
  } catch (const std::exception &e) {
    std::cerr << "prunedep-bench " << argv[1] << ": bad arguments (" << e.what() << ")\n";
    return 2;
  }

  Options opt;
  bool shapesGiven = false;
  const std::vector<std::string> allStages = graphStages(pipeline);
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      bool more = i + 1 < argc;
      if (a == "--shape" && more) {
        if (!shapesGiven)
          opt.shapes.clear();
        shapesGiven = true;
        opt.shapes.push_back(argv[++i]);
      } else if (a == "--max-ops" && more) {
        opt.maxOps = std::stoul(argv[++i]);
      } else if (a == "--reps" && more) {
        opt.reps = positiveCount("--reps", argv[++i]);
      } else if (a == "--interval-ms" && more) {
        opt.intervalMs = positiveCount("--interval-ms", argv[++i]);
      } else if (a == "--rounds" && more) {
        opt.rounds = positiveCount("--rounds", argv[++i]);
      } else if (a == "--stage" && more) {
        std::string stage = argv[++i];
        if (std::find(allStages.begin(), allStages.end(), stage) == allStages.end()) {
          std::string known;
          for (const std::string &s : allStages)
            known += (known.empty() ? "" : ", ") + s;
          throw Error("--stage: unknown stage '" + stage + "' (known: " + known + ")");
        }
        opt.stages.push_back(stage);
      } else if (a == "--models" && more) {
        opt.modelsDir = argv[++i];
      } else if (a == "--workdir" && more) {
        opt.workDir = argv[++i];
      } else if (a == "--channel-groups-max-ops" && more) {
        opt.channelGroupsMaxOps = std::stoul(argv[++i]);
      } else if (a == "--no-frontend") {
        opt.frontend = false;
      } else {
        return usage();
      }
    }
  } catch (const std::exception &e) {
    std::cerr << "prunedep-bench: " << e.what() << "\n";
    return 2;
  }
  if (opt.modelsDir.empty())
    opt.modelsDir = executableDir() + "/../../tests/models";
  if (opt.workDir.empty())
    opt.workDir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

  GraphResults res;
  for (size_t n = 1000; n <= opt.maxOps; n *= 10)
    res.sizes.push_back(n);
  res.shapes = opt.shapes;
  res.stages = opt.stages.empty() ? allStages : opt.stages;
  res.rounds = opt.rounds;
  try {
    for (const std::string &shapeName : opt.shapes) {
      measureShape(opt, shapeName, res);
      printShapeTable(res, shapeName);
    }
    std::map<std::string, Measured> frontend, pruned;
    if (opt.frontend) {
      frontend = measureFrontends(opt);
      pruned = measurePrunes(opt);
    }
    if (!res.sizes.empty())
      printSummaryMarkdown(res);
    printFrontendMarkdown(frontend);
    printPruneMarkdown(pruned);
  } catch (const std::exception &e) {
    std::cerr << "prunedep-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
