// The built-in op table as constant data. ir/builtin-ops.toml is parsed at
// BUILD time (by the same RuleFile.cpp reader that reads --rules files, in
// ir/GenerateOpTable.cpp) into a generated .cpp of these plain structs, so a
// process pays nothing for the table at start-up: OpRegistry finds a kind by
// binary search and turns the entry into an OpRule (interning its symbols)
// only when that kind is looked up.
#pragma once
#include "ir/OpRegistry.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pd {

// One argument of a channel map: the op attribute that holds the value, or
// a literal.
struct BuiltinMapArg {
  ChannelMapKey key;
  std::string_view attr; // empty for a literal
  bool hasLiteral;
  int64_t literal;
};

struct BuiltinChannelMap {
  ChannelMapKind kind;
  uint32_t firstArg, numArgs; // a range of BuiltinOpTable::mapArgs
  uint8_t file;               // index into BuiltinOpTable::files
  uint32_t line, col;
};

struct BuiltinRule {
  std::string_view kind;  // aten::add, nn.Conv2d
  uint32_t traits;        // bit i: Trait i
  std::string_view outChannels, inChannels, groups, numGroups, dim; // empty: none
  int32_t minOperands, maxOperands, numResults;                     // -1: not given
  uint8_t file;           // definedAt and origin: index into BuiltinOpTable::files
  uint32_t line, col;
  int32_t channelMap;     // index into BuiltinOpTable::maps, -1: none
};

struct BuiltinOpTable {
  const BuiltinRule *rules; // sorted by kind (bytewise), for binary search
  size_t numRules;
  // Positions in `rules` in the order the rules were first defined (the
  // loader's order): the listing order.
  const uint16_t *listOrder;
  const BuiltinChannelMap *maps;
  size_t numMaps;
  const BuiltinMapArg *mapArgs;
  size_t numMapArgs;
  const std::string_view *files; // "<builtin-ops.toml>", ...
  size_t numFiles;

  // The entry for `kind`, or null. O(log n), touches no shared state.
  const BuiltinRule *find(std::string_view kind) const;
  // The entry as an OpRule (interns its kind and attribute names).
  OpRule toRule(const BuiltinRule &entry) const;
};

static_assert(static_cast<size_t>(Trait::Count) <= 32, "BuiltinRule::traits holds 32 traits");

// The generated table (builtin_op_table.cpp, written by GenerateOpTable).
const BuiltinOpTable &builtinOpTable();

} // namespace pd
