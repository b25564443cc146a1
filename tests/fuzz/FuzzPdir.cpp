// libFuzzer target: the .pdir parser, the verifier and the default pipeline.
// Any input must end in a graph and a report or in a pd::Error, never a crash,
// hang, leak or sanitizer report.
#include "ir/Parser.h"
#include "ir/Verifier.h"
#include "passes/PassManager.h"
#include "passes/PassRegistry.h"
#include "passes/Pipeline.h"
#include "passes/UnknownOps.h"

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const pd::PassRegistry passes = pd::PassRegistry::withBuiltins();
  std::string_view text(reinterpret_cast<const char *>(data), size);
  try {
    auto g = pd::parseGraph(text, "fuzz.pdir");
    pd::OpRegistry rules = pd::OpRegistry::withBuiltins();
    pd::verifyGraph(*g, &rules);
    std::vector<std::string> warnings;
    pd::resolveUnknownOps(*g, rules, pd::UnknownOpPolicy::Barrier, warnings);
    pd::AnalysisManager am(*g, rules);
    pd::PassContext ctx;
    pd::PassManager pm;
    for (auto &p : pd::buildPipeline(PD_DEFAULT_PIPELINE, passes))
      pm.add(std::move(p));
    pm.run(*g, am, ctx);
    std::ostringstream os;
    pd::JsonWriter w(os);
    for (const auto &r : ctx.results) {
      w.beginObject();
      r->writeJson(w);
      w.endObject();
      r->writeText(os);
      r->writeCsv(os);
    }
  } catch (const pd::Error &) {
  }
  return 0;
}
