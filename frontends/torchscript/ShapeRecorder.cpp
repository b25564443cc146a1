#include "frontends/torchscript/ShapeRecorder.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/csrc/jit/runtime/interpreter.h>

#include <unordered_set>

namespace pd::ts {

using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;
namespace aten = c10::aten;

const TensorFacts *Recording::tensor(const Value *v) const {
  auto it = tensors_.find(v);
  return it == tensors_.end() ? nullptr : &it->second;
}

const c10::IValue *Recording::value(const Value *v) const {
  auto it = values_.find(v);
  return it == values_.end() ? nullptr : &it->second;
}

bool Recording::isSizeScalar(const Value *v) const {
  const c10::IValue *iv = value(v);
  return iv && iv->isTensor() && iv->toTensor().dim() == 0;
}

DType toDType(c10::ScalarType t) {
  switch (t) {
  case c10::ScalarType::Half: return DType::F16;
  case c10::ScalarType::BFloat16: return DType::BF16;
  case c10::ScalarType::Float: return DType::F32;
  case c10::ScalarType::Double: return DType::F64;
  case c10::ScalarType::Char: return DType::I8;
  case c10::ScalarType::Short: return DType::I16;
  case c10::ScalarType::Int: return DType::I32;
  case c10::ScalarType::Long: return DType::I64;
  case c10::ScalarType::Byte: return DType::U8;
  case c10::ScalarType::Bool: return DType::Bool;
  case c10::ScalarType::ComplexFloat: return DType::C64;
  case c10::ScalarType::ComplexDouble: return DType::C128;
  case c10::ScalarType::QInt8: return DType::QInt8;
  case c10::ScalarType::QUInt8: return DType::QUInt8;
  default: throw Error(std::string("tensors of dtype ") + c10::toString(t) + " are not supported");
  }
}

c10::ScalarType toScalarType(DType d) {
  switch (d) {
  case DType::F16: return c10::ScalarType::Half;
  case DType::BF16: return c10::ScalarType::BFloat16;
  case DType::F32: return c10::ScalarType::Float;
  case DType::F64: return c10::ScalarType::Double;
  case DType::I8: return c10::ScalarType::Char;
  case DType::I16: return c10::ScalarType::Short;
  case DType::I32: return c10::ScalarType::Int;
  case DType::I64: return c10::ScalarType::Long;
  case DType::U8: return c10::ScalarType::Byte;
  case DType::Bool: return c10::ScalarType::Bool;
  case DType::C64: return c10::ScalarType::ComplexFloat;
  case DType::C128: return c10::ScalarType::ComplexDouble;
  case DType::QInt8: return c10::ScalarType::QInt8;
  case DType::QUInt8: return c10::ScalarType::QUInt8;
  }
  throw Error("unknown dtype");
}

// "1x3x224x224" (the --input-shape spelling) for messages.
static std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s;
  for (int64_t d : shape)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

// Refuses, before anything is allocated, inputs that are empty, have a
// negative size, or together exceed kMaxInputBytes (their byte count computed
// with overflow checks). The driver checks --input-shape the same way; this
// catches every other caller of the frontend.
static void checkInputSizes(const std::vector<TensorInputSpec> &specs) {
  int64_t total = 0;
  for (size_t k = 0; k < specs.size(); ++k) {
    const TensorInputSpec &s = specs[k];
    std::string which = "input " + std::to_string(k + 1) + " (" + shapeText(s.shape) + ")";
    if (s.shape.size() > kMaxInputRank)
      throw Error(which + " has more than " + std::to_string(kMaxInputRank) + " dimensions");
    int64_t bytes = static_cast<int64_t>(c10::elementSize(toScalarType(s.dtype)));
    for (int64_t d : s.shape) {
      if (d <= 0)
        throw Error(which + ": every dimension must be at least 1");
      if (__builtin_mul_overflow(bytes, d, &bytes))
        throw Error(which + " would have more bytes than fit in 64 bits");
    }
    if (__builtin_add_overflow(total, bytes, &total) || total > kMaxInputBytes)
      throw Error(which + ": the inputs would take more than " +
                  std::to_string(kMaxInputBytes >> 20) +
                  " MiB; the analysis needs only the shapes, so use batch 1 and a small size");
  }
}

std::vector<c10::IValue> makeInputs(const std::vector<TensorInputSpec> &specs) {
  checkInputSizes(specs);
  at::manual_seed(0);
  std::vector<c10::IValue> inputs;
  for (const TensorInputSpec &s : specs) {
    c10::ScalarType st = toScalarType(s.dtype);
    if (c10::isQIntType(st))
      throw Error("cannot make a random input of dtype " + std::string(dtypeName(s.dtype)));
    auto opts = at::TensorOptions().dtype(st);
    if (c10::isFloatingType(st) || c10::isComplexType(st))
      inputs.emplace_back(at::randn(s.shape, opts));
    else
      inputs.emplace_back(at::randint(0, 2, s.shape, opts));
  }
  return inputs;
}

// Modules, functions and other objects are resolved structurally (GetAttr
// chains) instead of recorded.
bool recordable(const c10::TypePtr &t) {
  switch (t->kind()) {
  case c10::TypeKind::TensorType:
  case c10::TypeKind::IntType:
  case c10::TypeKind::FloatType:
  case c10::TypeKind::BoolType:
  case c10::TypeKind::NumberType:
  case c10::TypeKind::ComplexType:
  case c10::TypeKind::StringType:
  case c10::TypeKind::DeviceObjType:
  case c10::TypeKind::NoneType:
  case c10::TypeKind::ScalarTypeType:
  case c10::TypeKind::LayoutType:
  case c10::TypeKind::MemoryFormatType:
    return true;
  case c10::TypeKind::OptionalType:
  case c10::TypeKind::ListType:
  case c10::TypeKind::TupleType:
  case c10::TypeKind::DictType:
    for (const c10::TypePtr &c : t->containedTypes())
      if (!recordable(c))
        return false;
    return true;
  default:
    return false;
  }
}

bool containsTensor(const c10::TypePtr &t) {
  if (t->kind() == c10::TypeKind::TensorType)
    return true;
  for (const c10::TypePtr &c : t->containedTypes())
    if (containsTensor(c))
      return true;
  return false;
}

bool isTensor(const Value *v) { return v->type()->kind() == c10::TypeKind::TensorType; }

// Tensors that only carry a size: prim::NumToTensor of an aten::size and
// arithmetic on such tensors (what tracing records for `x.size(1) // 2`).
// The run confirms each candidate is 0-dim before it is folded.
std::unordered_set<const Value *> sizeScalarCandidates(const InlinedForward &fwd) {
  std::unordered_set<const Value *> out;
  for (const Node *n : fwd.nodes()) {
    if (n->kind() == prim::Constant) {
      // A 0-dim tensor constant takes part in size arithmetic (traced
      // `channels // 2` divides by a constant tensor) without seeding it.
      auto v = torch::jit::toIValue(n->output());
      if (v && v->isTensor() && v->toTensor().dim() == 0)
        out.insert(n->output());
      continue;
    }
    if (n->kind() == prim::CallMethod || n->kind() == prim::GetAttr)
      continue;
    bool seeded = n->kind() == prim::NumToTensor || n->kind() == aten::scalar_tensor;
    bool fromSizes = true;
    for (const Value *in : n->inputs()) {
      in = fwd.resolve(in);
      if (isTensor(in)) {
        if (!out.count(in))
          fromSizes = false;
        else
          seeded = true;
      } else if (!recordable(in->type())) {
        fromSizes = false;
      }
    }
    if (seeded && fromSizes)
      for (const Value *o : n->outputs())
        if (isTensor(o))
          out.insert(o);
  }
  return out;
}

Recording recordValues(const InlinedForward &fwd, const std::vector<c10::IValue> &inputs) {
  if (fwd.isFlat())
    throw Error("internal error: the forward is run from its inlined copy, not a flat view");
  torch::jit::Graph &orig = *fwd.graph; // copy() is not const
  std::shared_ptr<torch::jit::Graph> copy = orig.copy();

  // copy() keeps the node order: walk both graphs in step to pair values.
  std::vector<std::pair<const Value *, Value *>> pairs;
  for (size_t i = 1; i < orig.inputs().size(); ++i)
    pairs.emplace_back(orig.inputs()[i], copy->inputs()[i]);
  auto c = copy->nodes().begin();
  for (const Node *n : orig.nodes()) {
    Node *cn = *c;
    ++c;
    // Constants are read from the graph, parameters from the module; a
    // prim::Uninitialized placeholder (the value of a branch that raises)
    // holds nothing to record.
    if (n->kind() == prim::Constant || n->kind() == prim::Uninitialized)
      continue;
    for (size_t i = 0; i < n->outputs().size(); ++i)
      if (!(n->kind() == prim::GetAttr && isTensor(n->outputs()[i])))
        pairs.emplace_back(n->outputs()[i], cn->outputs()[i]);
  }
  auto candidates = sizeScalarCandidates(fwd);

  enum class Slot { Size, DTypeCode, Direct };
  std::vector<std::pair<const Value *, Slot>> slots;
  for (auto [o, cv] : pairs) {
    if (isTensor(cv)) {
      Node *def = cv->node();
      torch::jit::WithInsertPoint guard(def->kind() == prim::Param ? copy->block()->nodes().front()
                                                                   : def->next());
      copy->registerOutput(copy->insert(aten::size, {cv}));
      slots.emplace_back(o, Slot::Size);
      copy->registerOutput(copy->insert(prim::dtype, {cv}));
      slots.emplace_back(o, Slot::DTypeCode);
      if (candidates.count(o)) {
        copy->registerOutput(cv);
        slots.emplace_back(o, Slot::Direct);
      }
    } else if (recordable(cv->type())) {
      copy->registerOutput(cv);
      slots.emplace_back(o, Slot::Direct);
    }
  }

  torch::jit::Stack stack;
  stack.reserve(inputs.size() + 1);
  stack.push_back(fwd.root._ivalue());
  stack.insert(stack.end(), inputs.begin(), inputs.end());
  {
    // Autograd stays on, as when the model was traced: scripted code that
    // asks torch.is_grad_enabled() (nn.MultiheadAttention's fused fast path)
    // then takes the path whose ops show the model's structure.
    // One run: the executor's profiling and optimization of every method a
    // leaf call enters would cost more than the run itself (seconds on ViT).
    torch::jit::GraphOptimizerEnabledGuard noOptimization(false);
    torch::jit::Code code(copy, "prunedep_record_shapes");
    torch::jit::InterpreterState state(code);
    state.run(stack);
  }
  size_t base = stack.size() - slots.size();
  Recording rec;
  for (size_t k = 0; k < slots.size(); ++k) {
    auto [v, slot] = slots[k];
    c10::IValue &iv = stack[base + k];
    switch (slot) {
    case Slot::Size: rec.tensors_[v].shape = iv.toIntVector(); break;
    case Slot::DTypeCode: {
      auto dtype = static_cast<c10::ScalarType>(iv.toInt());
      if (dtype == c10::ScalarType::Undefined) {
        // An undefined tensor (the unused attention weights of a fused
        // attention op): no tensor at all, as None.
        rec.tensors_.erase(v);
        rec.values_[v] = c10::IValue();
      } else {
        rec.tensors_[v].dtype = dtype;
      }
      break;
    }
    case Slot::Direct:
      // A size-scalar candidate that turned out not to be 0-dim is an
      // ordinary tensor: do not keep it alive.
      if (!(iv.isTensor() && iv.toTensor().dim() != 0))
        rec.values_[v] = std::move(iv);
      break;
    }
  }
  return rec;
}

} // namespace pd::ts
