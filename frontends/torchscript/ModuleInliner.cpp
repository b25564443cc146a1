#include "frontends/torchscript/ModuleInliner.h"

#include "frontends/torchscript/NameTable.h"

#include <torch/csrc/jit/api/function_impl.h>

#include <cctype>

namespace pd::ts {

using torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;
namespace attr = c10::attr;

static const std::string kUnnamedModule = "Module";

std::string shortTypeName(const c10::ClassTypePtr &cls) {
  if (!cls || !cls->name())
    return kUnnamedModule;
  return cls->name()->name();
}

Location sourceLocation(const Node *n) {
  torch::jit::SourceRange r = n->sourceRange();
  // A loaded archive's ranges point into the serialized code; its debug
  // records map them back to the Python source the model was written in.
  if (auto original = r.findSourceRangeThatGenerated())
    r = *original;
  auto flc = r.file_line_col();
  if (!flc || std::get<0>(*flc).empty())
    return {};
  // TorchScript counts columns from 0; we print them from 1 like compilers.
  return {Symbol::get(std::get<0>(*flc)), static_cast<uint32_t>(std::get<1>(*flc)),
          static_cast<uint32_t>(std::get<2>(*flc) + 1)};
}

// forward, or forward1, forward2, ...: torch.jit.trace names the second call
// of a module `forward1` when it records a different graph for it.
static bool isForwardName(const std::string &name) {
  if (name.compare(0, 7, "forward") != 0)
    return false;
  for (size_t i = 7; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i])))
      return false;
  return true;
}

bool InlinedForward::isLeafCall(const Node *n) const {
  if (n->kind() != prim::CallMethod)
    return false;
  if (leafCalls_.count(n))
    return true;
  const auto *cls = n->input(0)->type()->castRaw<c10::ClassType>();
  if (!cls)
    return false;
  auto [it, isNew] = leafClasses_.try_emplace(cls, false);
  if (isNew && cls->is_module()) {
    const std::string &name = cls->name() ? cls->name()->name() : kUnnamedModule;
    auto [byName, isNewName] = leafNames_.try_emplace(name, false);
    if (isNewName)
      byName->second = registry_->isLeafModule(name);
    it->second = byName->second;
  }
  // Reading the method name is a LibTorch attribute lookup (a lock per
  // access): answered once per call node, which the inliner, the traced
  // types and the lowering all ask about.
  bool leaf = it->second && isForwardName(n->s(attr::name));
  if (leaf)
    leafCalls_.insert(n);
  return leaf;
}

const ModuleScope &InlinedForward::scopeOf(const Node *n) const {
  if (flat_) {
    auto it = graphScope_.find(n->owningGraph());
    return scopes_[it == graphScope_.end() ? 0 : it->second];
  }
  auto it = nodeScope_.find(n);
  return scopes_[it == nodeScope_.end() ? 0 : it->second];
}

std::string InlinedForward::describeScope(const Node *n) const {
  const ModuleScope &s = scopeOf(n);
  if (s.path.empty())
    return "the top-level module (" + s.type + ")";
  return "module '" + s.path + "' (" + s.type + ")";
}

std::optional<std::string> InlinedForward::modulePath(const Value *v) const {
  v = resolve(v);
  if (v == graph->inputs()[0])
    return std::string();
  const Node *def = v->node();
  if (def->kind() != prim::GetAttr)
    return std::nullopt;
  auto known = paths_.find(v);
  if (known != paths_.end())
    return known->second;
  std::optional<std::string> path = modulePath(input(def, 0));
  if (path)
    path = joinPath(*path, def->s(attr::name));
  paths_.try_emplace(v, path);
  return path;
}

