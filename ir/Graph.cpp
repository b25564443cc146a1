#include "ir/Graph.h"

#include <algorithm>
#include <cstdint>
#include <new>
#include <string>
#include <type_traits>

namespace pd {

const Attribute *Op::attr(Symbol name) const {
  for (const NamedAttribute &a : *attrs_)
    if (a.name == name)
      return &a.value;
  return nullptr;
}

const Attribute *Op::attr(std::string_view name) const {
  Symbol s = Symbol::lookup(name);
  return s ? attr(s) : nullptr;
}

std::optional<int64_t> Op::intAttr(std::string_view name) const {
  const Attribute *a = attr(name);
  return a ? a->asInt() : std::nullopt;
}

void Op::setAttr(Symbol name, Attribute value) {
  AttributeList copy = *attrs_;
  bool replaced = false;
  for (NamedAttribute &a : copy)
    if (a.name == name) {
      a.value = std::move(value);
      replaced = true;
      break;
    }
  if (!replaced)
    copy.push_back({name, std::move(value)});
  attrs_ = internAttributes(std::move(copy));
}

void Op::mergeAttrs(llvm::ArrayRef<NamedAttribute> more) {
  if (more.empty())
    return;
  // A fresh op (the frontends' case) takes `more` as it is, unless a name
  // repeats in it (then the later value wins, as below).
  auto repeatsName = [&] {
    for (size_t i = 1; i < more.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (more[i].name == more[j].name)
          return true;
    return false;
  };
  if (attrs_->empty() && !repeatsName()) {
    attrs_ = internAttributes(more);
    return;
  }
  AttributeList merged = *attrs_;
  for (const NamedAttribute &m : more) {
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const NamedAttribute &a) { return a.name == m.name; });
    if (same != merged.end())
      same->value = m.value;
    else
      merged.push_back(m);
  }
  attrs_ = internAttributes(std::move(merged));
}

std::string_view Op::displayName() const {
  if (leafModule_ && modulePath_)
    return modulePath_.str();
  if (numResults())
    return result(0)->name().str();
  return kind_.str();
}

static_assert(std::is_trivially_destructible_v<Op> && std::is_trivially_destructible_v<Value>,
              "the graph's arenas free ops and values without running destructors");
static_assert(sizeof(void *) != 8 || (sizeof(Op) == 56 && sizeof(Value) == 48),
              "Op and Value sizes are what the walks stream per op (README, Speed and memory)");

Value *Graph::newValue(Symbol name, const Type *type) {
  Value *v = new (valueArena_.allocate(sizeof(Value), alignof(Value))) Value();
  v->id_ = valueIdBound_++;
  v->name_ = name;
  v->type_ = type;
  return v;
}

Value *Graph::addInput(Symbol name, const Type *type) {
  Value *v = newValue(name, type);
  inputs_.push_back(v);
  return v;
}

Op *Graph::createOp(Symbol kind, llvm::ArrayRef<Value *> operands,
                    llvm::ArrayRef<std::pair<Symbol, const Type *>> results) {
  if (operands.size() > UINT32_MAX || results.size() > UINT32_MAX)
    throw Error("'" + std::string(kind.str()) + "' has too many operands or results");
  bool wide = operands.size() > Op::kMaxNarrowOperands || results.size() > Op::kMaxNarrowResults;
  size_t bytes = sizeof(Op) + (wide ? sizeof(Op::WideCounts) : 0) +
                 sizeof(Value *) * (operands.size() + results.size());
  Op *op = new (opArena_.allocate(bytes, alignof(Op))) Op();
  op->id_ = opIdBound_++;
  op->kind_ = kind;
  if (wide) {
    op->wideCounts_ = 1;
    new (op + 1) Op::WideCounts{static_cast<uint32_t>(operands.size()),
                                static_cast<uint32_t>(results.size())};
  } else {
    op->numOperands_ = static_cast<uint16_t>(operands.size());
    op->numResults_ = static_cast<uint16_t>(results.size()) & Op::kMaxNarrowResults;
  }
  Value **slot = op->tensors();
  for (uint32_t i = 0; i < operands.size(); ++i) {
    *slot++ = operands[i];
    addUse(operands[i], op, i);
  }
  for (uint32_t i = 0; i < results.size(); ++i) {
    Value *v = newValue(results[i].first, results[i].second);
    v->def_ = op;
    v->resultNo_ = i;
    *slot++ = v;
  }
  ops_.push_back(*op);
  ++numOps_;
  return op;
}

