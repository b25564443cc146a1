// libFuzzer target: the pass-pipeline text (pass names, options, their
// values), built and then run on fixed graphs (the test suite's, embedded at
// build time), so that every pass meets every option value the text can give
// it. The first byte picks the graph; the rest is the pipeline.
#include "ir/Parser.h"
#include "tests/fuzz/FuzzRun.h"
#include "tests/fuzz/FuzzGraphs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const pd::PassRegistry passes = pd::PassRegistry::withBuiltins();
  if (size == 0)
    return 0;
  const pd::fuzz::EmbeddedGraph &graph = pd::fuzz::kGraphs[data[0] % pd::fuzz::kNumGraphs];
  std::string_view pipeline(reinterpret_cast<const char *>(data + 1), size - 1);
  try {
    pd::buildPipeline(pipeline, passes); // the text alone: most inputs stop here
  } catch (const pd::Error &) {
    return 0;
  }
  try {
    auto g = pd::parseGraph(graph.text, graph.name);
    pd::OpRegistry rules = pd::OpRegistry::withBuiltins();
    pd::fuzz::runPipeline(*g, rules, passes, pipeline);
  } catch (const pd::Error &) {
  }
  return 0;
}
