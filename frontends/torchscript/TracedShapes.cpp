#include "frontends/torchscript/TracedShapes.h"

#include "frontends/torchscript/Messages.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/csrc/jit/runtime/interpreter.h>

#include <unordered_map>
#include <unordered_set>

namespace pd::ts {
namespace {

using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;

// A tensor type with every size and the dtype, or null. Checked without
// copying the sizes: this runs for every value of the graph.
const c10::TensorType *completeTensor(const c10::TypePtr &t) {
  const auto *tt = t->castRaw<c10::TensorType>();
  return tt && tt->scalarType() && tt->symbolic_sizes().isComplete() ? tt : nullptr;
}

// Read from the symbolic sizes in place: TensorType::sizes() builds a
// vector of optionals and concrete_sizes() another vector, for every tensor.
std::vector<int64_t> concreteSizes(const c10::TensorType &t) {
  const c10::SymbolicShape &ss = t.symbolic_sizes();
  std::vector<int64_t> sizes(*ss.rank());
  for (size_t i = 0; i < sizes.size(); ++i)
    sizes[i] = ss[i].static_size();
  return sizes;
}

TensorFacts factsOf(const c10::TensorType &t) { return TensorFacts{concreteSizes(t), *t.scalarType()}; }

// A complete tensor type, or a tuple of such (a leaf module returning
// several tensors).
bool complete(const c10::TypePtr &t) {
  if (t->kind() == c10::TypeKind::TensorType)
    return completeTensor(t) != nullptr;
  if (t->kind() != c10::TypeKind::TupleType)
    return false;
  for (const c10::TypePtr &e : t->containedTypes())
    if (!complete(e))
      return false;
  return true;
}

bool sameShapes(const c10::TypePtr &a, const c10::TypePtr &b) {
  if (a->kind() != b->kind())
    return false;
  if (a->kind() == c10::TypeKind::TensorType) {
    const c10::TensorType *ta = completeTensor(a), *tb = completeTensor(b);
    if (!ta || !tb || ta->scalarType() != tb->scalarType())
      return false;
    const c10::SymbolicShape &sa = ta->symbolic_sizes(), &sb = tb->symbolic_sizes();
    if (sa.rank() != sb.rank())
      return false;
    for (size_t i = 0; i < *sa.rank(); ++i)
      if (!(sa[i] == sb[i]))
        return false;
    return true;
  }
  auto ea = a->containedTypes(), eb = b->containedTypes();
  if (ea.size() != eb.size())
    return false;
  for (size_t i = 0; i < ea.size(); ++i)
    if (!sameShapes(ea[i], eb[i]))
      return false;
  return true;
}

// A value of a complete type that holds no data: what the slice's size ops
// read in place of the tensor the forward would have computed.
c10::IValue metaValue(const c10::TypePtr &t) {
  if (auto tt = t->cast<c10::TensorType>()) {
    auto opts = at::TensorOptions().dtype(*tt->scalarType()).device(at::kMeta);
    std::vector<int64_t> sizes = concreteSizes(*tt);
    // The traced strides too: a model may ask x.stride() or is_contiguous().
    if (auto strides = tt->strides().concrete_sizes())
      return at::empty_strided(sizes, *strides, opts);
    return at::empty(sizes, opts);
  }
  std::vector<c10::IValue> elements;
  for (const c10::TypePtr &e : t->containedTypes())
    elements.push_back(metaValue(e));
  return c10::ivalue::Tuple::create(std::move(elements));
}

// A device value that came from a meta stand-in would print as "meta" where
// the forward says "cpu": such a recording is refused, not used.
bool mentionsMetaDevice(const c10::IValue &v) {
  if (v.isDevice())
    return v.toDevice().is_meta();
  if (v.isList()) {
    for (const c10::IValue &e : v.toListRef())
      if (mentionsMetaDevice(e))
        return true;
  } else if (v.isTuple()) {
    for (const c10::IValue &e : v.toTupleRef().elements())
      if (mentionsMetaDevice(e))
        return true;
  }
  return false;
}

// Ops whose result's shape depends on the values in their inputs, not only
// on their shapes (torch.nonzero, boolean-mask indexing, unique, ...): their
// traced type holds the shape for the trace's example data, and other inputs
// of the same shape may give another. With one of them in the graph the
// forward runs on the inputs given.
// The dtype of a tensor value: its traced type's, or for a parameter or
// buffer (typed plain Tensor) the module's tensor's.
std::optional<c10::ScalarType> dtypeOf(const InlinedForward &fwd, const Value *v) {
  if (const auto *t = v->type()->castRaw<c10::TensorType>())
    if (t->scalarType())
      return *t->scalarType();
  const Node *def = v->node();
  if (def->kind() != prim::GetAttr)
    return std::nullopt;
  std::optional<std::string> owner = fwd.modulePath(def->input());
  if (!owner)
    return std::nullopt;
  c10::IValue held = fwd.moduleAt(*owner).attr(def->s(c10::attr::name));
  if (!held.isTensor() || !held.toTensor().defined())
    return std::nullopt;
  return held.toTensor().scalar_type();
}

bool shapeDependsOnData(const InlinedForward &fwd, const Node *n) {
  static const std::unordered_set<c10::Symbol> kinds = [] {
    std::unordered_set<c10::Symbol> s;
    for (const char *k : {"aten::nonzero", "aten::nonzero_numpy", "aten::argwhere",
                          "aten::masked_select", "aten::unique", "aten::_unique", "aten::_unique2",
                          "aten::unique_consecutive", "aten::unique_dim",
                          "aten::unique_dim_consecutive",
                          "aten::bincount", "aten::histc", "aten::histogram",
                          "aten::_local_scalar_dense", "aten::multinomial", "torchvision::nms",
                          "torchvision::batched_nms"})
      s.insert(c10::Symbol::fromQualString(k));
    return s;
  }();
  if (kinds.count(n->kind()))
    return true;
  // repeat_interleave by a tensor of counts: as many indices as they add up
  // to; by one int count the size is known.
  static const c10::Symbol repeatInterleave = c10::Symbol::fromQualString("aten::repeat_interleave");
  if (n->kind() == repeatInterleave)
    return n->inputs().size() < 2 || n->input(1)->type()->kind() != c10::TypeKind::IntType;
  // x[mask]: an index tensor of bools (or bytes) selects as many rows as
  // it has true entries.
  if (n->kind() == c10::aten::index && n->inputs().size() > 1 &&
      fwd.input(n, 1)->node()->kind() == prim::ListConstruct)
    for (const Value *index : fwd.input(n, 1)->node()->inputs()) {
      index = fwd.resolve(index);
      if (!containsTensor(index->type()))
        continue; // None: a dimension taken whole
      std::optional<c10::ScalarType> dtype = dtypeOf(fwd, index);
      if (!dtype || *dtype == c10::ScalarType::Bool || *dtype == c10::ScalarType::Byte)
        return true;
    }
  return false;
}

// A list, tuple or dict built from tensors: the lowering makes it from its
// elements and never asks for its value, so it is not computed (a meta
// stand-in per element costs microseconds each: most of this function's time
// on densenet121, whose every concatenation takes such a list).
bool isAggregateOfTensors(const Node *n, const Value *o) {
  c10::Symbol k = n->kind();
  return (k == prim::ListConstruct || k == prim::TupleConstruct || k == prim::DictConstruct) &&
         containsTensor(o->type());
}

// The complete traced type of each value: its own, or for a call kept as a
// leaf module op (whose result the caller's graph types as plain Tensor),
// what the callee's traced graph returns.
class TracedTypes {
public:
  explicit TracedTypes(const InlinedForward &fwd) : fwd_(fwd) {}

