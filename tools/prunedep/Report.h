// Writes the results of a pipeline run as text, JSON (schema prunedep/1) or
// CSV (NNI's export format, one block per analysis).
#pragma once
#include "passes/core/Pass.h"
#include "tools/prunedep/CommandLine.h"

#include <ostream>

namespace pd {

// Facts about the model for the text report's closing summary line, which
// the pass results alone do not know.
struct ReportSummary {
  size_t prunableLayers = 0;  // layers whose output channels can be pruned
  size_t opKindsWithoutRules = 0;
};

// `summary`, when given, closes a text report with one line: the layers, what
// each analysis found (PassResult::summary()) and the ops without rules.
void writeReport(const PassContext &ctx, const std::string &modelName, OutputFormat format,
                 std::ostream &os, const ReportSummary *summary = nullptr);

} // namespace pd
