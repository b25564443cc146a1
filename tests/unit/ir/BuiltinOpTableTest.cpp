// The built-in op table is generated at build time (ir/GenerateOpTable.cpp);
// these tests parse the same TOML file at run time and require the generated
// table to say exactly the same thing, rule by rule and field by field, so
// the two can never drift. They also check the lazy lookup the table exists
// for: nothing is interned until a kind is asked for.
#include "ir/BuiltinOpTable.h"
#include "ir/RuleFile.h"

#include <doctest/doctest.h>

extern const char kBuiltinOpsToml[];

using namespace pd;

namespace {

OpRegistry parseBuiltinToml() {
  OpRegistry r;
  loadRules(r, kBuiltinOpsToml, "<builtin-ops.toml>");
  return r;
}

std::string where(const Location &l) { return l.str(); }

void checkSameMap(const ChannelMap &a, const ChannelMap &b) {
  CHECK(a.kind == b.kind);
  for (size_t k = 0; k < static_cast<size_t>(ChannelMapKey::Count); ++k) {
    INFO("key ", channelMapKeyName(static_cast<ChannelMapKey>(k)));
    CHECK(a.args[k].attr == b.args[k].attr);
    CHECK(a.args[k].literal == b.args[k].literal);
  }
  CHECK(where(a.definedAt) == where(b.definedAt));
  CHECK(a.origin == b.origin);
}

void checkSameRule(const OpRule &a, const OpRule &b) {
  INFO("rule ", a.kind.str(), " (", where(a.definedAt), ")");
  CHECK(a.kind == b.kind);
  CHECK(a.traits.to_string() == b.traits.to_string());
  CHECK(a.outChannelsAttr == b.outChannelsAttr);
  CHECK(a.inChannelsAttr == b.inChannelsAttr);
  CHECK(a.groupsAttr == b.groupsAttr);
  CHECK(a.numGroupsAttr == b.numGroupsAttr);
  CHECK(a.dimAttr == b.dimAttr);
  CHECK(a.minOperands == b.minOperands);
  CHECK(a.maxOperands == b.maxOperands);
  CHECK(a.numResults == b.numResults);
  CHECK(where(a.definedAt) == where(b.definedAt));
  CHECK(a.origin == b.origin);
  REQUIRE(a.channelMap.has_value() == b.channelMap.has_value());
  if (a.channelMap)
    checkSameMap(*a.channelMap, *b.channelMap);
}

// A built-in kind no test has interned yet (null when every one is).
const BuiltinRule *uninternedBuiltin(uint32_t traitMask) {
  const BuiltinOpTable &t = builtinOpTable();
  for (size_t i = 0; i < t.numRules; ++i)
    if ((t.rules[i].traits & traitMask) == traitMask && !Symbol::lookup(t.rules[i].kind))
      return &t.rules[i];
  return nullptr;
}

} // namespace

// First in this file: the tests below intern every built-in kind.
TEST_CASE("a registry over the built-ins interns nothing until a kind is asked for") {
  const BuiltinRule *leaf = uninternedBuiltin(1u << static_cast<unsigned>(Trait::Leaf));
  REQUIRE(leaf); // some built-in module type is not used by any earlier test
  std::string kind(leaf->kind);
  OpRegistry builtins = OpRegistry::withBuiltins();
  CHECK(builtins.lookup(Symbol::get("aten::add")));
  CHECK_FALSE(Symbol::lookup(kind));
  // isLeafModule answers from the table without interning the module type.
  REQUIRE(kind.rfind("nn.", 0) == 0);
  CHECK(builtins.isLeafModule(kind.substr(3)));
  CHECK_FALSE(Symbol::lookup(kind));
  CHECK_FALSE(builtins.isLeafModule("NoSuchModuleType"));
  CHECK_FALSE(Symbol::lookup("nn.NoSuchModuleType"));
}

