// Pipeline text: passes separated by commas, options in braces:
//   channel-dependency{prune-type=batchnorm},group-dependency
// Unknown passes and options are errors that name them and their column.
#pragma once
#include "passes/core/PassRegistry.h"

#include <memory>
#include <string>
#include <vector>

namespace pd {

struct PipelineEntry {
  std::string name;
  std::vector<std::pair<std::string, std::string>> options;
  size_t column; // 1-based, for messages
};

std::vector<PipelineEntry> parsePipelineText(std::string_view text);
// Parses and instantiates every pass (checking names and options).
std::vector<std::unique_ptr<Pass>> buildPipeline(std::string_view text, const PassRegistry &registry);

} // namespace pd
