// Op rules in TOML (docs/rules-and-channel-maps.md). Schema 2 gives each op
// one entry holding everything about it, or one entry for a family of ops
// that share every fact:
//
//   schema = 2
//
//   [op."aten::cat"]            # a function op, by its TorchScript kind
//   traits = ["concat", "reshape"]
//   dim = "dim"                 # attribute holding the dim
//   operands = [1, 64]          # optional arity, checked by the verifier
//   results = 1
//   channel-map = { kind = "concat", dim = "dim" }   # ir/ChannelMap.h
//
//   [[modules]]                 # module types; become op kinds nn.Conv1d, ...
//   names = ["Conv1d", "Conv2d", "Conv3d"]
//   traits = ["channel-target", "weight-layer", "grouped"]
//   out_channels = "out_channels"
//   in_channels = "in_channels"
//   groups = "groups"
//   channel-map = { kind = "conv", groups = "groups" }
//
//   [[ops]]                     # function ops that share every fact
//   names = ["aten::add", "aten::sub"]
//   traits = ["elementwise"]    # no channel-map: elementwise, from the trait
//
// (`[module.X]` is the one-type form of [[modules]]; `channel-map = "matmul"`
// names a kind that needs no keys.) A schema-2 entry replaces whatever an
// earlier file said about its ops, channel map included; an op named twice in
// one file is an error.
//
// Schema 1 (no `schema` key, or `schema = 1`) has [op.X] and [module.X] rules
// without maps, and the maps in a separate table, merged into the rules (a
// later rule keeps the op's map):
//
//   [channel-map]
//   "aten::cat" = { kind = "concat", dim = "dim" }
//
// Errors (TOML syntax, unknown key or trait, wrong value type, contradictory
// traits, a construct of the other schema) throw pd::Error with file:line:col.
#pragma once
#include "ir/OpRegistry.h"

#include <string>
#include <string_view>

namespace pd {

void loadRules(OpRegistry &registry, std::string_view tomlText, const std::string &fileName);
void loadRuleFile(OpRegistry &registry, const std::string &path);
// The built-in table (ir/builtin-ops.toml, schema 2) is read by this same code
// at build time: see ir/GenerateOpTable.cpp.

} // namespace pd
