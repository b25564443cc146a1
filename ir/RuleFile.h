// Op rules in TOML. The schema (documented in the README):
//
//   [op."aten::cat"]            # a function op, by its TorchScript kind
//   traits = ["concat", "reshape"]
//   dim = "dim"                 # attribute holding the dim
//   operands = [1, 64]          # optional arity, checked by the verifier
//   results = 1
//
//   [module.Conv2d]             # a module type; becomes op kind nn.Conv2d
//   traits = ["leaf", "channel-target", "weight-layer", "grouped"]
//   out_channels = "out_channels"
//   in_channels = "in_channels"
//   groups = "groups"
//
//   [channel-map]               # how ops map channel indices (ir/ChannelMap.h)
//   "aten::cat" = { kind = "concat", dim = "dim" }
//   "nn.Conv2d" = { kind = "conv", groups = "groups" }
//
// Errors (TOML syntax, unknown key or trait, wrong value type, contradictory
// traits) throw pd::Error with file:line:col.
#pragma once
#include "ir/OpRegistry.h"

#include <string>
#include <string_view>

namespace pd {

void loadRules(OpRegistry &registry, std::string_view tomlText, const std::string &fileName);
void loadRuleFile(OpRegistry &registry, const std::string &path);
// The built-in rules (ir/builtin-rules.toml, then ir/builtin-channel-maps.toml)
// are read by this same code at build time: see ir/GenerateOpTable.cpp.

} // namespace pd
