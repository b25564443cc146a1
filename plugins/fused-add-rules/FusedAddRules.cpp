// Example rule plugin: teaches prunedep a custom op it has never seen,
// `mylib::fused_add` (say, a CUDA kernel computing relu(a + b)). Without a
// rule the op is a barrier and splits a residual set; marked elementwise it
// ties its inputs' channels like aten::add. The same rule as TOML is
// tests/rules/fused-add.toml; a plugin is for when rules need code.
#include "passes/core/Plugin.h"

namespace {

void registerRules(pd::PluginRegistrar &r) {
  pd::OpRule rule;
  rule.kind = pd::Symbol::get("mylib::fused_add");
  rule.set(pd::Trait::Elementwise);
  rule.minOperands = 2;
  rule.maxOperands = 2;
  r.addRule(rule);
  // Rules can also come as TOML text, in the schema of rule files.
  r.addRulesToml("[op.\"mylib::fused_relu\"]\ntraits = [\"transparent\"]\n");
}

} // namespace

PRUNEDEP_PLUGIN("fused-add-rules", "1.0", registerRules)