  c10::TypePtr of(const Value *v) {
    if (complete(v->type()))
      return v->type();
    auto it = derived_.find(v);
    if (it != derived_.end())
      return it->second;
    c10::TypePtr t = derive(v);
    derived_[v] = t;
    return t;
  }

private:
  c10::TypePtr derive(const Value *v) {
    const Node *n = v->node();
    if (fwd_.isLeafCall(n))
      return calleeResult(n, v->offset());
    if (n->kind() == prim::GetAttr) // a parameter or buffer: its own shape
      if (std::optional<std::string> owner = fwd_.modulePath(n->input(0))) {
        c10::IValue a = fwd_.moduleAt(*owner).attr(n->s(c10::attr::name));
        if (a.isTensor() && a.toTensor().defined())
          return c10::TensorType::create(a.toTensor());
      }
    if (n->kind() == prim::TupleUnpack) {
      c10::TypePtr tuple = of(fwd_.input(n, 0));
      if (tuple && tuple->kind() == c10::TypeKind::TupleType)
        return tuple->containedTypes()[v->offset()];
    }
    return nullptr;
  }

  // Trusted only when the callee was traced on arguments of the shapes this
  // call passes: torch.jit.trace gives a module called on other shapes a
  // method of its own (forward1, ...), and this check does not rely on it.
  c10::TypePtr calleeResult(const Node *call, size_t i) {
    auto cls = call->input(0)->type()->cast<c10::ClassType>();
    auto *fn = torch::jit::tryToGraphFunction(cls->getMethod(call->s(c10::attr::name)));
    if (!fn)
      return nullptr;
    const torch::jit::Graph &callee = *fn->graph();
    if (callee.inputs().size() != call->inputs().size() ||
        callee.outputs().size() != call->outputs().size())
      return nullptr;
    for (size_t k = 1; k < call->inputs().size(); ++k) {
      if (!containsTensor(call->input(k)->type()))
        continue;
      c10::TypePtr arg = of(fwd_.input(call, k));
      if (!arg || !sameShapes(arg, callee.inputs()[k]->type()))
        return nullptr;
    }
    c10::TypePtr result = callee.outputs()[i]->type();
    return complete(result) ? result : nullptr;
  }