torch::jit::Module InlinedForward::moduleAt(const std::string &path) const {
  torch::jit::Module m = root;
  size_t start = 0;
  while (start < path.size()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    m = torch::jit::Module(m.attr(part).toObject());
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  return m;
}

void InlinedForward::assignScope(Node *n, size_t scope) {
  nodeScope_[n] = scope;
  for (Block *b : n->blocks())
    for (Node *inner : b->nodes())
      assignScope(inner, scope);
}

InlinedForward::Callee InlinedForward::calleeOf(const Node *n, size_t scope) {
  torch::jit::Function *fn = nullptr;
  size_t calleeScope = scope;
  if (n->kind() == prim::CallMethod) {
    auto cls = n->input(0)->type()->cast<c10::ClassType>();
    if (!cls)
      throw Error("cannot inline the call of method '" + n->s(attr::name) + "' in " +
                  describeScope(n) + ": it is called on an interface, not a module");
    fn = &cls->getMethod(n->s(attr::name));
    if (cls->is_module()) {
      auto path = modulePath(n->input(0));
      if (!path)
        throw Error("cannot tell which submodule the call of '" + n->s(attr::name) + "' in " +
                    describeScope(n) + " is made on");
      scopes_.push_back({*path, shortTypeName(cls)});
      calleeScope = scopes_.size() - 1;
    }
  } else {
    // The callee is a constant input 0 of FunctionType (as torch's Inline).
    auto fnType = n->input(0)->type()->cast<c10::FunctionType>();
    if (!fnType)
      throw Error("cannot inline a call of a function value in " + describeScope(n));
    fn = fnType->function();
  }
  auto *graphFn = torch::jit::tryToGraphFunction(*fn);
  if (!graphFn)
    throw Error("cannot inline '" + fn->qualname().qualifiedName() + "' called in " +
                describeScope(n) + ": it is not TorchScript (a builtin or native function)");
  return {graphFn, calleeScope};
}

// One pass over the block, inlining as it goes: the nodes a call expands to
// are visited next, so calls nested in them are inlined in turn, each with
// the scope of the module it belongs to.
void InlinedForward::inlineBlock(Block *b, size_t scope) {
  for (Node *n = b->nodes().front(); n != b->return_node();) {
    auto known = nodeScope_.find(n);
    size_t s = known == nodeScope_.end() ? scope : known->second;
    nodeScope_[n] = s;
    bool isMethodCall = n->kind() == prim::CallMethod && !isLeafCall(n);
    bool isFunctionCall = n->kind() == prim::CallFunction;
    if (!isMethodCall && !isFunctionCall) {
      for (Block *sub : n->blocks())
        inlineBlock(sub, s);
      n = n->next();
      continue;
    }
    auto [graphFn, calleeScope] = calleeOf(n, s);
    if (isFunctionCall)
      n->removeInput(0); // the function value, not an argument
    Node *before = n->prev();
    Node *after = n->next();
    // The callee's own graph, not its optimized_graph(): the latter is
    // already fully inlined, leaf calls included.
    // torch::jit::inlineCallTo would also give every copied node an
    // inlined-call-stack entry, a fifth of the inlining time; the scopes we
    // assign below carry what the lowering needs (module path and type).
    {
      torch::jit::WithInsertPoint here(n);
      std::vector<Value *> results = torch::jit::insertGraph(*graph, *graphFn->graph(), n->inputs());
      for (size_t i = 0; i < results.size(); ++i)
        n->outputs()[i]->replaceAllUsesWith(results[i]);
      // The call's results are the only values destroyed here: dropped
      // from the path cache so that it never outlives a value (clearing
      // it per call made it useless while inlining).
      for (const Value *out : n->outputs())
        paths_.erase(out);
      n->destroy();
    }
    for (Node *m = before->next(); m != after; m = m->next())
      assignScope(m, calleeScope);
    n = before->next();
  }
}

InlinedForward inlineForward(const torch::jit::Module &module, const OpRegistry &registry) {
  InlinedForward f;
  f.root = module;
  f.registry_ = &registry;
  auto method = module.find_method("forward");
  if (!method)
    throw Error("the TorchScript module has no forward method");
  f.graph = method->graph()->copy();
  f.scopes_.push_back({"", shortTypeName(module.type())});
  f.inlineBlock(f.graph->block(), 0);
  f.listTopLevelNodes();
  return f;
}

void InlinedForward::listTopLevelNodes() {
  nodes_.assign(graph->nodes().begin(), graph->nodes().end());
}

// The nodes of `g` into nodes_, each call's callee walked in its place
// (inlineBlock's order). False when the view cannot be flat.
bool InlinedForward::walkFlat(const torch::jit::Graph &g, size_t scope) {
  if (!graphScope_.try_emplace(&g, scope).second)
    return false; // called twice: its values would stand for two values each
  for (const Node *n : g.nodes()) {
    if (!n->blocks().empty())
      return false;
    bool isMethodCall = n->kind() == prim::CallMethod && !isLeafCall(n);
    bool isFunctionCall = n->kind() == prim::CallFunction;
    if (!isMethodCall && !isFunctionCall) {
      nodes_.push_back(n);
      continue;
    }
    auto [graphFn, calleeScope] = calleeOf(n, scope);
    const torch::jit::Graph &callee = *graphFn->graph();
    size_t firstArg = isFunctionCall ? 1 : 0; // a function call's input 0 is the function
    if (callee.inputs().size() != n->inputs().size() - firstArg ||
        callee.outputs().size() != n->outputs().size())
      return false;
    for (size_t i = 0; i < callee.inputs().size(); ++i)
      aliases_[callee.inputs()[i]] = input(n, firstArg + i);
    if (!walkFlat(callee, calleeScope))
      return false;
    for (size_t i = 0; i < n->outputs().size(); ++i)
      aliases_[n->outputs()[i]] = resolve(callee.outputs()[i]);
  }
  return true;
}

std::optional<InlinedForward> flatForward(const torch::jit::Module &module, const OpRegistry &registry) {
  InlinedForward f;
  f.root = module;
  f.registry_ = &registry;
  f.flat_ = true;
  auto method = module.find_method("forward");
  if (!method)
    return std::nullopt;
  f.graph = method->graph();
  f.scopes_.push_back({"", shortTypeName(module.type())});
  try {
    if (!f.walkFlat(*f.graph, 0))
      return std::nullopt;
  } catch (const Error &) {
    return std::nullopt; // inlineForward says what is wrong
  }
  return f;
}

size_t foldDecidedBranches(InlinedForward &fwd,
                           const std::function<std::optional<bool>(const Value *)> &known) {
  if (fwd.flat_)
    return 0; // a flat view has no control flow (and its graph is the module's)
  size_t folded = 0;
  Block *top = fwd.graph->block();
  for (Node *n = top->nodes().front(); n != top->return_node();) {
    Node *next = n->next();
    if (n->kind() == prim::If) {
      if (std::optional<bool> cond = known(n->input(0))) {
        Block *taken = n->blocks()[*cond ? 0 : 1];
        Node *first = nullptr;
        for (Node *m = taken->nodes().front(); m != taken->return_node();) {
          Node *mNext = m->next();
          m->moveBefore(n);
          if (!first)
            first = m;
          m = mNext;
        }
        for (size_t i = 0; i < n->outputs().size(); ++i)
          n->outputs()[i]->replaceAllUsesWith(taken->outputs()[i]);
        n->destroy();
        // The branch not taken died with it: no cached answer may outlive
        // its nodes.
        fwd.paths_.clear();
        fwd.leafCalls_.clear();
        ++folded;
        // Visit the moved nodes: an If among them may have a constant
        // condition and fold right away.
        if (first)
          next = first;
      }
    }
    n = next;
  }
  if (folded)
    fwd.listTopLevelNodes();
  return folded;
}

} // namespace pd::ts
