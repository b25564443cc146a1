// What every front end of the pass framework (the prunedep driver, the Python
// module) does the same way around a pipeline run: set up the op table and
// the pass registry with plugins and rule files, and write the `prunedep/1`
// JSON report of the results. One copy, so `prunedep --format=json` and
// Python's `Report.to_json()` cannot drift apart.
#pragma once
#include "ir/OpRegistry.h"
#include "passes/core/Pass.h"
#include "passes/core/PassRegistry.h"

#include <ostream>
#include <string>
#include <vector>

namespace pd {

struct Registries {
  OpRegistry rules;
  PassRegistry passes;
};

// The built-in rules and passes, then each plugin (in order), then each rule
// file (in order: a later file overrides earlier rules, the built-ins and the
// plugins' rules). Throws pd::Error naming the file at the first failure.
Registries loadRegistries(const std::vector<std::string> &plugins,
                          const std::vector<std::string> &ruleFiles);

// One result object of the report: "pass", "options" when it has any, then
// the result's own members.
void writeJsonResult(const PassResult &result, JsonWriter &w);

// The `prunedep/1` report: {"schema", "model", "results": [one object per
// result: "pass", "options" when it has any, then the result's own members]},
// one result per line, ending with a newline.
void writeJsonReport(const PassContext &ctx, const std::string &model, std::ostream &os);

} // namespace pd