  const InlinedForward &fwd_;
  std::unordered_map<const Value *, c10::TypePtr> derived_;
};

} // namespace

bool hasTracedInputShapes(const torch::jit::Graph &forward) {
  for (size_t i = 1; i < forward.inputs().size(); ++i) {
    const c10::TypePtr &t = forward.inputs()[i]->type();
    if (t->kind() == c10::TypeKind::TensorType && !completeTensor(t))
      return false;
  }
  return true;
}

std::optional<Recording> recordFromTracedTypes(const InlinedForward &fwd,
                                               const std::vector<c10::IValue> &inputs,
                                               std::string *whyNot) {
  auto no = [&](const std::string &why) -> std::optional<Recording> {
    if (whyNot)
      *whyNot = why;
    return std::nullopt;
  };
  torch::jit::Graph &g = *fwd.graph;
  if (inputs.size() + 1 != g.inputs().size())
    return no("the forward takes " + std::to_string(g.inputs().size() - 1) + " argument(s), " +
              std::to_string(inputs.size()) + " given");
  Recording rec;
  // Values the slice reads instead of computing: the inputs as given, and
  // every value the trace typed (already in `rec`; a tensor becomes a meta
  // stand-in, made only if the slice reads it).
  std::unordered_map<const Value *, c10::IValue> givenValues;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value *in = g.inputs()[i + 1];
    const c10::IValue &iv = inputs[i];
    if (iv.isTensor()) {
      const c10::TensorType *tracedType = completeTensor(in->type());
      if (!tracedType)
        return no("forward argument '" + in->debugNameBase() +
                  "' has no traced shape (a scripted module, or one saved and loaded)");
      TensorFacts traced = factsOf(*tracedType);
      const at::Tensor &t = iv.toTensor();
      if (traced.shape != t.sizes().vec() || traced.dtype != t.scalar_type())
        return no("the inputs differ from those the module was traced with");
      rec.tensors_[in] = std::move(traced);
    } else {
      rec.values_[in] = iv;
    }
    givenValues[in] = iv;
  }

