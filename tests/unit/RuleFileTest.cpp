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
