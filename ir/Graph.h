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

#include <optional>
#include <vector>

namespace pd {

class Op;
class Graph;

// One operand slot reading a value: operand `operandNo` of `user`.
struct Use {
  Op *user;
  uint32_t operandNo;
};

// 48 bytes: walks of a million-op graph stream every value they
// read from DRAM, so its size is their time.
class Value {
public:
  Symbol name() const { return name_; }
  const Type *type() const { return type_; }
  void setType(const Type *t) { type_ = t; }
  // The op defining this value, or null for a graph input.
  Op *definingOp() const { return def_; }
  unsigned resultNo() const { return resultNo_; }
  llvm::ArrayRef<Use> uses() const { return {useData(), numUses_}; }
  bool hasUses() const { return numUses_ != 0; }
  // Dense id in [0, Graph::valueIdBound()): index for side tables in passes.
  uint32_t id() const { return id_; }

private:
  friend class Graph;
  const Use *useData() const { return usesOutOfLine_ ? useStore_.many.data : &useStore_.one; }
  Use *useData() { return usesOutOfLine_ ? useStore_.many.data : &useStore_.one; }

  Op *def_ = nullptr;
  const Type *type_ = nullptr;
  Symbol name_;
  uint32_t id_ = 0;
  uint32_t resultNo_ : 31;
  // Most values have one use, kept here; from the second use on they are an
  // array in the graph's use arena (never freed before the graph, so a
  // Value needs no destructor).
  uint32_t usesOutOfLine_ : 1;
  uint32_t numUses_ = 0;
  struct UseArray {
    Use *data;
    uint32_t capacity;
  };
  union UseStore {
    Use one;
    UseArray many;
  } useStore_;

  Value() : resultNo_(0), usesOutOfLine_(0) {}
};

// An op and, right behind it in its arena, its operand and result pointers
// (one allocation sized at createOp: nothing adds operands or results
// later). 56 bytes plus 8 per operand and result, half of what inline
// SmallVectors take: a walk of the op list streams that many bytes.
class Op : public llvm::ilist_node<Op> {
public:
  Symbol kind() const { return kind_; }
  llvm::ArrayRef<Value *> operands() const { return {tensors(), numOperands()}; }
  Value *operand(unsigned i) const { return operands()[i]; }
  unsigned numOperands() const { return wideCounts_ ? wide()->operands : numOperands_; }
  llvm::ArrayRef<Value *> results() const { return {tensors() + numOperands(), numResults()}; }
  Value *result(unsigned i = 0) const { return results()[i]; }
  unsigned numResults() const { return wideCounts_ ? wide()->results : numResults_; }

  const AttributeList &attrs() const { return *attrs_; }
  // Starts loading the lines holding the kind and the attribute list
  // pointer (often one line), for a reader that will ask many scattered ops
  // for their kind's rule and an attribute (the attribute lists themselves
  // are interned and shared, so usually in cache).
  void prefetchKindAndAttrs() const {
    __builtin_prefetch(&kind_);
    __builtin_prefetch(&attrs_);
  }
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

  // True when this op is one call of a leaf module (its module path names it).
  bool isModuleCall() const { return leafModule_; }
  void setModuleCall(bool b) { leafModule_ = b; }

private:
  friend class Graph;
  Op() : numResults_(0), sourceLoc_(0), leafModule_(0), wideCounts_(0) {}
  // Counts too big for the fields below (a cat of 40000 tensors): kept in
  // front of the pointers, so that the common op pays no bytes for them.
  struct WideCounts {
    uint32_t operands, results;
  };
  static constexpr unsigned kMaxNarrowOperands = (1u << 16) - 1;
  static constexpr unsigned kMaxNarrowResults = (1u << 13) - 1;
  const WideCounts *wide() const { return reinterpret_cast<const WideCounts *>(this + 1); }
  // Operands, then results: the pointers that follow the Op in its arena.
  Value *const *tensors() const {
    return reinterpret_cast<Value *const *>(reinterpret_cast<const char *>(this + 1) +
                                            (wideCounts_ ? sizeof(WideCounts) : 0));
  }
  Value **tensors() { return const_cast<Value **>(static_cast<const Op *>(this)->tensors()); }

  Symbol kind_;
  Symbol modulePath_, moduleType_;
  uint32_t id_ = 0;
  const AttributeList *attrs_ = emptyAttributes();
  Location loc_;
  uint16_t numOperands_ = 0;
  uint16_t numResults_ : 13;
  uint16_t sourceLoc_ : 1;
  uint16_t leafModule_ : 1;
  uint16_t wideCounts_ : 1;
};

// For walks of the op list of a big graph. The list is a chain of dependent
// loads (an op's successor is known once the op is read), which at a million
// ops waits on DRAM at every op: the hardware prefetcher follows the stream
// only within 4 KiB. But ops and values are allocated in list order, end to
// end in their arenas, so what lies a few KiB further on is a few dozen ops
// (or their results) down the list: fetching it now keeps that many loads in
// flight (a bare walk of a 1M-op graph: about 20 -> 7-11 ns per op). A
// reordered list only makes the guess useless; a prefetch never faults.
inline constexpr size_t kPrefetchAheadBytes = 4096;
inline void prefetchAhead(const Op &op) {
  const char *at = reinterpret_cast<const char *>(&op) + kPrefetchAheadBytes;
  __builtin_prefetch(at);
  __builtin_prefetch(at + 64); // an op with its pointers is more than a line
}
inline void prefetchAhead(const Value *v) {
  __builtin_prefetch(reinterpret_cast<const char *>(v) + kPrefetchAheadBytes);
}
// For walks that read each op's results as well (verify, print, index):
// the values lie ahead in their own arena, as the ops do in theirs.
inline void prefetchAheadWithResults(const Op &op) {
  prefetchAhead(op);
  if (op.numResults())
    prefetchAhead(op.result());
}

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
  uint32_t opIdBound() const { return opIdBound_; }
  uint32_t valueIdBound() const { return valueIdBound_; }

  // Ops ordered so every op follows the producers of its operands (Kahn's
  // algorithm, stable w.r.t. the list order). Empty optional on a cycle.
  std::optional<std::vector<Op *>> topologicalOrder() const;

private:
  Value *newValue(Symbol name, const Type *type);
  void addUse(Value *v, Op *user, uint32_t operandNo);
  static void dropUse(Value *v, Op *user, uint32_t operandNo);
  Symbol name_;
  // Ops (each with its operand and result pointers) and values end to end in
  // arenas of their own (ir/LargeArray.h): walks of the op list read both in
  // address order, and a walk that reads no value streams only the ops. Use
  // arrays of values with more than one use have a third. Ops and values are
  // trivially destructible: the arenas free them. Declared before the list.
  Arena opArena_, valueArena_, useArena_;
  OpList ops_;
  size_t numOps_ = 0;
  uint32_t opIdBound_ = 0, valueIdBound_ = 0;
  std::vector<Value *> inputs_, outputs_;
};

} // namespace pd
