// Runs a pipeline of passes over one graph with one analysis manager: after
// each pass it invalidates what the pass did not preserve, optionally
// verifies the graph, prints it, and records the time the pass took.
#pragma once
#include "passes/core/Pass.h"

#include <functional>
#include <ostream>
#include <set>

namespace pd {

struct PassManagerOptions {
  bool verifyEach = false;          // --verify-each (always on in debug builds)
  bool printAfterAll = false;       // --print-ir-after-all
  std::set<std::string> printAfter; // --print-ir-after=PASS
  std::ostream *irOut = nullptr;    // where the IR dumps go
};

struct PassTiming {
  std::string name;
  double seconds;
};

class PassManager {
public:
  explicit PassManager(PassManagerOptions opts = {}) : opts_(std::move(opts)) {}
  void add(std::unique_ptr<Pass> p) { passes_.push_back(std::move(p)); }
  void run(Graph &g, AnalysisManager &am, PassContext &ctx);
  const std::vector<PassTiming> &timings() const { return timings_; }
  const std::vector<std::unique_ptr<Pass>> &passes() const { return passes_; }

private:
  PassManagerOptions opts_;
  std::vector<std::unique_ptr<Pass>> passes_;
  std::vector<PassTiming> timings_;
};

} // namespace pd
