// The .pdir text format: round trips and located errors.
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace pd;

static std::string roundTrip(const std::string &text) {
  auto g = parseGraph(text, "t.pdir");
  verifyGraph(*g);
  return printGraph(*g);
}

static std::string errorOf(const std::string &text) {
  try {
    auto g = parseGraph(text, "t.pdir");
    verifyGraph(*g);
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

TEST_CASE("every attribute kind, quoted names, unknown ops and locations round-trip") {
  std::string text =
      "graph @\"my model\"(%x: f32[1,3,8,8], %n: i64[2]) {\n"
      "  %\"a b\": f32[1,3,8,8] = mylib::fused(%x, %n) {i = -3, f = 0.1, g = 1e-05, h = -inf, "
      "b = true, s = \"q\\\"\\n\", l = [1, [2.5, none], \"x\"], e = []} loc(\"m.py\":3:9)\n"
      "  %c: f32[1,3,8,8], %d: f32[1,3,8,8] = aten::chunk(%\"a b\") {chunks = 2, dim = 0} scope "
      "\"layer1.0\" : BasicBlock\n"
      "  %t: tuple<f32[1,3,8,8],list<int>> = prim::TupleConstruct(%c)\n"
      "  %conv: f32[?,3,8,8] = nn.Conv2d(%d) {groups = 1} module \"layer1.0.conv1\"\n"
      "  aten::print(%conv)\n"
      "  return %conv, %c\n"
      "}\n";
  CHECK(roundTrip(text) == text);
  CHECK(roundTrip(roundTrip(text)) == text);
}

TEST_CASE("floats keep every bit and never turn into ints") {
  std::string text = "graph @g() {\n  %a: f32[] = k(){x = 0.30000000000000004, y = 1.0, z = 1e+300}\n  return\n}\n";
  auto g = parseGraph(text, "t.pdir");
  const Attribute *x = g->ops().front().attr("x");
  REQUIRE(x);
  CHECK(x->getFloat() == 0.30000000000000004);
  CHECK(g->ops().front().attr("y")->isFloat());
  std::string printed = printGraph(*g);
  CHECK(printed.find("y = 1.0") != std::string::npos);
  CHECK(printed.find("z = 1e+300") != std::string::npos);
}

TEST_CASE("errors carry file:line:col") {
  CHECK(errorOf("graph @g() {\n  %a: f32[1] = aten::relu(%b)\n  %b: f32[1] = aten::relu(%a)\n  return %a\n}\n") ==
        "t.pdir:2:27: error: value '%b' is used before its definition");
  CHECK(errorOf("graph @g() {\n  %a: f32[1] = aten::relu(%zz)\n  return %a\n}\n") ==
        "t.pdir:2:27: error: use of undefined value '%zz'");
  CHECK(errorOf("graph @g(%x: f32[1]) {\n  %x: f32[1] = aten::relu(%x)\n  return %x\n}\n") ==
        "t.pdir:2:3: error: value '%x' is defined twice");
  CHECK(errorOf("graph @g(%x: f33[1]) {\n  return %x\n}\n") ==
        "t.pdir:1:14: error: unknown element type 'f33'");
  CHECK(errorOf("graph @g(%x: f32[1]) {\n  return %x\n") ==
        "t.pdir:3:1: error: expected '}' after the return, found end of file");
  CHECK(errorOf("graph @g(%x: f32[1]) {\n  %y: f32[1] = aten::relu(%x) {a = 1, a = 2}\n  return %y\n}\n") ==
        "t.pdir:2:39: error: attribute 'a' given twice");
  CHECK(errorOf("graph @g(%x: f32[1]) {\n  %y: f32[1] = aten::relu(%x) {a = 99999999999999999999}\n  return %y\n}\n") ==
        "t.pdir:2:36: error: integer '99999999999999999999' out of range");
  CHECK(errorOf("graph @g(%x: f32[1]) {\n  %y: f32[1] = aten::relu(%x) {a = \"open}\n  return %y\n}\n") ==
        "t.pdir:2:36: error: unterminated string");
}

TEST_CASE("deep nesting is refused, not a stack overflow") {
  std::string deep = "graph @g() {\n  %a: f32[] = k() {x = " + std::string(100000, '[') + "}\n  return\n}\n";
  CHECK(errorOf(deep).find("nested too deeply") != std::string::npos);
}

TEST_CASE("the symbol table keeps every name through its growth") {
  // 200k names force the open-addressing table to grow several times; every
  // name must keep its id, its text, and be found again.
  std::vector<Symbol> syms;
  for (int i = 0; i < 200000; ++i)
    syms.push_back(Symbol::get("symtest." + std::to_string(i) + (i % 3 ? ".conv" : "")));
  bool allKept = true;
  for (int i = 0; i < 200000; ++i) {
    std::string text = "symtest." + std::to_string(i) + (i % 3 ? ".conv" : "");
    allKept = allKept && syms[i].str() == text && Symbol::get(text) == syms[i] &&
              Symbol::lookup(text) == syms[i] && Symbol::get(text, Symbol::hash(text)) == syms[i];
  }
  CHECK(allKept);
  CHECK_FALSE(Symbol::lookup("symtest.absent"));
  CHECK(Symbol::get("").empty());
  CHECK(Symbol::get("symtest.1") != Symbol::get("symtest.2"));
}

TEST_CASE("names used far from their definition, and escaped strings, round-trip") {
  // Operands defined thousands of lines earlier miss the parser's cache of
  // recent names and must still resolve to the right value.
  std::string text = "graph @g(%x: f32[1]) {\n";
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    std::string in = i < 6000 ? "x" : "v" + std::to_string(i - 6000);
    std::string res = "  %v" + std::to_string(i) + ": f32[1] = ";
    if (i % 2)
      text += res + "aten::relu(%" + in + ") scope \"s\\\"q\\\\" + std::to_string(i % 7) + "\" : M\n";
    else
      text += res + "nn.ReLU(%" + in + ") module \"m" + std::to_string(i) + "\"\n";
  }
  text += "  return %v" + std::to_string(n - 1) + "\n}\n";
  auto g = parseGraph(text, "t.pdir");
  CHECK(g->outputs()[0]->definingOp()->operand(0)->name().str() == "v" + std::to_string(n - 1 - 6000));
  CHECK(g->outputs()[0]->definingOp()->modulePath().str() == "s\"q\\" + std::to_string((n - 1) % 7));
  CHECK(printGraph(*g) == text);
}

TEST_CASE("a small graph in a process holding many names keeps exact name checks") {
  // Names interned earlier by other work give this graph's fresh names ids far
  // above its size: the parser and the verifier keep those in hash maps
  // instead of arrays sized by the process's symbol count.
  for (int i = 0; i < 100000; ++i)
    Symbol::get("fartest.pad." + std::to_string(i));
  std::string text = "graph @g(%farx: f32[1]) {\n"
                     "  %fara: f32[1] = aten::relu(%farx)\n"
                     "  %farb: f32[1] = aten::relu(%fara)\n"
                     "  return %farb\n}\n";
  auto g = parseGraph(text, "far.pdir");
  CHECK(Symbol::lookup("fara").id() > (1u << 16));
  CHECK(g->outputs()[0]->definingOp()->operand(0)->name().str() == "fara");
  CHECK_NOTHROW(verifyGraph(*g, nullptr));
  CHECK(printGraph(*g) == text);

  std::string dup = "graph @g(%fary: f32[1]) {\n"
                    "  %farc: f32[1] = aten::relu(%fary)\n"
                    "  %farc: f32[1] = aten::relu(%fary)\n"
                    "  return %farc\n}\n";
  CHECK_THROWS_WITH(parseGraph(dup, "dup.pdir"), doctest::Contains("defined twice"));

  Graph built;
  const Type *t = Type::tensor(DType::F32, {1});
  built.addInput(Symbol::get("fard"), t);
  built.addInput(Symbol::get("fard"), t);
  CHECK_THROWS_WITH(verifyGraph(built, nullptr), doctest::Contains("defined twice"));
}
