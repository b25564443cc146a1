// Op facts as data. Every analysis reads what it needs to know about an op
// (is it elementwise, a prunable layer, a reshape, which attribute holds the
// channel count, ...) from this table. The built-in rules are a TOML file
// (ir/builtin-ops.toml) compiled into constant data at build time
// (ir/BuiltinOpTable.h); --rules files and plugins add to the same table.
#pragma once
#include "ir/ChannelMap.h"
#include "ir/Diagnostic.h"
#include "ir/Symbol.h"

#include <llvm/ADT/DenseMap.h>

#include <bitset>
#include <initializer_list>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

class Op;
struct BuiltinOpTable;

enum class Trait : uint8_t {
#define PD_TRAIT(ENUM, NAME, DOC) ENUM,
#include "ir/Traits.def"
  Count
};
std::string_view traitName(Trait t);
std::string_view traitDoc(Trait t);
std::optional<Trait> parseTrait(std::string_view name);

using TraitSet = std::bitset<static_cast<size_t>(Trait::Count)>;
inline TraitSet traitSet(std::initializer_list<Trait> traits) {
  TraitSet set;
  for (Trait t : traits)
    set.set(static_cast<size_t>(t));
  return set;
}

struct OpRule {
  Symbol kind; // aten::add, or nn.Conv2d for a module type
  TraitSet traits;
  // Attribute names the analyses read; empty when the op has none.
  Symbol outChannelsAttr, inChannelsAttr, groupsAttr, numGroupsAttr, dimAttr;
  // Arity checked by the verifier, when given.
  std::optional<unsigned> minOperands, maxOperands, numResults;
  Location definedAt;  // where the rule came from (rule file position)
  std::string origin;  // "<builtin-ops.toml>" (a built-in), a rule file path, or "plugin <name>"
  // How the op maps channel indices (a schema-2 entry's `channel-map`, or the
  // `[channel-map]` table of a schema-1 file); add() keeps it when a later
  // rule without a map replaces this one, define() does not.
  std::optional<ChannelMap> channelMap;

  bool has(Trait t) const { return traits.test(static_cast<size_t>(t)); }
  void set(Trait t) { traits.set(static_cast<size_t>(t)); }
};

// The rules a run uses: the ones added to this registry (rule files,
// plugins, --unknown-ops) over the built-in table. Built-in rules are not
// copied in when the registry is made: a lookup that misses the added rules
// finds the kind in the constant table and caches it as an OpRule, so start-up
// costs nothing however big the table is. That cache makes const lookups
// write: one registry must not be used from several threads at once.
class OpRegistry {
public:
  // An empty table without the built-ins (see withBuiltins()).
  OpRegistry() = default;

  // Adds a rule, replacing any earlier rule for the same kind (later rule
  // files override the built-ins) but keeping its channel map when `rule` has
  // none (a schema-1 rule file gives traits and maps in separate tables).
  // Throws on contradictory traits.
  void add(OpRule rule);
  // Adds a rule or replaces the earlier rule for its kind whole, channel map
  // included: a schema-2 entry says everything about its op. Throws on
  // contradictory traits.
  void define(OpRule rule);
  // Sets the channel map of `kind`, creating a rule without traits when none
  // exists (an op with a map is a known op: the trait walks pass it).
  void setChannelMap(Symbol kind, ChannelMap map);
  // The rule for `kind`, or null. The pointer stays valid as long as the
  // registry (a later add() for the same kind changes what it points to).
  const OpRule *lookup(Symbol kind) const;
  bool has(Symbol kind, Trait t) const {
    const OpRule *r = lookup(kind);
    return r && r->has(t);
  }
  // Whether modules of this type (e.g. "Conv2d") are kept as single ops.
  bool isLeafModule(std::string_view moduleType) const;
  // Every rule, for listings: the built-ins in the order of their files, then
  // the kinds added later in the order they were first added. Turns every
  // built-in entry into an OpRule, so it is the one call that costs in
  // proportion to the table.
  std::vector<const OpRule *> rules() const;

  // A registry over the built-in rules (constant data: no parsing, nothing
  // copied).
  static OpRegistry withBuiltins();

private:
  explicit OpRegistry(const BuiltinOpTable *builtins) : builtins_(builtins) {}
  // Position of kind's rule in rules_ (a built-in one is made and cached
  // here), or kNoRule.
  uint32_t slotOf(Symbol kind) const;
  // add() and define(): whether an earlier channel map survives a rule without one.
  void put(OpRule rule, bool keepMap);
  static constexpr uint32_t kNoRule = ~uint32_t(0);

  const BuiltinOpTable *builtins_ = nullptr;
  // kind id -> position in rules_, or kNoRule for a kind known to have none.
  mutable llvm::DenseMap<uint32_t, uint32_t> index_;
  // A deque: adding a rule never moves the ones lookup() handed out.
  mutable std::deque<OpRule> rules_;
  std::vector<uint32_t> added_; // positions of kinds not in the built-ins, in order
};

// The module-op kind for a module type: "Conv2d" -> nn.Conv2d.
Symbol moduleOpKind(std::string_view moduleType);

} // namespace pd
