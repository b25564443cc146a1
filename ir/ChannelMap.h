// Channel index maps as data: how an op maps the indices of its operands'
// dims to its results' (and to a layer's parameters). Rule files give them in
// a `[channel-map]` table, separate from the trait rules so that it merges
// into them:
//
//   [channel-map]
//   "aten::cat" = { kind = "concat", dim = "dim" }   # "dim": the op attribute
//   "aten::t" = { kind = "transpose", dim0 = 0, dim1 = 1 }  # literals
//   "nn.Conv2d" = { kind = "conv", groups = "groups" }
//
// The kinds and their keys are the table in ir/ChannelMaps.def; the
// channel-groups analysis (passes/channels/ChannelMaps.cpp) implements each kind once.
#pragma once
#include "ir/Diagnostic.h"
#include "ir/Symbol.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

class Attribute;
class Op;

enum class ChannelMapKind : uint8_t {
#define PD_CHANNEL_MAP(ENUM, NAME, REQUIRED, OPTIONAL, DOC) ENUM,
#include "ir/ChannelMaps.def"
  Count
};

enum class ChannelMapKey : uint8_t {
#define PD_CHANNEL_MAP_KEY(ENUM, NAME, DOC) ENUM,
#include "ir/ChannelMaps.def"
  Count
};

std::string_view channelMapKindName(ChannelMapKind k);
std::string_view channelMapKindDoc(ChannelMapKind k);
std::optional<ChannelMapKind> parseChannelMapKind(std::string_view name);
std::string_view channelMapKeyName(ChannelMapKey k);
std::optional<ChannelMapKey> parseChannelMapKey(std::string_view name);
// Whether kind `k` takes / needs key `key` (from the .def table).
bool channelMapTakes(ChannelMapKind k, ChannelMapKey key);
bool channelMapNeeds(ChannelMapKind k, ChannelMapKey key);
// "dim, index" - the keys kind `k` takes, for messages.
std::string channelMapKeyList(ChannelMapKind k);

// A key's value: an attribute of the op, or a literal.
struct ChannelMapArg {
  Symbol attr;
  std::optional<int64_t> literal;
  bool given() const { return !attr.empty() || literal.has_value(); }
};

struct ChannelMap {
  ChannelMapKind kind = ChannelMapKind::Elementwise;
  std::array<ChannelMapArg, static_cast<size_t>(ChannelMapKey::Count)> args{};
  Location definedAt;
  std::string origin;

  const ChannelMapArg &arg(ChannelMapKey k) const { return args[static_cast<size_t>(k)]; }
  ChannelMapArg &arg(ChannelMapKey k) { return args[static_cast<size_t>(k)]; }
  bool has(ChannelMapKey k) const { return arg(k).given(); }

  // The value of key `k` for `op`: the literal, or the op's attribute read as
  // an int (a bool reads as 0/1, a one-element list as its element). nullopt
  // when the key is absent, the attribute missing or None, or not an int.
  std::optional<int64_t> intArg(const Op &op, ChannelMapKey k) const;
  // As a list of ints (a single int reads as a one-element list).
  std::optional<std::vector<int64_t>> intsArg(const Op &op, ChannelMapKey k) const;
  // The attribute named by key `k` (null for a literal or a missing one).
  const Attribute *attrArg(const Op &op, ChannelMapKey k) const;
};

} // namespace pd
