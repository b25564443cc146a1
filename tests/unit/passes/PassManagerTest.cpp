// The pass manager: lazy cached analyses, invalidation, pipelines, registry.
#include "ir/Parser.h"
#include "passes/core/PassManager.h"
#include "passes/core/PassRegistry.h"
#include "passes/core/Pipeline.h"

#include <doctest/doctest.h>

using namespace pd;

namespace {
// Counts ops; the test checks how often it really ran.
struct CountOpsAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "count-ops";
  using Result = size_t;
  Result run(Graph &g, AnalysisManager &) { return g.numOps(); }
};
AnalysisKey CountOpsAnalysis::Key;

struct UseCountPass : Pass {
  size_t *seen;
  explicit UseCountPass(size_t *s) : seen(s) {}
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &) override {
    *seen = am.getResult<CountOpsAnalysis>();
    return PreservedAnalyses::all();
  }
};

const char *kGraph = "graph @g(%x: f32[1,4]) {\n"
                     "  %a: f32[1,4] = aten::relu(%x)\n"
                     "  %dead: f32[1,4] = aten::sigmoid(%x)\n"
                     "  return %a\n}\n";
} // namespace

TEST_CASE("an analysis runs once until a transform invalidates it") {
  auto g = parseGraph(kGraph, "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  AnalysisManager am(*g, reg);
  PassContext ctx;
  size_t first = 0, second = 0, third = 0;
  PassManager pm;
  pm.add(std::make_unique<UseCountPass>(&first));
  pm.add(std::make_unique<UseCountPass>(&second));
  pm.run(*g, am, ctx);
  CHECK(am.runCount<CountOpsAnalysis>() == 1);
  CHECK(first == 2);
  CHECK(second == 2);

  PassRegistry passes = PassRegistry::withBuiltins();
  PassManager pm2;
  for (auto &p : buildPipeline("dce", passes))
    pm2.add(std::move(p));
  pm2.add(std::make_unique<UseCountPass>(&third));
  pm2.run(*g, am, ctx);
  CHECK(am.runCount<CountOpsAnalysis>() == 2); // dce erased %dead and invalidated
  CHECK(third == 1);
}

TEST_CASE("a pass that preserves everything keeps the cache") {
  auto g = parseGraph(kGraph, "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  AnalysisManager am(*g, reg);
  am.getResult<CountOpsAnalysis>();
  am.invalidate(PreservedAnalyses::all());
  CHECK(am.getCachedResult<CountOpsAnalysis>() != nullptr);
  am.invalidate(PreservedAnalyses().preserve<CountOpsAnalysis>());
  CHECK(am.getCachedResult<CountOpsAnalysis>() != nullptr);
  am.invalidate(PreservedAnalyses::none());
  CHECK(am.getCachedResult<CountOpsAnalysis>() == nullptr);
}

TEST_CASE("pipeline text: options, unknown passes and options are errors") {
  auto entries = parsePipelineText("a,b{x=1,y=two},c");
  REQUIRE(entries.size() == 3);
  CHECK(entries[1].name == "b");
  CHECK(entries[1].options.size() == 2);
  CHECK(entries[1].options[1].second == "two");
  CHECK(entries[2].column == 16);
  CHECK_THROWS_WITH_AS(parsePipelineText("a,,b"), doctest::Contains("column 3"), Error);
  CHECK_THROWS_WITH_AS(parsePipelineText("a{x}"), doctest::Contains("expected '='"), Error);
  CHECK_THROWS_WITH_AS(parsePipelineText("a{x=1"), doctest::Contains("expected ',' or '}'"), Error);
  PassRegistry passes = PassRegistry::withBuiltins();
  CHECK_THROWS_WITH_AS(buildPipeline("verify,no-such-pass", passes),
                       doctest::Contains("unknown pass 'no-such-pass'"), Error);
  CHECK_THROWS_WITH_AS(buildPipeline("verify{level=3}", passes),
                       doctest::Contains("has no option 'level'"), Error);
}

TEST_CASE("a pass name can be registered once") {
  PassRegistry passes = PassRegistry::withBuiltins();
  PassInfo dup{"verify", "again", {}, [] { return std::unique_ptr<Pass>(); }, "plugin x"};
  CHECK_THROWS_WITH_AS(passes.add(dup), doctest::Contains("already registered"), Error);
}

namespace {
// Analysis N asks for analysis N+1 while it runs: a first request inserts
// every link's cache entry from inside the outer run(), enough to make the
// cache grow (rehash) several times under the outer requests.
template <int N> struct ChainAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "chain";
  using Result = std::vector<int>;
  Result run(Graph &g, AnalysisManager &am) {
    Result r = am.getResult<ChainAnalysis<N + 1>>();
    r.push_back(N);
    return r;
  }
};
template <> struct ChainAnalysis<96> {
  static AnalysisKey Key;
  static constexpr const char *Name = "chain-end";
  using Result = std::vector<int>;
  Result run(Graph &, AnalysisManager &) { return {96}; }
};
template <int N> AnalysisKey ChainAnalysis<N>::Key;
AnalysisKey ChainAnalysis<96>::Key;
} // namespace

TEST_CASE("an analysis may request others while the cache grows under it") {
  auto g = parseGraph(kGraph, "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  AnalysisManager am(*g, reg);
  const std::vector<int> &r = am.getResult<ChainAnalysis<0>>();
  REQUIRE(r.size() == 97);
  CHECK(r.front() == 96);
  CHECK(r.back() == 0);
  CHECK(am.getResult<ChainAnalysis<50>>().size() == 47);
  CHECK(am.runCount<ChainAnalysis<0>>() == 1);
  CHECK(am.runCount<ChainAnalysis<50>>() == 1);
  CHECK(&am.getResult<ChainAnalysis<0>>() == &r); // still the cached object
}
