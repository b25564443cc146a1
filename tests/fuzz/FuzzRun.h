// What the fuzz targets do with a graph that parsed: check it against the op
// table, resolve ops without a rule, run a pipeline and write every result in
// every format (text, JSON, CSV), as the driver would. Bad input surfaces as
// pd::Error, which the targets catch; anything else (a crash, a hang, a
// sanitizer report, a leak) is a bug libFuzzer reports.
#pragma once
#include "ir/Graph.h"
#include "ir/OpRegistry.h"
#include "ir/Verifier.h"
#include "passes/core/Json.h"
#include "passes/core/PassManager.h"
#include "passes/core/PassRegistry.h"
#include "passes/core/Pipeline.h"
#include "passes/graph/UnknownOps.h"

#include <sstream>
#include <string>
#include <string_view>

namespace pd::fuzz {

// The five NNI analyses (the driver's default), the channel groups with every
// shrinking tensor dim, the DOT picture, and the attention heads (with the
// head-level channel groups).
inline constexpr const char *kAllAnalyses =
    PD_DEFAULT_PIPELINE ",channel-groups{values=true},dot{coupled-only=true},attention-heads";

// `rules` gains a barrier rule per op kind without one.
inline void runPipeline(Graph &g, OpRegistry &rules, const PassRegistry &passes,
                        std::string_view pipeline) {
  verifyGraph(g, &rules);
  std::vector<std::string> warnings;
  resolveUnknownOps(g, rules, UnknownOpPolicy::Barrier, warnings);
  AnalysisManager am(g, rules);
  PassContext ctx;
  PassManager pm;
  for (auto &p : buildPipeline(pipeline, passes))
    pm.add(std::move(p));
  pm.run(g, am, ctx);
  std::ostringstream os;
  JsonWriter w(os);
  for (const auto &r : ctx.results) {
    w.beginObject();
    r->writeJson(w);
    w.endObject();
    r->writeText(os);
    r->writeCsv(os);
  }
}

// The module path of the first leaf module call, for explain{layer=...};
// empty when there is none or it would not survive the pipeline syntax.
inline std::string firstLayer(const Graph &g) {
  for (const Op &op : g.ops())
    if (op.isModuleCall() && !op.modulePath().empty()) {
      std::string name(op.modulePath().str());
      if (name.find_first_of("{},= \t\n") == std::string::npos)
        return name;
    }
  return {};
}

} // namespace pd::fuzz
