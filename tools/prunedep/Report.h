// Writes the results of a pipeline run as text, JSON (schema prunedep/1) or
// CSV (NNI's export format, one block per analysis).
#pragma once
#include "passes/Pass.h"
#include "tools/prunedep/CommandLine.h"

#include <ostream>

namespace pd {

void writeReport(const PassContext &ctx, const std::string &modelName, OutputFormat format,
                 std::ostream &os);

} // namespace pd
