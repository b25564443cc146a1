// The [channel-map] table of rule files: parsed into OpRule::channelMap,
// merged with trait rules in either order, errors located.
#include "ir/Graph.h"
#include "ir/RuleFile.h"

#include <doctest/doctest.h>

using namespace pd;

static std::string mapError(const std::string &toml) {
  OpRegistry r;
  try {
    loadRules(r, toml, "m.toml");
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

TEST_CASE("the built-in channel maps load and merge into the trait rules") {
  OpRegistry r = OpRegistry::withBuiltins();
  const OpRule *cat = r.lookup(Symbol::get("aten::cat"));
  REQUIRE(cat);
  CHECK(cat->has(Trait::Concat)); // the trait rule is kept
  REQUIRE(cat->channelMap);
  CHECK(cat->channelMap->kind == ChannelMapKind::Concat);
  CHECK(cat->channelMap->arg(ChannelMapKey::Dim).attr == Symbol::get("dim"));
  const OpRule *conv = r.lookup(Symbol::get("nn.ConvTranspose2d"));
  REQUIRE(conv);
  REQUIRE(conv->channelMap);
  CHECK(conv->channelMap->kind == ChannelMapKind::Conv);
  CHECK(conv->channelMap->arg(ChannelMapKey::Transposed).literal == 1);
  // Every kind of the .def table is used by at least one built-in map.
  std::vector<bool> used(static_cast<size_t>(ChannelMapKind::Count));
  for (const OpRule *rule : r.rules())
    if (rule->channelMap)
      used[static_cast<size_t>(rule->channelMap->kind)] = true;
  for (size_t i = 0; i < used.size(); ++i)
    CHECK_MESSAGE(used[i], channelMapKindName(static_cast<ChannelMapKind>(i)));
}

TEST_CASE("a map without a trait rule makes a known op; a later trait rule keeps the map") {
  OpRegistry r;
  loadRules(r, "[channel-map]\n\"my::op\" = { kind = \"transpose\", dim0 = 0, dim1 = \"d\" }\n", "a.toml");
  const OpRule *op = r.lookup(Symbol::get("my::op"));
  REQUIRE(op);
  CHECK(op->traits.none());
  REQUIRE(op->channelMap);
  CHECK(op->channelMap->arg(ChannelMapKey::Dim0).literal == 0);
  CHECK(op->channelMap->arg(ChannelMapKey::Dim1).attr == Symbol::get("d"));
  CHECK(op->channelMap->definedAt.str() == "a.toml:2:1");
  loadRules(r, "[op.\"my::op\"]\ntraits = [\"reshape\"]\n", "b.toml");
  op = r.lookup(Symbol::get("my::op"));
  CHECK(op->has(Trait::Reshape));
  REQUIRE(op->channelMap);
  CHECK(op->channelMap->origin == "a.toml");
  // A later map replaces the earlier one and keeps the traits.
  loadRules(r, "[channel-map]\n\"my::op\" = { kind = \"elementwise\" }\n", "c.toml");
  op = r.lookup(Symbol::get("my::op"));
  CHECK(op->has(Trait::Reshape));
  CHECK(op->channelMap->kind == ChannelMapKind::Elementwise);
}

TEST_CASE("map arguments read literals and op attributes") {
  OpRegistry r;
  loadRules(r, "[channel-map]\n\"x\" = { kind = \"conv\", groups = \"g\", transposed = true }\n", "a.toml");
  const ChannelMap &m = *r.lookup(Symbol::get("x"))->channelMap;
  Graph g;
  const Type *t = Type::tensor(DType::F32, {1, 4, 2, 2});
  Value *in = g.addInput(Symbol::get("in"), t);
  Op *op = g.createOp(Symbol::get("x"), {in}, {{Symbol::get("out"), t}});
  CHECK_FALSE(m.intArg(*op, ChannelMapKey::Groups)); // attribute missing
  op->setAttr(Symbol::get("g"), Attribute(int64_t(4)));
  CHECK(m.intArg(*op, ChannelMapKey::Groups) == 4);
  CHECK(m.intArg(*op, ChannelMapKey::Transposed) == 1);
  CHECK_FALSE(m.intArg(*op, ChannelMapKey::Dim)); // not given
}

TEST_CASE("channel map errors say file:line:col") {
  CHECK(mapError("[channel-map]\n\"x\" = { kind = \"sideways\" }\n")
            .rfind("m.toml:2:16: error: unknown channel map kind 'sideways' (known: elementwise, ", 0) == 0);
  CHECK(mapError("[channel-map]\n\"x\" = { kind = \"concat\", dim = \"dim\", dims = \"d\" }\n") ==
        "m.toml:2:39: error: channel map kind 'concat' takes no key 'dims' (it takes: dim)");
  CHECK(mapError("[channel-map]\n\"x\" = { kind = \"concat\" }\n") ==
        "m.toml:2:7: error: channel map kind 'concat' needs key 'dim'");
  CHECK(mapError("[channel-map]\n\"x\" = { dim = \"dim\" }\n") ==
        "m.toml:2:7: error: channel map of 'x' has no 'kind'");
  CHECK(mapError("[channel-map]\n\"x\" = { kind = \"concat\", dim = 1.5 }\n") ==
        "m.toml:2:32: error: 'dim' must be an attribute name (a non-empty string) or an integer or boolean");
  CHECK(mapError("[channel-map]\n\"x\" = \"concat\"\n").rfind("m.toml:2:7: error: channel map of 'x' must be a table", 0) == 0);
  CHECK(mapError("channel-map = 3\n") ==
        "m.toml:1:15: error: 'channel-map' must be a table of op kind = { kind = ..., ... }");
}
