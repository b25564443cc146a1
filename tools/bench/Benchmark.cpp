// prunedep-bench: speed and memory of the IR and the passes at scale, and the
// cost of the TorchScript frontend.
//
// For each synthetic shape (tools/synth) at 1k, 10k, 100k and 1M ops it
// writes the graph as .pdir, then measures it in a fresh child process
// (GraphMeasure.h): print, parse, verify, each analysis, channel-groups, the
// whole default pipeline; ns per op, parse MB/s, the IR's heap and the peak
// resident set per op. Then the 1M/100k time ratio of every stage (linear
// passes stay near 10), and for resnet50 and vit_b_16 (traced into
// build/tests/models) the frontend's stages against torch::jit::load plus one
// forward pass (FrontendMeasure.h). Last, a summary table in Markdown for the
// README.
//
// Plain chrono loops, not Google Benchmark: each measurement is one run of a
// workload of up to seconds at a fixed size, repeated a few times (minimum
// kept) in a process of its own so that peak memory and interned names
// belong to that size alone; Google Benchmark's adaptive iteration counts and
// per-benchmark statistics fit micro-benchmarks, and it has no notion of a
// fresh process per size, of per-op normalisation or of cross-size ratios.
//
//   prunedep-bench [--shape NAME]... [--max-ops N] [--reps N] [--models DIR]
//                  [--no-frontend] [--workdir DIR] [--channel-groups-max-ops N]
#include "ir/Diagnostic.h"
#include "ir/Printer.h"
#include "passes/ModuleLoader.h"
#include "tools/bench/FrontendMeasure.h"
#include "tools/bench/GraphMeasure.h"
#include "tools/bench/Records.h"
#include "tools/synth/SyntheticModels.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace pd;
using namespace pd::bench;

