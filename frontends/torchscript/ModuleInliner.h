// Inlining a TorchScript module's forward down to aten ops, except the calls
// of leaf modules.
//
// torch's own Inline() flattens everything, after which a Conv2d is just an
// aten::_convolution among others. We inline call by call instead: a call of a
// module whose type the op table marks as a leaf (`registry.isLeafModule`) is
// kept as one prim::CallMethod node, so it becomes one module op; every other
// call (non-leaf modules, free functions) is inlined, and each inlined node
// remembers the module it came from (its scope: path `layer1.0`, type
// `BasicBlock`). After inlining, every module value is a prim::GetAttr chain
// from the graph's `self`, which spells its path.
//
// The same answer comes in two forms. inlineForward() builds it: a copy of
// the forward graph with every call's nodes copied in (what running the model
// needs). flatForward() only reads it: the nodes of each graph, the calls'
// callees walked in place, in the order the inlined graph would have them,
// and an alias per value a call joins (a callee's input is the caller's
// argument, a call's output is the callee's result). Copying LibTorch nodes
// was a third of the Python API's time on densenet121; a reader that asks
// for `fwd.input(n, i)` instead of `n->input(i)` sees no difference.
#pragma once
#include "ir/Diagnostic.h"
#include "ir/OpRegistry.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/ir/ir.h>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/StringMap.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pd::ts {

struct ModuleScope {
  std::string path; // "" for the root module
  std::string type; // short class name: "BasicBlock"
};

class InlinedForward {
public:
  torch::jit::Module root;
  // The inlined graph; in a flat view the root's own forward graph, which
  // must not be changed (it is the module's).
  std::shared_ptr<torch::jit::Graph> graph;

  // Whether this is a flat view (flatForward) rather than an inlined copy.
  bool isFlat() const { return flat_; }
  // The forward's nodes in execution order, calls of non-leaf modules and
  // functions replaced by their callees' nodes.
  const std::vector<const torch::jit::Node *> &nodes() const { return nodes_; }
  // The value `v` stands for: itself, or in a flat view for a callee's input
  // the caller's argument and for a call's output the callee's result.
  const torch::jit::Value *resolve(const torch::jit::Value *v) const {
    auto it = aliases_.find(v);
    return it == aliases_.end() ? v : it->second;
  }
  // Input `i` of `n`, resolved.
  const torch::jit::Value *input(const torch::jit::Node *n, size_t i) const {
    return resolve(n->input(i));
  }

  // The module a node was inlined from (the root for the forward's own nodes).
  const ModuleScope &scopeOf(const torch::jit::Node *n) const;
  // Path of a module-typed value (a GetAttr chain from `self`), or nullopt.
  std::optional<std::string> modulePath(const torch::jit::Value *v) const;
  // The module object at `path` ("" is the root).
  torch::jit::Module moduleAt(const std::string &path) const;

  // Whether `n` is a call of a leaf module's forward (kept as one module op).
  bool isLeafCall(const torch::jit::Node *n) const;

  // "layer1.0 (BasicBlock)" or "the top-level module (ResNet)": for messages.
  std::string describeScope(const torch::jit::Node *n) const;

  // The op table the leaves were chosen by.
  const OpRegistry &registry() const { return *registry_; }

private:
  friend InlinedForward inlineForward(const torch::jit::Module &, const OpRegistry &);
  friend std::optional<InlinedForward> flatForward(const torch::jit::Module &, const OpRegistry &);
  friend size_t foldDecidedBranches(InlinedForward &,
                                    const std::function<std::optional<bool>(const torch::jit::Value *)> &);
  struct Callee {
    torch::jit::GraphFunction *function;
    size_t scope;
  };
  // The function a non-leaf call runs and the scope of its nodes (a new
  // scope for a module's method). Throws pd::Error when it cannot be inlined.
  Callee calleeOf(const torch::jit::Node *call, size_t scope);
  void inlineBlock(torch::jit::Block *b, size_t scope);
  void assignScope(torch::jit::Node *n, size_t scope);
  bool walkFlat(const torch::jit::Graph &g, size_t scope);
  void listTopLevelNodes();

  const OpRegistry *registry_ = nullptr;
  bool flat_ = false;
  std::vector<const torch::jit::Node *> nodes_;
  std::vector<ModuleScope> scopes_; // [0] is the root
  llvm::DenseMap<const torch::jit::Node *, size_t> nodeScope_;
  // Flat view: the scope of each graph walked (each is walked once), and the
  // values calls join.
  llvm::DenseMap<const torch::jit::Graph *, size_t> graphScope_;
  llvm::DenseMap<const torch::jit::Value *, const torch::jit::Value *> aliases_;
  // isLeafCall's answer per module class and per short class name: a traced
  // model has a class per module instance, but few names (`Conv2d`), and the
  // op table is asked once per name instead of three times per node.
  mutable llvm::DenseMap<const c10::ClassType *, bool> leafClasses_;
  mutable llvm::StringMap<bool> leafNames_;
  // The call nodes found to be leaf calls (only those: a non-leaf call is
  // destroyed by inlining, and its address may be reused by a copied node).
  mutable llvm::DenseSet<const torch::jit::Node *> leafCalls_;
  // modulePath's answers (the lowering asks for every layer call). Only
  // prim::GetAttr results are kept; an entry is dropped when its value may be
  // destroyed, so a reused address never finds a stale one.
  mutable llvm::DenseMap<const torch::jit::Value *, std::optional<std::string>> paths_;
};

// Copies `module`'s forward graph and inlines every non-leaf call. Throws
// pd::Error (e.g. a call of a method that has no graph).
InlinedForward inlineForward(const torch::jit::Module &module, const OpRegistry &registry);

// The same nodes as inlineForward's graph, read in place: nullopt when a flat
// view cannot stand for the inlined graph (a graph called twice, whose values
// would need one name per call; control flow, whose branches are folded by
// changing the graph; a call inlineForward would refuse, so that it reports
// it). The view is read only: running the forward needs inlineForward's copy.
std::optional<InlinedForward> flatForward(const torch::jit::Module &module, const OpRegistry &registry);

// Replaces each top-level prim::If whose condition `known` can tell (a
// constant, or a value recorded by running the model) by the nodes of the
// branch taken. Returns how many were replaced; the nodes moved keep their
// scopes. Run the model again afterwards to record the values they produce.
size_t foldDecidedBranches(
    InlinedForward &fwd,
    const std::function<std::optional<bool>(const torch::jit::Value *)> &known);

// "Conv2d" for __torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d.
std::string shortTypeName(const c10::ClassTypePtr &cls);

// file:line:col of the Python source a node came from, when known.
Location sourceLocation(const torch::jit::Node *n);

} // namespace pd::ts