  TracedTypes types(fwd);
  auto candidates = sizeScalarCandidates(fwd);
  std::vector<const Value *> computed; // by the slice, in graph order
  for (const Node *n : fwd.nodes()) {
    if (!n->blocks().empty())
      return no(std::string("control flow (") + n->kind().toQualString() + ") in " +
                fwd.describeScope(n));
    if (shapeDependsOnData(fwd, n))
      return no(std::string("the shape of ") + n->kind().toQualString() + " in " +
                fwd.describeScope(n) + " depends on tensor data");
    // As the forward's recording: constants are read from the graph,
    // parameters from the module.
    if (n->kind() == prim::Constant || n->kind() == prim::Uninitialized)
      continue;
    for (const Value *o : n->outputs()) {
      if (n->kind() == prim::GetAttr && isTensor(o))
        continue;
      if (candidates.count(o)) {
        computed.push_back(o); // a size scalar: its value matters, not just its shape
      } else if (isTensor(o)) {
        c10::TypePtr t = types.of(o);
        if (!t)
          return no(std::string("no traced shape for the result of ") + n->kind().toQualString() +
                    " in " + fwd.describeScope(n));
        rec.tensors_[o] = factsOf(*completeTensor(t));
      } else if (!recordable(o->type()) || isAggregateOfTensors(n, o)) {
        continue;
      } else if (c10::TypePtr t = containsTensor(o->type()) ? types.of(o) : nullptr) {
        rec.values_[o] = metaValue(t); // a leaf call's tuple result: shapes only
      } else {
        computed.push_back(o);
      }
    }
  }
  if (computed.empty())
    return rec;

  // The slice: the nodes the computed values depend on, cut at given and
  // typed values.
  const Value *self = g.inputs()[0];
  std::unordered_set<const Node *> inSlice;
  std::vector<const Value *> cuts;
  std::unordered_set<const Value *> cutSeen;
  std::vector<const Value *> work(computed.begin(), computed.end());
  while (!work.empty()) {
    const Value *v = work.back();
    work.pop_back();
    if (v == self)
      continue;
    if (rec.tensors_.count(v) || rec.values_.count(v)) { // given or typed
      if (cutSeen.insert(v).second)
        cuts.push_back(v);
      continue;
    }
    if (inSlice.insert(v->node()).second)
      for (const Value *in : v->node()->inputs())
        work.push_back(fwd.resolve(in));
  }

  auto slice = std::make_shared<torch::jit::Graph>();
  std::unordered_map<const Value *, Value *> map;
  torch::jit::Stack stack;
  map[self] = slice->addInput()->setType(self->type());
  stack.push_back(fwd.root._ivalue());
  for (const Value *v : cuts) {
    map[v] = slice->addInput()->setType(v->type());
    auto given = givenValues.find(v);
    auto typedValue = rec.values_.find(v);
    stack.push_back(given != givenValues.end()       ? given->second
                    : typedValue != rec.values_.end() ? typedValue->second
                                                      : metaValue(types.of(v)));
  }
  for (const Node *n : fwd.nodes()) {
    if (!inSlice.count(n))
      continue;
    // createClone only reads the node it copies.
    Node *copy = slice->createClone(const_cast<Node *>(n),
                                    [&](Value *v) { return map.at(fwd.resolve(v)); });
    slice->appendNode(copy);
    for (size_t i = 0; i < n->outputs().size(); ++i)
      map[n->outputs()[i]] = copy->outputs()[i];
  }
  for (const Value *v : computed)
    slice->registerOutput(map.at(v));

  try {
    // One run, as the forward's recording: no profiling or optimization.
    torch::jit::GraphOptimizerEnabledGuard noOptimization(false);
    torch::jit::Code code(slice, "prunedep_traced_sizes");
    torch::jit::InterpreterState state(code);
    state.run(stack);
  } catch (const c10::Error &e) {
    return no("a size depends on tensor data: " + condenseTorchMessage(e.what_without_backtrace()));
  } catch (const std::exception &e) {
    return no("a size depends on tensor data: " + condenseTorchMessage(e.what()));
  }
  size_t base = stack.size() - computed.size();
  for (size_t k = 0; k < computed.size(); ++k) {
    const Value *v = computed[k];
    c10::IValue &iv = stack[base + k];
    if (mentionsMetaDevice(iv))
      return no("a device value of " + std::string(v->node()->kind().toQualString()) +
                " would come from a stand-in tensor");
    if (!isTensor(v)) {
      rec.values_[v] = std::move(iv);
      continue;
    }
    if (!iv.isTensor() || !iv.toTensor().defined() || iv.toTensor().is_meta())
      return no("a size scalar of " + std::string(v->node()->kind().toQualString()) +
                " could not be computed");
    const at::Tensor &t = iv.toTensor();
    rec.tensors_[v] = TensorFacts{t.sizes().vec(), t.scalar_type()};
    if (t.dim() == 0)
      rec.values_[v] = std::move(iv);
  }
  return rec;
}

} // namespace pd::ts
