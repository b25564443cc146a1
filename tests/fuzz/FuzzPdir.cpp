// libFuzzer target: the .pdir parser, the verifier and every analysis (the
// default pipeline, channel-groups, dot, attention-heads, explain of the
// first layer) with all output formats. Any input must end in a report or in
// a pd::Error, never a crash, hang, leak or sanitizer report.
#include "ir/Parser.h"
#include "tests/fuzz/FuzzRun.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const pd::PassRegistry passes = pd::PassRegistry::withBuiltins();
  std::string_view text(reinterpret_cast<const char *>(data), size);
  try {
    auto g = pd::parseGraph(text, "fuzz.pdir");
    pd::OpRegistry rules = pd::OpRegistry::withBuiltins();
    pd::fuzz::runPipeline(*g, rules, passes, pd::fuzz::kAllAnalyses);
    std::string layer = pd::fuzz::firstLayer(*g);
    if (!layer.empty())
      pd::fuzz::runPipeline(*g, rules, passes, "explain{layer=" + layer + "}");
  } catch (const pd::Error &) {
  }
  return 0;
}
