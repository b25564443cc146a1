// The IR: one SSA graph of ops and values.
//
// A Value is produced by exactly one Op (or is a graph input) and knows its
// uses. An Op has an interned kind (`aten::add`, `nn.Conv2d`), operands,
// results, attributes, the module it runs in (path `layer1.0.conv1`, type
// `Conv2d`) and a location. Ops and values live in arenas owned by the Graph,
// so pointers stay valid until the graph dies; erased ops are unlinked.
#pragma once
#include "ir/Attribute.h"
#include "ir/Diagnostic.h"
#include "ir/LargeArray.h"
#include "ir/Symbol.h"
#include "ir/Type.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/simple_ilist.h>

#include <deque>
#include <optional>
#include <vector>

namespace pd {

class Op;
class Graph;

struct Use {
  Op *user;
  uint32_t operandNo;
};

class Value {
public:
  Symbol name() const { return name_; }
  const Type *type() const { return type_; }
  void setType(const Type *t) { type_ = t; }
  // The op defining this value, or null for a graph input.
  Op *definingOp() const { return def_; }
  unsigned resultNo() const { return resultNo_; }
  const llvm::SmallVectorImpl<Use> &uses() const { return uses_; }
  bool hasUses() const { return !uses_.empty(); }
  // Dense id in [0, Graph::valueIdBound()): index for side tables in passes.
  uint32_t id() const { return id_; }

private:
  friend class Graph;
  friend class Op;
  Op *def_ = nullptr;
  uint32_t resultNo_ = 0;
  uint32_t id_ = 0;
  Symbol name_;
  const Type *type_ = nullptr;
  llvm::SmallVector<Use, 1> uses_;
};

class Op : public llvm::ilist_node<Op> {
public:
  Symbol kind() const { return kind_; }
  const llvm::SmallVectorImpl<Value *> &operands() const { return operands_; }
  Value *operand(unsigned i) const { return operands_[i]; }
  unsigned numOperands() const { return operands_.size(); }
  const llvm::SmallVectorImpl<Value *> &results() const { return results_; }
  Value *result(unsigned i = 0) const { return results_[i]; }
  unsigned numResults() const { return results_.size(); }

  const AttributeList &attrs() const { return *attrs_; }
  const Attribute *attr(Symbol name) const;
  const Attribute *attr(std::string_view name) const;
  std::optional<int64_t> intAttr(std::string_view name) const;
  void setAttr(Symbol name, Attribute value);
  void setAttrs(AttributeList attrs) { attrs_ = internAttributes(std::move(attrs)); }
  // setAttr for each of `more` in order, interning the result once (a
  // frontend sets a layer's ten attributes at a time).
  void mergeAttrs(llvm::ArrayRef<NamedAttribute> more);
  // `attrs` must come from internAttributes() (or another op's attrs()).
  void setInternedAttrs(const AttributeList *attrs) { attrs_ = attrs; }

  // Module the op runs in: for a leaf module call its own path (`conv1`) and
  // type (`Conv2d`), for a function op the enclosing module. Empty at top level.
  Symbol modulePath() const { return modulePath_; }
  Symbol moduleType() const { return moduleType_; }
  void setModule(Symbol path, Symbol type) {
    modulePath_ = path;
    moduleType_ = type;
  }

  const Location &loc() const { return loc_; }
  // Whether the location is part of the IR (printed as loc(...)) or only where
  // the parser found the op (used for messages, never printed).
  bool hasSourceLoc() const { return sourceLoc_; }
  void setLoc(Location l, bool isSourceLoc) {
    loc_ = l;
    sourceLoc_ = isSourceLoc;
  }

  // Name people see in reports: the module path for a module call, otherwise
  // the name of the first result.
  std::string_view displayName() const;

  // Dense id in [0, Graph::opIdBound()) for side tables in passes.
  uint32_t id() const { return id_; }

private:
  friend class Graph;
  Symbol kind_;
  Symbol modulePath_, moduleType_;
  uint32_t id_ = 0;
  bool sourceLoc_ = false;
  bool leafModule_ = false;
  Location loc_;
  llvm::SmallVector<Value *, 2> operands_;
  llvm::SmallVector<Value *, 1> results_;
  const AttributeList *attrs_ = emptyAttributes();

public:
  // True when this op is one call of a leaf module (its module path names it).
  bool isModuleCall() const { return leafModule_; }
  void setModuleCall(bool b) { leafModule_ = b; }
};

class Graph {
public:
  Graph() = default;
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;

  Symbol name() const { return name_; }
  void setName(Symbol n) { name_ = n; }

  Value *addInput(Symbol name, const Type *type);
  const std::vector<Value *> &inputs() const { return inputs_; }
  const std::vector<Value *> &outputs() const { return outputs_; }
  void setOutputs(std::vector<Value *> outputs) { outputs_ = std::move(outputs); }

  // Creates an op at the end of the graph with one result per (name, type).
  Op *createOp(Symbol kind, llvm::ArrayRef<Value *> operands,
               llvm::ArrayRef<std::pair<Symbol, const Type *>> results);
  void setOperand(Op *op, unsigned i, Value *v);
  void replaceAllUsesWith(Value *from, Value *to);
  // Unlinks `op`; its results must be unused and not graph outputs.
  void eraseOp(Op *op);
  // Moves `op` just before `before` in the op list.
  void moveBefore(Op *op, Op *before);

  using OpList = llvm::simple_ilist<Op>;
  OpList &ops() { return ops_; }
  const OpList &ops() const { return ops_; }
  size_t numOps() const { return numOps_; }
  uint32_t opIdBound() const { return static_cast<uint32_t>(opStore_.size()); }
  uint32_t valueIdBound() const { return static_cast<uint32_t>(valueStore_.size()); }

  // Ops ordered so every op follows the producers of its operands (Kahn's
  // algorithm, stable w.r.t. the list order). Empty optional on a cycle.
  std::optional<std::vector<Op *>> topologicalOrder() const;

private:
  Value *newValue(Symbol name, const Type *type);
  static void dropUse(Value *v, Op *user, uint32_t operandNo);
  Symbol name_;
  // Ops and values end to end in arenas (ir/LargeArray.h): walks of the op
  // list read them in address order. Declared before the stores, which are
  // destroyed first.
  Arena opArena_, valueArena_;
  std::deque<Op, ArenaAllocator<Op>> opStore_{ArenaAllocator<Op>(&opArena_)};
  std::deque<Value, ArenaAllocator<Value>> valueStore_{ArenaAllocator<Value>(&valueArena_)};
  OpList ops_;
  size_t numOps_ = 0;
  std::vector<Value *> inputs_, outputs_;
};

} // namespace pd
