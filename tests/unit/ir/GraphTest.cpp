// The graph API: use lists, replace-all-uses, erase, topological order.
#include "ir/Graph.h"
#include "ir/Verifier.h"

#include <doctest/doctest.h>

using namespace pd;

namespace {
const Type *t4() { return Type::tensor(DType::F32, {1, 8, 4, 4}); }
} // namespace

TEST_CASE("use lists follow operands") {
  Graph g;
  Value *x = g.addInput(Symbol::get("x"), t4());
  Op *a = g.createOp(Symbol::get("aten::relu"), {x}, {{Symbol::get("a"), t4()}});
  Op *b = g.createOp(Symbol::get("aten::add"), {a->result(), x}, {{Symbol::get("b"), t4()}});
  CHECK(x->uses().size() == 2);
  CHECK(a->result()->uses().size() == 1);
  CHECK(a->result()->uses()[0].user == b);
  CHECK(a->result()->definingOp() == a);
  CHECK(x->definingOp() == nullptr);
  g.setOutputs({b->result()});
  verifyGraph(g);
}

TEST_CASE("replaceAllUsesWith moves every use and the outputs") {
  Graph g;
  Value *x = g.addInput(Symbol::get("x"), t4());
  Op *a = g.createOp(Symbol::get("aten::relu"), {x}, {{Symbol::get("a"), t4()}});
  Op *b = g.createOp(Symbol::get("aten::mul"), {a->result(), a->result()}, {{Symbol::get("b"), t4()}});
  g.setOutputs({a->result()});
  g.replaceAllUsesWith(a->result(), x);
  CHECK_FALSE(a->result()->hasUses());
  CHECK(b->operand(0) == x);
  CHECK(b->operand(1) == x);
  CHECK(x->uses().size() == 3);
  CHECK(g.outputs()[0] == x);
  g.eraseOp(a);
  CHECK(g.numOps() == 1);
  CHECK(x->uses().size() == 2);
}

TEST_CASE("erasing an op whose result is used is refused") {
  Graph g;
  Value *x = g.addInput(Symbol::get("x"), t4());
  Op *a = g.createOp(Symbol::get("aten::relu"), {x}, {{Symbol::get("a"), t4()}});
  g.createOp(Symbol::get("aten::relu"), {a->result()}, {{Symbol::get("b"), t4()}});
  CHECK_THROWS_AS(g.eraseOp(a), Error);
}

TEST_CASE("topological order puts producers first even when the list does not") {
  Graph g;
  Value *x = g.addInput(Symbol::get("x"), t4());
  Op *a = g.createOp(Symbol::get("aten::relu"), {x}, {{Symbol::get("a"), t4()}});
  Op *b = g.createOp(Symbol::get("aten::sigmoid"), {a->result()}, {{Symbol::get("b"), t4()}});
  g.moveBefore(b, a); // list order is now b, a
  CHECK(&g.ops().front() == b);
  CHECK_THROWS_AS(verifyGraph(g), Error); // use before def in list order
  auto order = g.topologicalOrder();
  REQUIRE(order.has_value());
  CHECK((*order)[0] == a);
  CHECK((*order)[1] == b);
}

TEST_CASE("symbols and types are interned") {
  CHECK(Symbol::get("aten::add") == Symbol::get("aten::add"));
  CHECK(Symbol::get("aten::add") != Symbol::get("aten::sub"));
  CHECK(Symbol::get("aten::add").str() == "aten::add");
  CHECK(Type::tensor(DType::F32, {1, 2}) == Type::tensor(DType::F32, {1, 2}));
  CHECK(Type::tensor(DType::F32, {1, 2}) != Type::tensor(DType::F16, {1, 2}));
  CHECK(Type::tuple({Type::scalar(TypeKind::Int), t4()})->str() == "tuple<int,f32[1,8,4,4]>");
  CHECK(Type::tensor(DType::F32, {2, 3})->dim(-1) == 3);
  CHECK_FALSE(Type::tensor(DType::F32, {2, 3})->dim(2).has_value());
  CHECK_FALSE(Type::tensor(DType::F32, {int64_t(1) << 40, int64_t(1) << 40})->numElements().has_value());
}

