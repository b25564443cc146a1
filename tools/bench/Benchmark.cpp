// prunedep-bench: speed and memory of the IR and the passes at scale.
//
// For each synthetic shape at 1k, 10k, 100k and 1M ops it times print, parse,
// verify, each pass of the default pipeline on its own (fresh analysis cache)
// and the whole default pipeline, and reports ns per op, the parse rate in
// MB/s, and the heap the parsed IR occupies in bytes per op (glibc mallinfo2).
// Plain chrono loops rather than Google Benchmark: each measurement is one
// run of a multi-second workload at a fixed size, and the table we want (per
// op, per shape, with memory) is not what its repetition machinery reports.
//
//   prunedep-bench [--max-ops N] [--shape NAME]
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "passes/PassManager.h"
#include "passes/PassRegistry.h"
#include "passes/Pipeline.h"
#include "passes/UnknownOps.h"
#include "tools/synth/SyntheticModels.h"

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

using namespace pd;

namespace {

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

size_t heapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

struct Row {
  std::string shape, what;
  size_t ops;
  double secs;
  std::string extra;
};

void printRow(const Row &r) {
  std::printf("%-12s %9zu  %-34s %10.1f ns/op  %9.3f s  %s\n", r.shape.c_str(), r.ops, r.what.c_str(),
              r.secs * 1e9 / r.ops, r.secs, r.extra.c_str());
  std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv) {
  size_t maxOps = 1000000;
  std::vector<std::string> shapes = syntheticShapeNames();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--max-ops" && i + 1 < argc)
      maxOps = std::stoul(argv[++i]);
    else if (a == "--shape" && i + 1 < argc)
      shapes = {argv[++i]};
    else {
      std::cerr << "usage: prunedep-bench [--max-ops N] [--shape resnet|densenet|mobilenet|transformer]\n";
      return 2;
    }
  }
  try {
    PassRegistry passes = PassRegistry::withBuiltins();
    std::vector<PipelineEntry> defaultPipeline = parsePipelineText(PD_DEFAULT_PIPELINE);
    std::printf("%-12s %9s  %-34s %16s  %11s\n", "shape", "ops", "stage", "time per op", "total");
    for (const std::string &shapeName : shapes) {
      SyntheticShape shape = parseSyntheticShape(shapeName);
      for (size_t n = 1000; n <= maxOps; n *= 10) {
        std::string text;
        size_t ops = 0;
        {
          auto built = buildSyntheticModel(shape, n);
          ops = built->numOps();
          auto t0 = std::chrono::steady_clock::now();
          text = printGraph(*built);
          printRow({shapeName, "print", ops, seconds(t0), ""});
        }
        size_t before = heapInUse();
        auto t0 = std::chrono::steady_clock::now();
        std::unique_ptr<Graph> g = parseGraph(text, "synthetic.pdir");
        double parse = seconds(t0);
        size_t irBytes = heapInUse() - before;
        char extra[128];
        std::snprintf(extra, sizeof extra, "%.0f MB/s, IR %zu B/op", text.size() / parse / 1e6,
                      irBytes / ops);
        printRow({shapeName, "parse", ops, parse, extra});
        OpRegistry rules = OpRegistry::withBuiltins();
        t0 = std::chrono::steady_clock::now();
        verifyGraph(*g, &rules);
        printRow({shapeName, "verify", ops, seconds(t0), ""});
        std::vector<std::string> warnings;
        resolveUnknownOps(*g, rules, UnknownOpPolicy::Barrier, warnings);
        auto runPipeline = [&](const std::string &pipeline) {
          AnalysisManager am(*g, rules);
          PassContext ctx;
          PassManager pm;
          for (auto &p : buildPipeline(pipeline, passes))
            pm.add(std::move(p));
          auto t1 = std::chrono::steady_clock::now();
          pm.run(*g, am, ctx);
          return seconds(t1);
        };
        for (const PipelineEntry &e : defaultPipeline) {
          std::string one = e.name;
          if (!e.options.empty()) {
            one += "{";
            for (size_t i = 0; i < e.options.size(); ++i)
              one += (i ? "," : "") + e.options[i].first + "=" + e.options[i].second;
            one += "}";
          }
          printRow({shapeName, "pass " + one, ops, runPipeline(one), ""});
        }
        printRow({shapeName, "whole default pipeline", ops, runPipeline(PD_DEFAULT_PIPELINE), ""});
        t0 = std::chrono::steady_clock::now();
        {
          std::unique_ptr<Graph> g2 = parseGraph(text, "synthetic.pdir");
          verifyGraph(*g2, &rules);
          AnalysisManager am(*g2, rules);
          PassContext ctx;
          PassManager pm;
          for (auto &p : buildPipeline(PD_DEFAULT_PIPELINE, passes))
            pm.add(std::move(p));
          pm.run(*g2, am, ctx);
        }
        printRow({shapeName, "parse + verify + pipeline", ops, seconds(t0), ""});
      }
    }
  } catch (const std::exception &e) {
    std::cerr << "prunedep-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
