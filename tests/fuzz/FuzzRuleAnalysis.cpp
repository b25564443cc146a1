// libFuzzer target: a rule file (TOML: traits, attribute names, operand
// counts, channel maps) loaded over the built-in rules, then every analysis
// on a fixed graph of the test suite (embedded at build time). A rule file
// can be refused at load time or make the verifier reject the graph, but it
// can never make an analysis crash. The first byte picks the graph; the rest
// is the rule file.
#include "ir/Parser.h"
#include "ir/RuleFile.h"
#include "tests/fuzz/FuzzRun.h"
#include "tests/fuzz/FuzzGraphs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const pd::PassRegistry passes = pd::PassRegistry::withBuiltins();
  if (size == 0)
    return 0;
  const pd::fuzz::EmbeddedGraph &graph = pd::fuzz::kGraphs[data[0] % pd::fuzz::kNumGraphs];
  std::string_view toml(reinterpret_cast<const char *>(data + 1), size - 1);
  pd::OpRegistry rules = pd::OpRegistry::withBuiltins();
  try {
    pd::loadRules(rules, toml, "fuzz.toml");
  } catch (const pd::Error &) {
    return 0;
  }
  try {
    auto g = pd::parseGraph(graph.text, graph.name);
    pd::fuzz::runPipeline(*g, rules, passes, pd::fuzz::kAllAnalyses);
  } catch (const pd::Error &) {
  }
  return 0;
}
