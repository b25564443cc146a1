// A plugin whose TOML rules are malformed: the rule error names the plugin.
#include "passes/core/Plugin.h"

namespace {
void registerBadToml(pd::PluginRegistrar &r) { r.addRulesToml("[op.\"x\"]\ntraits = [\"nonsense\"]\n"); }
} // namespace

PRUNEDEP_PLUGIN("bad-toml", "0.1", registerBadToml)
