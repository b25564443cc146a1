#include "ir/Graph.h"

#include <algorithm>

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
  if (!results_.empty())
    return results_[0]->name().str();
  return kind_.str();
}

Value *Graph::newValue(Symbol name, const Type *type) {
  Value &v = valueStore_.emplace_back();
  v.id_ = static_cast<uint32_t>(valueStore_.size() - 1);
  v.name_ = name;
  v.type_ = type;
  return &v;
}

Value *Graph::addInput(Symbol name, const Type *type) {
  Value *v = newValue(name, type);
  inputs_.push_back(v);
  return v;
}

Op *Graph::createOp(Symbol kind, llvm::ArrayRef<Value *> operands,
                    llvm::ArrayRef<std::pair<Symbol, const Type *>> results) {
  Op &op = opStore_.emplace_back();
  op.id_ = static_cast<uint32_t>(opStore_.size() - 1);
  op.kind_ = kind;
  op.operands_.reserve(operands.size());
  for (Value *v : operands) {
    v->uses_.push_back({&op, static_cast<uint32_t>(op.operands_.size())});
    op.operands_.push_back(v);
  }
  op.results_.reserve(results.size());
  for (const auto &[name, type] : results) {
    Value *v = newValue(name, type);
    v->def_ = &op;
    v->resultNo_ = static_cast<uint32_t>(op.results_.size());
    op.results_.push_back(v);
  }
  ops_.push_back(op);
  ++numOps_;
  return &op;
}

void Graph::dropUse(Value *v, Op *user, uint32_t operandNo) {
  auto &uses = v->uses_;
  auto it = std::find_if(uses.begin(), uses.end(), [&](const Use &u) {
    return u.user == user && u.operandNo == operandNo;
  });
  if (it != uses.end()) {
    *it = uses.back();
    uses.pop_back();
  }
}

void Graph::setOperand(Op *op, unsigned i, Value *v) {
  dropUse(op->operands_[i], op, i);
  op->operands_[i] = v;
  v->uses_.push_back({op, i});
}

void Graph::replaceAllUsesWith(Value *from, Value *to) {
  if (from == to)
    return;
  for (const Use &u : from->uses_) {
    u.user->operands_[u.operandNo] = to;
    to->uses_.push_back(u);
  }
  from->uses_.clear();
  for (Value *&o : outputs_)
    if (o == from)
      o = to;
}

void Graph::eraseOp(Op *op) {
  for (Value *r : op->results_)
    if (r->hasUses() || std::count(outputs_.begin(), outputs_.end(), r))
      throw Error(op->loc(), "cannot erase '" + std::string(op->displayName()) +
                                 "': its result '" + std::string(r->name().str()) +
                                 "' is still used");
  for (unsigned i = 0; i < op->operands_.size(); ++i)
    dropUse(op->operands_[i], op, i);
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
    for (Value *v : op.operands_)
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
    for (Value *r : order[i]->results_)
      for (const Use &u : r->uses_)
        if (--pending[u.user->id_] == 0)
          order.push_back(u.user);
  if (order.size() != numOps_)
    return std::nullopt;
  return order;
}

} // namespace pd
