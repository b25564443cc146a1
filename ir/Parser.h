// The `.pdir` text format, parsing side (grammar in Printer.h). Errors throw
// pd::Error with "file:line:col: error: ...". The parser checks syntax and
// name binding only; run verifyGraph() afterwards for the semantic checks.
#pragma once
#include "ir/Graph.h"

#include <memory>
#include <string_view>

namespace pd {

std::unique_ptr<Graph> parseGraph(std::string_view text, std::string_view fileName);
// Reads the whole file ("-" is stdin); a missing or unreadable file is a pd::Error.
std::unique_ptr<Graph> parseGraphFile(const std::string &path);
std::string readFile(const std::string &path);

} // namespace pd
