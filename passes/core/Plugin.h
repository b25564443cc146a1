// The plugin interface. A plugin is a shared object exporting one C function,
//
//   extern "C" PrunedepPluginInfo prunedepGetPluginInfo(void);
//
// (use PRUNEDEP_PLUGIN below) that returns the API version it was built
// against, its name and version, and a registration callback. The callback
// gets a PluginRegistrar and adds passes and op rules to the same registries
// the built-ins use. A wrong API version, a missing entry point, a file that
// is not a shared object, or a registration that throws is a clean error.
#pragma once
#include "ir/OpRegistry.h"
#include "passes/core/PassRegistry.h"

#include <cstdint>
#include <string>
#include <string_view>

// Bump when anything a plugin sees (this header, Pass, PassResult, Graph, the
// registries) changes incompatibly.
//   1: first release.
//   2: OpRule gained its channel map; PassResult gained summary().
//   3: OpRegistry reads the built-in rules lazily from a generated constant
//      table: its layout changed, rules() returns pointers, lookup() is out of
//      line, and loadBuiltinRules() is gone.
//   4: Graph keeps its ops and values in arenas (ir/LargeArray.h): its layout
//      changed.
//   5: Op and Value shrank (112 -> 56 and 64 -> 48 bytes): an op's operand and
//      result pointers follow it in its arena, Op::operands()/results() and
//      Value::uses() return llvm::ArrayRef instead of SmallVector references.
//   6: LayerIndex holds each layer's rule traits (layerHas): its layout
//      changed; Layer gained its id; ReshapeDependency keeps its entries in
//      flat arrays (size() and entry(e) instead of ops()).
#define PRUNEDEP_PLUGIN_API_VERSION 6

namespace pd {

class PluginRegistrar {
public:
  PluginRegistrar(PassRegistry &passes, OpRegistry &rules, std::string pluginName)
      : passes_(passes), rules_(rules), name_(std::move(pluginName)) {}
  // Adds a pass (its name must be new).
  void addPass(PassInfo info);
  // Adds or overrides an op rule.
  void addRule(OpRule rule);
  // Adds rules written in the TOML schema of rule files.
  void addRulesToml(std::string_view toml);
  const std::string &pluginName() const { return name_; }

private:
  PassRegistry &passes_;
  OpRegistry &rules_;
  std::string name_;
};

} // namespace pd

extern "C" {
struct PrunedepPluginInfo {
  uint32_t apiVersion; // PRUNEDEP_PLUGIN_API_VERSION
  const char *name;
  const char *version;
  void (*registerPlugin)(pd::PluginRegistrar &registrar);
};
}

#define PRUNEDEP_PLUGIN_ENTRY prunedepGetPluginInfo
#define PRUNEDEP_PLUGIN(NAME, VERSION, REGISTER)                                                   \
  extern "C" __attribute__((visibility("default"))) PrunedepPluginInfo prunedepGetPluginInfo() {   \
    return {PRUNEDEP_PLUGIN_API_VERSION, NAME, VERSION, REGISTER};                                 \
  }
