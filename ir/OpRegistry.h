// Op facts as data. Every analysis reads what it needs to know about an op
// (is it elementwise, a prunable layer, a reshape, which attribute holds the
// channel count, ...) from this table. The built-in rules are a TOML file
// embedded at build time; --rules files and plugins add to the same table.
#pragma once
#include "ir/ChannelMap.h"
#include "ir/Diagnostic.h"
#include "ir/Symbol.h"

#include <llvm/ADT/DenseMap.h>

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

class Op;

enum class Trait : uint8_t {
#define PD_TRAIT(ENUM, NAME, DOC) ENUM,
#include "ir/Traits.def"
  Count
};
std::string_view traitName(Trait t);
std::string_view traitDoc(Trait t);
std::optional<Trait> parseTrait(std::string_view name);

using TraitSet = std::bitset<static_cast<size_t>(Trait::Count)>;

struct OpRule {
  Symbol kind; // aten::add, or nn.Conv2d for a module type
  TraitSet traits;
  // Attribute names the analyses read; empty when the op has none.
  Symbol outChannelsAttr, inChannelsAttr, groupsAttr, numGroupsAttr, dimAttr;
  // Arity checked by the verifier, when given.
  std::optional<unsigned> minOperands, maxOperands, numResults;
  Location definedAt;  // where the rule came from (rule file position)
  std::string origin;  // "builtin", a rule file path, or "plugin <name>"
  // How the op maps channel indices (the `[channel-map]` table); kept when a
  // later trait rule for the same kind replaces this one.
  std::optional<ChannelMap> channelMap;

  bool has(Trait t) const { return traits.test(static_cast<size_t>(t)); }
  void set(Trait t) { traits.set(static_cast<size_t>(t)); }
};

class OpRegistry {
public:
  // Adds a rule, replacing any earlier rule for the same kind (later rule
  // files override the built-ins). Throws on contradictory traits.
  void add(OpRule rule);
  // Sets the channel map of `kind`, creating a rule without traits when none
  // exists (an op with a map is a known op: the trait walks pass it).
  void setChannelMap(Symbol kind, ChannelMap map);
  const OpRule *lookup(Symbol kind) const {
    auto it = index_.find(kind.id());
    return it == index_.end() ? nullptr : &rules_[it->second];
  }
  bool has(Symbol kind, Trait t) const {
    const OpRule *r = lookup(kind);
    return r && r->has(t);
  }
  // Whether modules of this type (e.g. "Conv2d") are kept as single ops.
  bool isLeafModule(std::string_view moduleType) const;
  // Rules in the order they were first added (for listings).
  const std::vector<OpRule> &rules() const { return rules_; }

  // A registry holding the built-in rules (the embedded TOML, parsed once per
  // process and copied).
  static OpRegistry withBuiltins();

private:
  llvm::DenseMap<uint32_t, size_t> index_; // kind id -> position in rules_
  std::vector<OpRule> rules_;
};

// The module-op kind for a module type: "Conv2d" -> nn.Conv2d.
Symbol moduleOpKind(std::string_view moduleType);

} // namespace pd
