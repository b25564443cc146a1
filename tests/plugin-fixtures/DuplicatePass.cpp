// A plugin that registers a pass under a built-in name: refused.
#include "passes/core/Plugin.h"

namespace {
struct Nothing : pd::Pass {
  pd::PreservedAnalyses run(pd::Graph &, pd::AnalysisManager &, pd::PassContext &) override {
    return pd::PreservedAnalyses::all();
  }
};
void registerDuplicate(pd::PluginRegistrar &r) {
  r.addPass({"verify", "a second verify", {}, [] { return std::make_unique<Nothing>(); }, ""});
}
} // namespace

PRUNEDEP_PLUGIN("duplicate", "0.1", registerDuplicate)
