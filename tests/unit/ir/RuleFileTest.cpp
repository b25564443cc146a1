// TOML op rules: the built-in table loads; errors are located.
#include "ir/RuleFile.h"

#include <doctest/doctest.h>

using namespace pd;

static std::string errorOf(const std::string &toml) {
  OpRegistry r;
  try {
    loadRules(r, toml, "r.toml");
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

TEST_CASE("the built-in table knows NNI's op lists") {
  OpRegistry r = OpRegistry::withBuiltins();
  CHECK(r.has(Symbol::get("aten::add"), Trait::Elementwise));
  CHECK(r.has(Symbol::get("aten::mul_"), Trait::Elementwise));
  CHECK(r.has(Symbol::get("aten::cat"), Trait::Concat));
  CHECK(r.lookup(Symbol::get("aten::cat"))->dimAttr == Symbol::get("dim"));
  CHECK(r.has(Symbol::get("nn.Conv2d"), Trait::ChannelTarget));
  CHECK(r.isLeafModule("Conv2d"));
  CHECK_FALSE(r.isLeafModule("BasicBlock"));
  CHECK_FALSE(r.lookup(Symbol::get("mylib::fused_add")));
}

TEST_CASE("later rules override earlier ones") {
  OpRegistry r = OpRegistry::withBuiltins();
  loadRules(r, "[op.\"aten::mul\"]\ntraits = [\"transparent\"]\n", "o.toml");
  CHECK_FALSE(r.has(Symbol::get("aten::mul"), Trait::Elementwise));
  CHECK(r.has(Symbol::get("aten::mul"), Trait::Transparent));
  CHECK(r.lookup(Symbol::get("aten::mul"))->origin == "o.toml");
}

TEST_CASE("rule file errors say file:line:col") {
  CHECK(errorOf("[op.\"x\"]\ntraits = [\"elementwise\"\n").rfind("r.toml:2:", 0) == 0);
  CHECK(errorOf("[op.\"x\"]\ntraits = [\"sparkly\"]\n") == "r.toml:2:11: error: unknown trait 'sparkly'");
  CHECK(errorOf("[op.\"x\"]\ncolour = 3\n") == "r.toml:2:1: error: unknown key 'colour' in rule 'x'");
  CHECK(errorOf("[op.\"x\"]\ntraits = \"elementwise\"\n") ==
        "r.toml:2:10: error: 'traits' must be an array of trait names");
  CHECK(errorOf("[op.\"x\"]\ndim = 1\n") == "r.toml:2:7: error: 'dim' must be a string (an attribute name)");
  CHECK(errorOf("[ops.\"x\"]\n").rfind("r.toml:1:", 0) == 0);
  CHECK(errorOf("[op.\"x\"]\ntraits = [\"transparent\", \"barrier\"]\n") ==
        "r.toml:1:5: error: rule for 'x' has both 'transparent' and 'barrier', which contradict each "
        "other");
  CHECK(errorOf("[op.\"x\"]\ntraits = [\"concat\"]\n").find("no 'dim' attribute name") != std::string::npos);
}

TEST_CASE("schema 2: a family entry gives each of its names every fact, located at the name") {
  OpRegistry r;
  loadRules(r,
            "schema = 2\n"
            "[[modules]]\n"
            "names = [\"Conv1d\", \"Conv2d\"]\n"
            "traits = [\"channel-target\", \"grouped\"]\n"
            "out_channels = \"out_channels\"\n"
            "groups = \"groups\"\n"
            "operands = 1\n"
            "channel-map = { kind = \"conv\", groups = \"groups\" }\n",
            "f.toml");
  for (const char *kind : {"nn.Conv1d", "nn.Conv2d"}) {
    INFO(kind);
    const OpRule *rule = r.lookup(Symbol::get(kind));
    REQUIRE(rule);
    CHECK(rule->has(Trait::Leaf)); // [[modules]], like [module.X]
    CHECK(rule->has(Trait::Grouped));
    CHECK(rule->groupsAttr == Symbol::get("groups"));
    CHECK(rule->minOperands == 1u);
    CHECK(rule->maxOperands == 1u);
    REQUIRE(rule->channelMap);
    CHECK(rule->channelMap->kind == ChannelMapKind::Conv);
    CHECK(rule->channelMap->arg(ChannelMapKey::Groups).attr == Symbol::get("groups"));
    CHECK(rule->channelMap->definedAt.str() == "f.toml:8:1");
    CHECK(rule->origin == "f.toml");
  }
  CHECK(r.lookup(Symbol::get("nn.Conv1d"))->definedAt.str() == "f.toml:3:10");
  CHECK(r.lookup(Symbol::get("nn.Conv2d"))->definedAt.str() == "f.toml:3:20");
  CHECK(r.isLeafModule("Conv2d"));
}

TEST_CASE("schema 2: elementwise and transparent ops without a channel-map map as elementwise") {
  OpRegistry r;
  loadRules(r,
            "schema = 2\n"
            "[[ops]]\nnames = [\"a\", \"b\"]\ntraits = [\"elementwise\"]\n"
            "[op.\"t\"]\ntraits = [\"transparent\"]\n"
            "[op.\"p\"]\ntraits = [\"transparent\"]\n"
            "channel-map = { kind = \"window\", window = 2 }\n"
            "[op.\"s\"]\ntraits = [\"reshape\"]\n"
            "[op.\"m\"]\nchannel-map = \"matmul\"\n",
            "d.toml");
  for (const char *kind : {"a", "b", "t"}) {
    INFO(kind);
    const OpRule *rule = r.lookup(Symbol::get(kind));
    REQUIRE(rule);
    REQUIRE(rule->channelMap);
    CHECK(rule->channelMap->kind == ChannelMapKind::Elementwise);
    CHECK(rule->channelMap->definedAt.str() == rule->definedAt.str());
  }
  const OpRule *p = r.lookup(Symbol::get("p")); // a map of its own wins
  REQUIRE(p->channelMap);
  CHECK(p->channelMap->kind == ChannelMapKind::Window);
  CHECK(p->channelMap->arg(ChannelMapKey::Window).literal == 2);
  CHECK_FALSE(r.lookup(Symbol::get("s"))->channelMap); // no map follows from "reshape"
  const OpRule *m = r.lookup(Symbol::get("m")); // a kind without keys, by name
  REQUIRE(m);
  CHECK(m->traits.none());
  REQUIRE(m->channelMap);
  CHECK(m->channelMap->kind == ChannelMapKind::Matmul);

  // Schema 1 loads as it always did: traits alone give no map (the analyses
  // treat such a rule as elementwise; see channelMapOf).
  OpRegistry v1;
  loadRules(v1, "[op.\"a\"]\ntraits = [\"elementwise\"]\n", "v1.toml");
  CHECK_FALSE(v1.lookup(Symbol::get("a"))->channelMap);
}

TEST_CASE("schema 2: an entry replaces a built-in op whole, channel map included") {
  OpRegistry r = OpRegistry::withBuiltins();
  REQUIRE(r.lookup(Symbol::get("aten::view"))->channelMap);
  loadRules(r,
            "schema = 2\n"
            "[op.\"aten::view\"]\ntraits = [\"reshape\"]\n"
            "[op.\"aten::max_pool2d\"]\ntraits = [\"transparent\"]\n",
            "o.toml");
  const OpRule *view = r.lookup(Symbol::get("aten::view"));
  CHECK_FALSE(view->has(Trait::View));
  CHECK_FALSE(view->channelMap); // schema 1 would keep the built-in map
  const OpRule *pool = r.lookup(Symbol::get("aten::max_pool2d"));
  REQUIRE(pool->channelMap);
  CHECK(pool->channelMap->kind == ChannelMapKind::Elementwise); // not the built-in window
  CHECK(pool->channelMap->origin == "o.toml");
}

TEST_CASE("schema 2 errors say file:line:col and what to change") {
  CHECK(errorOf("schema = 2\n[[ops]]\nnames = [\"x\", \"y\"]\n[op.\"y\"]\n") ==
        "r.toml:4:5: error: 'y' is already defined at line 3, column 15 (a schema-2 file gives "
        "each op one entry: merge the two or drop one)");
  // The later entry in the file is the one reported, whatever order TOML++
  // visits the tables in.
  CHECK(errorOf("schema = 2\n[op.\"y\"]\n[[ops]]\nnames = [\"x\", \"y\"]\n") ==
        "r.toml:4:15: error: 'y' is already defined at line 2, column 5 (a schema-2 file gives "
        "each op one entry: merge the two or drop one)");
  CHECK(errorOf("schema = 2\n[module.C]\n[op.\"nn.C\"]\n").rfind(
            "r.toml:3:5: error: 'nn.C' is already defined at line 2, column 9", 0) == 0);
  CHECK(errorOf("schema = 2\n[channel-map]\n\"x\" = { kind = \"elementwise\" }\n")
            .rfind("r.toml:2:1: error: a schema-2 file has no [channel-map] table", 0) == 0);
  CHECK(errorOf("[op.\"x\"]\nchannel-map = \"elementwise\"\n") ==
        "r.toml:2:1: error: unknown key 'channel-map' in rule 'x' (an inline channel map needs "
        "schema = 2; in a schema-1 file it goes in the [channel-map] table)");
  CHECK(errorOf("[[modules]]\nnames = [\"X\"]\n").find("[[modules]] entries need schema = 2") !=
        std::string::npos);
  CHECK(errorOf("schema = \"2\"\n") ==
        "r.toml:1:10: error: unsupported rule schema (this prunedep reads schema = 1 or 2)");
  CHECK(errorOf("schema = 2\n[[ops]]\nnames = [\"x\", \"\"]\n") ==
        "r.toml:3:15: error: a name in 'names' must be a non-empty string");
  CHECK(errorOf("schema = 2\n[[ops]]\nnames = [\"x\"]\nchannel-map = { kind = \"concat\" }\n") ==
        "r.toml:4:15: error: channel map kind 'concat' needs key 'dim'");
  CHECK(errorOf("schema = 2\n[op.\"x\"]\nchannel-map = \"sideways\"\n")
            .rfind("r.toml:3:15: error: unknown channel map kind 'sideways' (known: ", 0) == 0);
  // A file that fails while being read defines nothing.
  OpRegistry r;
  CHECK_THROWS(
      loadRules(r, "schema = 2\n[op.\"a\"]\n[op.\"b\"]\ntraits = [\"sparkly\"]\n", "r.toml"));
  CHECK_FALSE(r.lookup(Symbol::get("a")));
}
