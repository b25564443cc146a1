// The table of known passes. Built-in passes come from Passes.def (one line
// per pass); plugins add entries at run time. The pipeline parser, --help and
// --list-passes all read this table.
#pragma once
#include "passes/core/Pass.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pd {

struct PassInfo {
  std::string name;
  std::string description;
  std::vector<PassOptionInfo> options;
  std::function<std::unique_ptr<Pass>()> create;
  std::string origin; // "builtin" or "plugin <name>"
};

class PassRegistry {
public:
  // The built-in passes from Passes.def.
  static PassRegistry withBuiltins();
  // Throws pd::Error if the name is taken.
  void add(PassInfo info);
  const PassInfo *lookup(std::string_view name) const;
  const std::vector<PassInfo> &passes() const { return passes_; }
  // Creates the pass with options checked against its declaration.
  std::unique_ptr<Pass> create(const PassInfo &info,
                               const std::vector<std::pair<std::string, std::string>> &given) const;

private:
  std::vector<PassInfo> passes_;
};

} // namespace pd
