// What to do with ops no rule covers. prunedep never guesses silently: by
// default each unknown op is reported (by name, with the module paths where it
// occurs) and treated as a barrier that no dependency crosses, which can only
// split sets, never merge layers that are independent.
#pragma once
#include "ir/Graph.h"
#include "ir/OpRegistry.h"

#include <string>
#include <vector>

namespace pd {

enum class UnknownOpPolicy { Error, Warn, Transparent, Barrier };

// Parses error|warn|transparent|barrier; throws pd::Error otherwise.
UnknownOpPolicy parseUnknownOpPolicy(const std::string &text);

// Adds a rule (barrier or transparent) for every op kind in `g` without one,
// so the passes only ever see known ops. With Error, throws at the first
// unknown op instead; with Warn, appends one warning per unknown kind.
// Returns how many op kinds had no rule.
size_t resolveUnknownOps(const Graph &g, OpRegistry &rules, UnknownOpPolicy policy,
                       std::vector<std::string> &warnings);

} // namespace pd