void Graph::addUse(Value *v, Op *user, uint32_t operandNo) {
  Use use{user, operandNo};
  if (!v->usesOutOfLine_ && v->numUses_ == 0) {
    v->useStore_.one = use;
    v->numUses_ = 1;
    return;
  }
  uint32_t capacity = v->usesOutOfLine_ ? v->useStore_.many.capacity : 1;
  if (v->numUses_ == capacity) {
    // Doubling: the arrays left behind in the arena add up to less than the
    // last one.
    uint32_t grown = 2 * capacity;
    Use *data = static_cast<Use *>(useArena_.allocate(sizeof(Use) * grown, alignof(Use)));
    std::copy_n(v->useData(), v->numUses_, data);
    v->useStore_.many = {data, grown};
    v->usesOutOfLine_ = 1;
  }
  v->useStore_.many.data[v->numUses_++] = use;
}

void Graph::dropUse(Value *v, Op *user, uint32_t operandNo) {
  Use *begin = v->useData(), *end = begin + v->numUses_;
  Use *it = std::find_if(begin, end, [&](const Use &u) {
    return u.user == user && u.operandNo == operandNo;
  });
  if (it != end) {
    *it = end[-1];
    --v->numUses_;
  }
}

void Graph::setOperand(Op *op, unsigned i, Value *v) {
  dropUse(op->operand(i), op, i);
  op->tensors()[i] = v;
  addUse(v, op, i);
}

void Graph::replaceAllUsesWith(Value *from, Value *to) {
  if (from == to)
    return;
  for (const Use &u : from->uses()) {
    u.user->tensors()[u.operandNo] = to;
    addUse(to, u.user, u.operandNo);
  }
  from->numUses_ = 0;
  for (Value *&o : outputs_)
    if (o == from)
      o = to;
}

void Graph::eraseOp(Op *op) {
  for (Value *r : op->results())
    if (r->hasUses() || std::count(outputs_.begin(), outputs_.end(), r))
      throw Error(op->loc(), "cannot erase '" + std::string(op->displayName()) +
                                 "': its result '" + std::string(r->name().str()) +
                                 "' is still used");
  for (unsigned i = 0; i < op->numOperands(); ++i)
    dropUse(op->operand(i), op, i);
  ops_.remove(*op);
  --numOps_;
}

void Graph::moveBefore(Op *op, Op *before) {
  ops_.remove(*op);
  ops_.insert(before->getIterator(), *op);
}

std::optional<std::vector<Op *>> Graph::topologicalOrder() const {
  std::vector<uint32_t> pending(opIdBound(), 0);
  std::vector<const Op *> ready;
  for (const Op &op : ops_) {
    uint32_t n = 0;
    for (Value *v : op.operands())
      if (v->def_)
        ++n;
    pending[op.id_] = n;
  }
  std::vector<Op *> order;
  order.reserve(numOps_);
  // Seed in list order, then release users as their producers are placed.
  for (const Op &op : ops_)
    if (pending[op.id_] == 0)
      order.push_back(const_cast<Op *>(&op));
  for (size_t i = 0; i < order.size(); ++i)
    for (Value *r : order[i]->results())
      for (const Use &u : r->uses())
        if (--pending[u.user->id_] == 0)
          order.push_back(u.user);
  if (order.size() != numOps_)
    return std::nullopt;
  return order;
}

} // namespace pd