TEST_CASE("the generated built-in table lists exactly what parsing the TOML gives") {
  OpRegistry parsed = parseBuiltinToml();
  OpRegistry builtins = OpRegistry::withBuiltins();
  std::vector<const OpRule *> want = parsed.rules(), got = builtins.rules();
  REQUIRE(got.size() == want.size());
  CHECK(want.size() > 200); // the file was read, not an empty table twice
  for (size_t i = 0; i < want.size(); ++i)
    checkSameRule(*got[i], *want[i]);
}

TEST_CASE("every built-in kind is found by lookup, each on its own") {
  OpRegistry parsed = parseBuiltinToml();
  // Fresh registries: each lookup runs the binary search and builds the rule.
  for (const OpRule *want : parsed.rules()) {
    OpRegistry builtins = OpRegistry::withBuiltins();
    const OpRule *got = builtins.lookup(want->kind);
    REQUIRE_MESSAGE(got, want->kind.str());
    checkSameRule(*got, *want);
    CHECK(builtins.lookup(want->kind) == got); // cached, same address
  }
  OpRegistry builtins = OpRegistry::withBuiltins();
  for (const char *absent : {"", "!", "aaaa::before_all", "zzzz::after_all", "aten::no_such_op"})
    CHECK_FALSE(builtins.lookup(Symbol::get(absent)));
  CHECK_FALSE(OpRegistry().lookup(Symbol::get("aten::add"))); // an empty registry has no built-ins
}

TEST_CASE("a rule file overrides a built-in, keeping its channel map and place in the listing") {
  OpRegistry r = OpRegistry::withBuiltins();
  std::vector<const OpRule *> before = r.rules();
  loadRules(r,
            "[op.\"aten::cat\"]\ntraits = [\"concat\"]\ndim = \"axis\"\n"
            "[op.\"mylib::fused_add\"]\ntraits = [\"elementwise\"]\n",
            "o.toml");
  const OpRule *cat = r.lookup(Symbol::get("aten::cat"));
  REQUIRE(cat);
  CHECK(cat->origin == "o.toml");
  CHECK(cat->definedAt.str() == "o.toml:1:5");
  CHECK(cat->dimAttr == Symbol::get("axis"));
  CHECK_FALSE(cat->has(Trait::Reshape)); // the built-in's traits are replaced, not merged
  REQUIRE(cat->channelMap);              // the built-in map stays
  CHECK(cat->channelMap->origin == "<builtin-ops.toml>");
  CHECK(cat->channelMap->kind == ChannelMapKind::Concat);

  std::vector<const OpRule *> after = r.rules();
  REQUIRE(after.size() == before.size() + 1);
  size_t catAt = 0;
  while (catAt < before.size() && before[catAt]->kind != cat->kind)
    ++catAt;
  REQUIRE(catAt < before.size());
  CHECK(after[catAt] == cat); // overridden in place
  CHECK(after.back()->kind == Symbol::get("mylib::fused_add"));

  // A copy (a plugin registers into one) is independent of the original.
  OpRegistry copy = r;
  loadRules(copy, "[op.\"aten::cat\"]\ntraits = [\"barrier\"]\n", "p.toml");
  CHECK(copy.has(Symbol::get("aten::cat"), Trait::Barrier));
  CHECK_FALSE(r.has(Symbol::get("aten::cat"), Trait::Barrier));
  CHECK_FALSE(OpRegistry::withBuiltins().has(Symbol::get("aten::cat"), Trait::Barrier));
}

TEST_CASE("a channel map from a rule file replaces the built-in map and keeps its traits") {
  OpRegistry r = OpRegistry::withBuiltins();
  loadRules(r, "[channel-map]\n\"aten::cat\" = { kind = \"elementwise\" }\n", "m.toml");
  const OpRule *cat = r.lookup(Symbol::get("aten::cat"));
  REQUIRE(cat);
  CHECK(cat->has(Trait::Concat));
  CHECK(cat->origin == "<builtin-ops.toml>");
  REQUIRE(cat->channelMap);
  CHECK(cat->channelMap->kind == ChannelMapKind::Elementwise);
  CHECK(cat->channelMap->origin == "m.toml");
}
