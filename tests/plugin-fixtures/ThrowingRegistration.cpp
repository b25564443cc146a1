// A plugin whose registration throws: refused, and nothing it added stays.
#include "passes/core/Plugin.h"

#include <stdexcept>

namespace {
void registerBroken(pd::PluginRegistrar &r) {
  pd::OpRule rule;
  rule.kind = pd::Symbol::get("broken::half_registered");
  rule.set(pd::Trait::Transparent);
  r.addRule(rule);
  throw std::runtime_error("the config file of this plugin is missing");
}
} // namespace

PRUNEDEP_PLUGIN("throwing", "0.1", registerBroken)
