// A pass: a plain class with run(Graph&, AnalysisManager&, PassContext&)
// returning what it preserved (see PreservedAnalyses.h). Analysis passes leave
// the graph alone and append a PassResult to the context; the driver prints
// the results as JSON, CSV or text.
#pragma once
#include "ir/Graph.h"
#include "passes/core/AnalysisManager.h"
#include "passes/core/Json.h"
#include "passes/core/PreservedAnalyses.h"

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace pd {

// One option a pass accepts in a pipeline: `name{key=value}`.
struct PassOptionInfo {
  std::string key;
  std::string doc;
  std::string defaultValue;
  std::vector<std::string> allowed; // empty: any value
};

// Resolved options: every declared key, in declaration order, with defaults
// filled in (so the JSON output always shows what ran).
class PassOptions {
public:
  const std::string &get(std::string_view key) const;
  void set(std::string key, std::string value);
  const std::vector<std::pair<std::string, std::string>> &items() const { return items_; }

private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// What an analysis pass reports. Layers are named by module path.
class PassResult {
public:
  virtual ~PassResult() = default;
  std::string pass;
  PassOptions options;
  // Writes the result-specific members of this pass's JSON object (the
  // driver writes "pass" and "options" first).
  virtual void writeJson(JsonWriter &w) const = 0;
  // A short human-readable section; may be empty.
  virtual void writeText(std::ostream &os) const = 0;
  // The NNI export() format of the matching analysis (or a CSV of its own).
  virtual void writeCsv(std::ostream &os) const = 0;
  // A few words for the text report's closing one-line summary ("4 coupled
  // channel sets"), or empty to stay out of it (say, when nothing was found).
  virtual std::string summary() const { return {}; }
};

// State shared by the passes of one pipeline run.
struct PassContext {
  std::vector<std::unique_ptr<PassResult>> results;
  std::vector<std::string> warnings; // printed by the driver on stderr
};

class Pass {
public:
  virtual ~Pass() = default;
  virtual PreservedAnalyses run(Graph &g, AnalysisManager &am, PassContext &ctx) = 0;
  const std::string &name() const { return name_; }
  const PassOptions &options() const { return options_; }

private:
  friend class PassRegistry;
  std::string name_;
  PassOptions options_;
};

// Adds `result` to the context, stamped with the pass's name and options.
void addResult(PassContext &ctx, const Pass &pass, std::unique_ptr<PassResult> result);

} // namespace pd