// The verifier walks the op list once and works out an error's cause only
// when an operand is not defined yet: each cause must keep its own message.
TEST_CASE("the verifier tells a dangling operand from a use before its definition") {
  auto messageOf = [](const Graph &g) -> std::string {
    try {
      verifyGraph(g);
    } catch (const Error &e) {
      return e.what();
    }
    return "";
  };
  Graph g;
  Value *x = g.addInput(Symbol::get("x"), t4());
  Op *a = g.createOp(Symbol::get("aten::relu"), {x}, {{Symbol::get("va"), t4()}});
  Op *b = g.createOp(Symbol::get("aten::sigmoid"), {a->result()}, {{Symbol::get("vb"), t4()}});
  g.setOutputs({b->result()});
  CHECK(messageOf(g).empty());
  g.setOperand(b, 0, x);
  g.eraseOp(a);
  g.setOperand(b, 0, a->result()); // a is no longer in the list
  CHECK(messageOf(g).find("'%va' of 'aten::sigmoid' is dangling") != std::string::npos);
  g.setOperand(b, 0, x);
  Op *c = g.createOp(Symbol::get("aten::relu"), {x}, {{Symbol::get("vc"), t4()}});
  g.setOperand(b, 0, c->result()); // c comes after b in the list
  CHECK(messageOf(g).find("'%vc' of 'aten::sigmoid' is used before its definition") !=
        std::string::npos);
  g.setOperand(b, 0, x);
  g.createOp(Symbol::get("aten::relu"), {x}, {{Symbol::get("vb"), t4()}});
  CHECK(messageOf(g).find("'%vb' is defined twice") != std::string::npos);
}

// An op's operand and result pointers sit behind it in its arena, with their
// counts in 16- and 13-bit fields; bigger counts move in front of the
// pointers. Both layouts must give the same answers.
TEST_CASE("ops with more operands or results than the narrow counts hold") {
  Graph g;
  Value *x = g.addInput(Symbol::get("x"), t4());
  for (auto [numOperands, numResults] : {std::pair<size_t, size_t>{3, 2}, {70000, 1}, {1, 9000}}) {
    std::vector<Value *> operands(numOperands, x);
    std::vector<std::pair<Symbol, const Type *>> results;
    for (size_t i = 0; i < numResults; ++i)
      results.push_back({Symbol::get("w" + std::to_string(numOperands) + "_" + std::to_string(i)), t4()});
    Op *op = g.createOp(Symbol::get("aten::wide"), operands, results);
    CHECK(op->numOperands() == numOperands);
    CHECK(op->operands().size() == numOperands);
    CHECK(op->operand(numOperands - 1) == x);
    REQUIRE(op->numResults() == numResults);
    CHECK(op->result(numResults - 1)->definingOp() == op);
    CHECK(op->result(numResults - 1)->resultNo() == numResults - 1);
    CHECK(op->result(numResults - 1)->name().str() ==
          "w" + std::to_string(numOperands) + "_" + std::to_string(numResults - 1));
    CHECK(op->results()[0] == op->result(0));
    CHECK(op->displayName() == op->result(0)->name().str());
  }
  CHECK(x->uses().size() == 3 + 70000 + 1);
  CHECK(g.opIdBound() == 3);
  CHECK(g.valueIdBound() == 1 + 2 + 1 + 9000);
}

// A value keeps its first use in place and moves its uses to an array of the
// graph from the second on: every way of adding and dropping uses must keep
// the list exact.
TEST_CASE("use lists grow, shrink and move between values") {
  Graph g;
  Value *x = g.addInput(Symbol::get("x"), t4());
  Value *y = g.addInput(Symbol::get("y"), t4());
  std::vector<Op *> users;
  for (int i = 0; i < 9; ++i)
    users.push_back(g.createOp(Symbol::get("aten::relu"), {x}, {{Symbol::get("u" + std::to_string(i)), t4()}}));
  REQUIRE(x->uses().size() == 9);
  for (int i = 0; i < 9; ++i)
    CHECK(x->uses()[i].user == users[i]);
  g.setOperand(users[4], 0, y);
  CHECK(x->uses().size() == 8);
  REQUIRE(y->uses().size() == 1);
  CHECK(y->uses()[0].user == users[4]);
  CHECK(y->uses()[0].operandNo == 0);
  g.replaceAllUsesWith(x, y);
  CHECK_FALSE(x->hasUses());
  CHECK(y->uses().size() == 9);
  for (Op *u : users)
    CHECK(u->operand(0) == y);
  for (Op *u : users)
    g.eraseOp(u);
  CHECK_FALSE(y->hasUses());
  CHECK(g.numOps() == 0);
  // Back to one use after being out of line, then more again.
  Op *a = g.createOp(Symbol::get("aten::add"), {y, y}, {{Symbol::get("a"), t4()}});
  CHECK(y->uses().size() == 2);
  CHECK(y->uses()[1].operandNo == 1);
  g.setOperand(a, 1, x);
  CHECK(y->uses().size() == 1);
  CHECK(x->uses().size() == 1);
  CHECK(x->uses()[0].operandNo == 1);
}
