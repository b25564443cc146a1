#include "ir/OpRegistry.h"

#include "ir/BuiltinOpTable.h"

namespace pd {

namespace {
struct TraitInfo {
  const char *name, *doc;
};
const TraitInfo kTraits[] = {
#define PD_TRAIT(ENUM, NAME, DOC) {NAME, DOC},
#include "ir/Traits.def"
};
} // namespace

std::string_view traitName(Trait t) { return kTraits[static_cast<size_t>(t)].name; }
std::string_view traitDoc(Trait t) { return kTraits[static_cast<size_t>(t)].doc; }
std::optional<Trait> parseTrait(std::string_view name) {
  for (size_t i = 0; i < static_cast<size_t>(Trait::Count); ++i)
    if (name == kTraits[i].name)
      return static_cast<Trait>(i);
  return std::nullopt;
}

Symbol moduleOpKind(std::string_view moduleType) {
  std::string k = "nn.";
  k += moduleType;
  return Symbol::get(k);
}

// Traits that cannot both hold: an analysis would have to both stop and pass,
// or join and break, at the same op. Refused when the rule is added, so a rule
// file can never make an analysis misbehave.
static void checkConsistent(const OpRule &r) {
  auto clash = [&](Trait a, Trait b) {
    if (r.has(a) && r.has(b))
      throw Error(r.definedAt, "rule for '" + std::string(r.kind.str()) + "' has both '" +
                                   std::string(traitName(a)) + "' and '" +
                                   std::string(traitName(b)) + "', which contradict each other");
  };
  clash(Trait::Transparent, Trait::Barrier);
  clash(Trait::Elementwise, Trait::Barrier);
  clash(Trait::Transparent, Trait::Reshape);
  clash(Trait::Transparent, Trait::Concat);
  clash(Trait::Transparent, Trait::WeightLayer);
  clash(Trait::Transparent, Trait::ChannelTarget);
  clash(Trait::Elementwise, Trait::WeightLayer);
  clash(Trait::Elementwise, Trait::Concat);
  if (r.has(Trait::Concat) && r.dimAttr.empty())
    throw Error(r.definedAt, "rule for '" + std::string(r.kind.str()) +
                                 "' has trait 'concat' but no 'dim' attribute name");
  if (r.has(Trait::Grouped) && r.groupsAttr.empty())
    throw Error(r.definedAt, "rule for '" + std::string(r.kind.str()) +
                                 "' has trait 'grouped' but no 'groups' attribute name");
  if (r.has(Trait::GroupNorm) && (r.numGroupsAttr.empty() || r.outChannelsAttr.empty()))
    throw Error(r.definedAt, "rule for '" + std::string(r.kind.str()) +
                                 "' has trait 'group-norm' but lacks 'num_groups' or "
                                 "'out_channels' attribute names");
  if (r.minOperands && r.maxOperands && *r.minOperands > *r.maxOperands)
    throw Error(r.definedAt, "rule for '" + std::string(r.kind.str()) +
                                 "' has more minimum than maximum operands");
}

uint32_t OpRegistry::slotOf(Symbol kind) const {
  auto [it, inserted] = index_.try_emplace(kind.id(), kNoRule);
  if (!inserted)
    return it->second;
  // First time this kind is asked for: the built-in table decides, once.
  if (builtins_)
    if (const BuiltinRule *entry = builtins_->find(kind.str())) {
      it->second = static_cast<uint32_t>(rules_.size());
      rules_.push_back(builtins_->toRule(*entry));
    }
  return it->second;
}

const OpRule *OpRegistry::lookup(Symbol kind) const {
  uint32_t slot = slotOf(kind);
  return slot == kNoRule ? nullptr : &rules_[slot];
}

void OpRegistry::put(OpRule rule, bool keepMap) {
  checkConsistent(rule);
  uint32_t slot = slotOf(rule.kind);
  if (slot == kNoRule) {
    slot = static_cast<uint32_t>(rules_.size());
    index_[rule.kind.id()] = slot;
    added_.push_back(slot);
    rules_.push_back(std::move(rule));
    return;
  }
  if (keepMap && !rule.channelMap)
    rule.channelMap = std::move(rules_[slot].channelMap);
  rules_[slot] = std::move(rule);
}

// Traits and channel maps come from separate tables in schema 1: redefining
// the traits of an op keeps the map it already had unless the new rule has one.
void OpRegistry::add(OpRule rule) { put(std::move(rule), /*keepMap=*/true); }

void OpRegistry::define(OpRule rule) { put(std::move(rule), /*keepMap=*/false); }

void OpRegistry::setChannelMap(Symbol kind, ChannelMap map) {
  uint32_t slot = slotOf(kind);
  if (slot != kNoRule) {
    rules_[slot].channelMap = std::move(map);
    return;
  }
  OpRule r;
  r.kind = kind;
  r.definedAt = map.definedAt;
  r.origin = map.origin;
  r.channelMap = std::move(map);
  add(std::move(r));
}

bool OpRegistry::isLeafModule(std::string_view moduleType) const {
  std::string kind = "nn." + std::string(moduleType);
  if (Symbol k = Symbol::lookup(kind))
    return has(k, Trait::Leaf);
  // Never interned, so no rule was added for it: only the built-in table can
  // know it (asked without interning every module type the frontend meets).
  const BuiltinRule *entry = builtins_ ? builtins_->find(kind) : nullptr;
  return entry && (entry->traits >> static_cast<unsigned>(Trait::Leaf)) & 1;
}

std::vector<const OpRule *> OpRegistry::rules() const {
  std::vector<const OpRule *> all;
  if (builtins_)
    for (size_t i = 0; i < builtins_->numRules; ++i)
      all.push_back(lookup(Symbol::get(builtins_->rules[builtins_->listOrder[i]].kind)));
  for (uint32_t slot : added_)
    all.push_back(&rules_[slot]);
  return all;
}

} // namespace pd
