#include "ir/ChannelMap.h"

#include "ir/Graph.h"

#include <iterator>

namespace pd {
namespace {

struct KindInfo {
  const char *name, *required, *optional, *doc;
};
const KindInfo kKinds[] = {
#define PD_CHANNEL_MAP(ENUM, NAME, REQUIRED, OPTIONAL, DOC) {NAME, REQUIRED, OPTIONAL, DOC},
#include "ir/ChannelMaps.def"
};

struct KeyInfo {
  const char *name, *doc;
};
const KeyInfo kKeys[] = {
#define PD_CHANNEL_MAP_KEY(ENUM, NAME, DOC) {NAME, DOC},
#include "ir/ChannelMaps.def"
};
// byName returns a table's index as the enumerator.
static_assert(std::size(kKinds) == static_cast<size_t>(ChannelMapKind::Count));
static_assert(std::size(kKeys) == static_cast<size_t>(ChannelMapKey::Count));

// Whether the space-separated word list `list` contains `word`.
bool listHas(std::string_view list, std::string_view word) {
  size_t pos = 0;
  while (pos < list.size()) {
    size_t end = list.find(' ', pos);
    if (end == std::string_view::npos)
      end = list.size();
    if (list.substr(pos, end - pos) == word)
      return true;
    pos = end + 1;
  }
  return false;
}

const KindInfo &info(ChannelMapKind k) { return kKinds[static_cast<size_t>(k)]; }

// The enumerator whose entry in `table` (in enum order, from the .def) is
// named `name`.
template <typename Enum, typename Info, size_t N>
std::optional<Enum> byName(const Info (&table)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i)
    if (name == table[i].name)
      return static_cast<Enum>(i);
  return std::nullopt;
}

} // namespace

std::string_view channelMapKindName(ChannelMapKind k) { return info(k).name; }
std::string_view channelMapKindDoc(ChannelMapKind k) { return info(k).doc; }

std::optional<ChannelMapKind> parseChannelMapKind(std::string_view name) {
  return byName<ChannelMapKind>(kKinds, name);
}

std::string_view channelMapKeyName(ChannelMapKey k) { return kKeys[static_cast<size_t>(k)].name; }

std::optional<ChannelMapKey> parseChannelMapKey(std::string_view name) {
  return byName<ChannelMapKey>(kKeys, name);
}

bool channelMapNeeds(ChannelMapKind k, ChannelMapKey key) {
  return listHas(info(k).required, channelMapKeyName(key));
}
bool channelMapTakes(ChannelMapKind k, ChannelMapKey key) {
  return channelMapNeeds(k, key) || listHas(info(k).optional, channelMapKeyName(key));
}

std::string channelMapKeyList(ChannelMapKind k) {
  std::string out;
  for (size_t i = 0; i < static_cast<size_t>(ChannelMapKey::Count); ++i)
    if (channelMapTakes(k, static_cast<ChannelMapKey>(i)))
      out += (out.empty() ? "" : ", ") + std::string(kKeys[i].name);
  return out.empty() ? "none" : out;
}

const Attribute *ChannelMap::attrArg(const Op &op, ChannelMapKey k) const {
  const ChannelMapArg &a = arg(k);
  if (a.attr.empty())
    return nullptr;
  return op.attr(a.attr);
}

std::optional<int64_t> ChannelMap::intArg(const Op &op, ChannelMapKey k) const {
  const ChannelMapArg &a = arg(k);
  if (a.literal)
    return a.literal;
  const Attribute *attr = attrArg(op, k);
  if (!attr)
    return std::nullopt;
  if (attr->isBool())
    return attr->getBool() ? 1 : 0;
  return attr->asInt();
}

std::optional<std::vector<int64_t>> ChannelMap::intsArg(const Op &op, ChannelMapKey k) const {
  const ChannelMapArg &a = arg(k);
  if (a.literal)
    return std::vector<int64_t>{*a.literal};
  const Attribute *attr = attrArg(op, k);
  return attr ? attr->asInts() : std::nullopt;
}

} // namespace pd
