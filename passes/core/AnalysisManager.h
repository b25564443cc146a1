// Lazily computed, cached analyses over one graph.
//
// An analysis is a class with
//   static AnalysisKey Key;            // identity
//   static constexpr const char *Name; // for --time-passes and debugging
//   using Result = ...;
//   Result run(Graph &, AnalysisManager &);
// getResult<A>() runs it on first request and returns the cached result until
// a pass invalidates it. runCount() says how often an analysis really ran.
#pragma once
#include "ir/Graph.h"
#include "ir/OpRegistry.h"
#include "passes/core/PreservedAnalyses.h"

#include <llvm/ADT/DenseMap.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace pd {

class PassTimer;

class AnalysisManager {
public:
  AnalysisManager(Graph &g, const OpRegistry &registry) : graph_(g), registry_(registry) {}

  template <typename A> typename A::Result &getResult() {
    if (auto *cached = getCachedResult<A>())
      return *cached;
    auto start = std::chrono::steady_clock::now();
    A analysis;
    // run() may ask for other analyses, whose insertions can rehash cache_:
    // the slot is looked up only after it returns, never held across it.
    auto model = std::make_unique<Model<typename A::Result>>(analysis.run(graph_, *this));
    auto &result = model->result;
    cache_[&A::Key] = std::move(model);
    ++runCounts_[&A::Key];
    recordTime(A::Name, std::chrono::steady_clock::now() - start);
    return result;
  }
  // The cached result, or null if it is not computed (never computes).
  template <typename A> typename A::Result *getCachedResult() {
    auto it = cache_.find(&A::Key);
    return it == cache_.end() || !it->second
               ? nullptr
               : &static_cast<Model<typename A::Result> *>(it->second.get())->result;
  }
  template <typename A> unsigned runCount() const {
    auto it = runCounts_.find(&A::Key);
    return it == runCounts_.end() ? 0 : it->second;
  }

  void invalidate(const PreservedAnalyses &pa);
  const OpRegistry &registry() const { return registry_; }
  Graph &graph() { return graph_; }

  // Time spent computing analyses, by analysis name (for --time-passes).
  struct Timing {
    std::string name;
    double seconds;
  };
  const std::vector<Timing> &analysisTimes() const { return times_; }

private:
  struct Concept {
    virtual ~Concept() = default;
  };
  template <typename R> struct Model : Concept {
    explicit Model(R r) : result(std::move(r)) {}
    R result;
  };
  void recordTime(const char *name, std::chrono::steady_clock::duration d);

  Graph &graph_;
  const OpRegistry &registry_;
  llvm::DenseMap<const AnalysisKey *, std::unique_ptr<Concept>> cache_;
  llvm::DenseMap<const AnalysisKey *, unsigned> runCounts_;
  std::vector<Timing> times_;
};

} // namespace pd
