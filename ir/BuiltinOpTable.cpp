#include "ir/BuiltinOpTable.h"

#include <algorithm>

namespace pd {

const BuiltinRule *BuiltinOpTable::find(std::string_view kind) const {
  const BuiltinRule *end = rules + numRules;
  const BuiltinRule *it = std::lower_bound(
      rules, end, kind, [](const BuiltinRule &r, std::string_view k) { return r.kind < k; });
  return it != end && it->kind == kind ? it : nullptr;
}

static Symbol symbolOrEmpty(std::string_view text) {
  return text.empty() ? Symbol() : Symbol::get(text);
}

OpRule BuiltinOpTable::toRule(const BuiltinRule &e) const {
  OpRule r;
  r.kind = Symbol::get(e.kind);
  r.traits = TraitSet(e.traits);
  r.outChannelsAttr = symbolOrEmpty(e.outChannels);
  r.inChannelsAttr = symbolOrEmpty(e.inChannels);
  r.groupsAttr = symbolOrEmpty(e.groups);
  r.numGroupsAttr = symbolOrEmpty(e.numGroups);
  r.dimAttr = symbolOrEmpty(e.dim);
  if (e.minOperands >= 0)
    r.minOperands = static_cast<unsigned>(e.minOperands);
  if (e.maxOperands >= 0)
    r.maxOperands = static_cast<unsigned>(e.maxOperands);
  if (e.numResults >= 0)
    r.numResults = static_cast<unsigned>(e.numResults);
  r.definedAt = {Symbol::get(files[e.file]), e.line, e.col};
  r.origin = std::string(files[e.file]);
  if (e.channelMap >= 0) {
    const BuiltinChannelMap &bm = maps[e.channelMap];
    ChannelMap m;
    m.kind = bm.kind;
    for (uint32_t i = bm.firstArg; i < bm.firstArg + bm.numArgs; ++i) {
      const BuiltinMapArg &a = mapArgs[i];
      ChannelMapArg &arg = m.arg(a.key);
      arg.attr = symbolOrEmpty(a.attr);
      if (a.hasLiteral)
        arg.literal = a.literal;
    }
    m.definedAt = {Symbol::get(files[bm.file]), bm.line, bm.col};
    m.origin = std::string(files[bm.file]);
    r.channelMap = std::move(m);
  }
  return r;
}

} // namespace pd