namespace {

struct Options {
  std::vector<std::string> shapes = syntheticShapeNames();
  size_t maxOps = 1000000;
  unsigned reps = 3;
  std::string modelsDir;
  bool frontend = true;
  std::string workDir;
  // channel-groups tracks every channel (about 2.4-6.7 kB per op of these
  // shapes): above this size it would need gigabytes of a shared machine.
  size_t channelGroupsMaxOps = 100000;
};

// What one child reported.
struct Measured {
  // time: wall seconds; cpu: the measuring thread's CPU seconds (the same on
  // an idle machine, the comparable one on a shared machine).
  std::map<std::string, double> time, cpu, bytes, count;
  std::string error;
};

// Runs this program again with `args` (a fresh process: nothing measured
// before shares its heap or its peak) and collects its records.
Measured runChild(const std::vector<std::string> &args) {
  Measured m;
  int fds[2];
  if (pipe(fds) != 0) {
    m.error = std::string("pipe: ") + std::strerror(errno);
    return m;
  }
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
    if (r.kind == "time")
      m.time[r.what] = r.value;
    else if (r.kind == "cpu")
      m.cpu[r.what] = r.value;
    else if (r.kind == "bytes")
      m.bytes[r.what] = r.value;
    else if (r.kind == "count")
      m.count[r.what] = r.value;
    else if (r.kind == "error")
      m.error = r.text;
  }
  if (m.error.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    m.error = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                  : "exit status " + std::to_string(WEXITSTATUS(status));
  return m;
}

std::string fmt(const char *f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string sizeLabel(size_t n) {
  if (n >= 1000000 && n % 1000000 == 0)
    return std::to_string(n / 1000000) + "M";
  if (n >= 1000 && n % 1000 == 0)
    return std::to_string(n / 1000) + "k";
  return std::to_string(n);
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
               "                      [--reps N] [--models DIR] [--no-frontend] [--workdir DIR]\n"
               "                      [--channel-groups-max-ops N]\n";
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  const std::string pipeline = PD_DEFAULT_PIPELINE;
  // The children: one graph, or one model through the frontend.
  if (argc == 5 && std::string(argv[1]) == "--measure-graph")
    return measureGraphFile(argv[2], static_cast<unsigned>(std::stoul(argv[3])), pipeline,
                            std::string(argv[4]) == "with-channel-groups");
  if (argc == 5 && std::string(argv[1]) == "--measure-frontend")
    return measureFrontend(argv[2], argv[3], static_cast<unsigned>(std::stoul(argv[4])));

  Options opt;
  bool shapesGiven = false;
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
      opt.reps = std::max(1ul, std::stoul(argv[++i]));
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
  if (opt.modelsDir.empty())
    opt.modelsDir = executableDir() + "/../../tests/models";
  if (opt.workDir.empty())
    opt.workDir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

  std::vector<size_t> sizes;
  for (size_t n = 1000; n <= opt.maxOps; n *= 10)
    sizes.push_back(n);
  const std::vector<std::string> stages = graphStages(pipeline);
  // results[shape][size]
  std::map<std::string, std::map<size_t, Measured>> results;
  try {
    for (const std::string &shapeName : opt.shapes) {
      SyntheticShape shape = parseSyntheticShape(shapeName);
      std::printf("\n== %s ==\n%-40s", shapeName.c_str(), "stage (ns per op)");
      for (size_t n : sizes)
        std::printf(" %10s", sizeLabel(n).c_str());
      std::string ratioHead = sizes.size() >= 2 ? sizeLabel(sizes.back()) + "/" + sizeLabel(sizes[sizes.size() - 2]) : "";
      std::printf(" %9s %13s\n", ratioHead.c_str(), ratioHead.empty() ? "" : ("cpu " + ratioHead).c_str());
      std::fflush(stdout);
      for (size_t n : sizes) {
        std::string file = opt.workDir + "/prunedep-bench-" + std::to_string(getpid()) + "-" +
                           shapeName + "-" + std::to_string(n) + ".pdir";
        {
          std::ofstream out(file, std::ios::binary);
          printGraph(*buildSyntheticModel(shape, n), out);
          if (!out.flush())
            throw Error(file + ": cannot write");
        }
        // Small graphs run in microseconds: more repetitions for a stable minimum.
        unsigned reps = std::max<unsigned>(opt.reps, static_cast<unsigned>(std::min<size_t>(100, 100000 / n)));
        results[shapeName][n] = runChild({"--measure-graph", file, std::to_string(reps),
                                          n <= opt.channelGroupsMaxOps ? "with-channel-groups" : "without"});
        std::remove(file.c_str());
        if (!results[shapeName][n].error.empty())
          std::fprintf(stderr, "%s %zu: %s\n", shapeName.c_str(), n, results[shapeName][n].error.c_str());
      }
      auto &bySize = results[shapeName];
      auto perOp = [&](size_t n, const std::string &stage) -> double {
        const Measured &m = bySize[n];
        auto t = m.time.find(stage);
        auto ops = m.count.find("ops");
        if (t == m.time.end() || ops == m.count.end() || ops->second == 0)
          return -1;
        return t->second * 1e9 / ops->second;
      };
      for (const std::string &stage : stages) {
        std::printf("%-40s", stage.c_str());
        for (size_t n : sizes) {
          double v = perOp(n, stage);
          std::printf(" %10s", v < 0 ? "-" : fmt("%.0f", v).c_str());
        }
        if (sizes.size() >= 2) {
          size_t big = sizes.back(), small = sizes[sizes.size() - 2];
          auto tb = bySize[big].time.find(stage), ts = bySize[small].time.find(stage);
          if (tb != bySize[big].time.end() && ts != bySize[small].time.end() && ts->second > 0)
            std::printf(" %8.1fx", tb->second / ts->second);
          auto cb = bySize[big].cpu.find(stage), cs = bySize[small].cpu.find(stage);
          if (cb != bySize[big].cpu.end() && cs != bySize[small].cpu.end() && cs->second > 0)
            std::printf(" %12.1fx", cb->second / cs->second);
        }
        std::printf("\n");
      }
      auto bytesRow = [&](const char *label, const std::function<std::string(const Measured &)> &cell) {
        std::printf("%-40s", label);
        for (size_t n : sizes)
          std::printf(" %10s", cell(bySize[n]).c_str());
        std::printf("\n");
      };
      auto perOpBytes = [](const char *what) {
        return [what](const Measured &m) -> std::string {
          auto b = m.bytes.find(what);
          auto ops = m.count.find("ops");
          if (b == m.bytes.end() || ops == m.count.end())
            return "-";
          return fmt("%.0f", b->second / ops->second);
        };
      };
      bytesRow("ops", [](const Measured &m) {
        auto ops = m.count.find("ops");
        return ops == m.count.end() ? std::string("-") : fmt("%.0f", ops->second);
      });
      bytesRow("parse MB/s", [](const Measured &m) {
        auto text = m.bytes.find("text");
        auto t = m.time.find("parse");
        if (text == m.bytes.end() || t == m.time.end())
          return std::string("-");
        return fmt("%.0f", text->second / t->second / 1e6);
      });
      bytesRow("IR heap, bytes per op", perOpBytes(kIrHeap));
      bytesRow("peak RSS parse+verify+pipeline, B/op", perOpBytes(kPeakPipeline));
      bytesRow("channel-groups peak over IR, B/op", perOpBytes(kPeakChannelGroups));
      bytesRow("parse+verify+pipeline, seconds", [](const Measured &m) {
        auto t = m.time.find(kWholeRun);
        return t == m.time.end() ? std::string("-") : fmt("%.3f", t->second);
      });
      std::fflush(stdout);
    }

    // The TorchScript frontend.
    std::map<std::string, Measured> frontend;
    if (opt.frontend) {
      std::printf("\n== TorchScript frontend (seconds, minimum of %u) ==\n", opt.reps);
      if (findFrontendModule().empty()) {
        std::printf("skipped: the frontend module (libprunedep_torchscript.so) is not built\n");
      } else {
        for (const char *model : {"resnet50", "vit_b_16"}) {
          std::string pt = opt.modelsDir + "/" + model + ".pt", json = opt.modelsDir + "/" + model + ".json";
          if (!exists(pt) || !exists(json)) {
            std::printf("%s: skipped (%s not traced; meson compile model-%s)\n", model, pt.c_str(), model);
            continue;
          }
          Measured m = runChild({"--measure-frontend", pt, inputShapesOf(json), std::to_string(opt.reps)});
          if (!m.error.empty()) {
            std::printf("%s: %s\n", model, m.error.c_str());
            continue;
          }
          double base = m.time["load + forward"], total = m.time["frontend total"];
          std::printf("%-10s load %.3f  shape recording %.3f  lowering %.3f  = %.3f | torch::jit::load %.3f "
                      "+ forward %.3f = %.3f | frontend overhead %+.0f%%\n",
                      model, m.time["frontend load"], m.time["frontend shape recording"],
                      m.time["frontend lowering"], total, m.time["torch::jit::load"], m.time["forward"], base,
                      (total - base) / base * 100);
          frontend[model] = m;
        }
      }
    }

    // The summary, in Markdown, for the README.
    size_t big = sizes.back();
    bool ratio = sizes.size() >= 2;
    std::string ratioLabel = ratio ? sizeLabel(big) + "/" + sizeLabel(sizes[sizes.size() - 2]) : "";
    std::printf("\n== Summary (Markdown) ==\n\n| stage, ns per op at %s ops%s |", sizeLabel(big).c_str(),
                ratio ? (" (time " + ratioLabel + ", wall and CPU)").c_str() : "");
    for (const std::string &s : opt.shapes)
      std::printf(" %s |", s.c_str());
    std::printf("\n|---|");
    for (size_t i = 0; i < opt.shapes.size(); ++i)
      std::printf("---:|");
    std::printf("\n");
    for (const std::string &stage : stages) {
      std::printf("| %s |", stage.c_str());
      for (const std::string &s : opt.shapes) {
        // The largest size the stage ran at (channel-groups stops early),
        // and its time against the size below.
        size_t at = sizes.size();
        while (at > 0 && !results[s][sizes[at - 1]].time.count(stage))
          --at;
        if (at == 0) {
          std::printf(" - |");
          continue;
        }
        Measured &m = results[s][sizes[at - 1]];
        std::string cell = fmt("%.0f", m.time[stage] * 1e9 / m.count["ops"]);
        if (at >= 2 && results[s][sizes[at - 2]].time.count(stage))
          cell += fmt(" (%.1fx", m.time[stage] / results[s][sizes[at - 2]].time[stage]) +
                  fmt(", cpu %.1fx)", m.cpu[stage] / results[s][sizes[at - 2]].cpu[stage]);
        if (sizes[at - 1] != big)
          cell += " at " + sizeLabel(sizes[at - 1]);
        std::printf(" %s |", cell.c_str());
      }
      std::printf("\n");
    }
    auto summaryRow = [&](const std::string &label, const std::function<std::string(Measured &)> &cell) {
      std::printf("| %s |", label.c_str());
      for (const std::string &s : opt.shapes)
        std::printf(" %s |", cell(results[s][big]).c_str());
      std::printf("\n");
    };
    summaryRow("parse + verify + pipeline, seconds", [](Measured &m) { return fmt("%.2f", m.time[kWholeRun]); });
    summaryRow("parse, MB/s", [](Measured &m) { return fmt("%.0f", m.bytes["text"] / m.time["parse"] / 1e6); });
    summaryRow("IR heap, bytes per op", [](Measured &m) { return fmt("%.0f", m.bytes[kIrHeap] / m.count["ops"]); });
    summaryRow("peak RSS of parse + verify + pipeline, bytes per op",
               [](Measured &m) { return fmt("%.0f", m.bytes[kPeakPipeline] / m.count["ops"]); });
    // channel-groups stops early: its peak at the largest size it ran at.
    std::printf("| channel-groups peak RSS over the IR, bytes per op |");
    for (const std::string &s : opt.shapes) {
      std::string cell = "-";
      for (size_t i = sizes.size(); i-- > 0;) {
        Measured &m = results[s][sizes[i]];
        if (m.bytes.count(kPeakChannelGroups)) {
          cell = fmt("%.0f", m.bytes[kPeakChannelGroups] / m.count["ops"]) +
                 (sizes[i] != big ? " at " + sizeLabel(sizes[i]) : "");
          break;
        }
      }
      std::printf(" %s |", cell.c_str());
    }
    std::printf("\n");
    if (!frontend.empty()) {
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
  } catch (const std::exception &e) {
    std::cerr << "prunedep-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
