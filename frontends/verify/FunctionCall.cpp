#include "frontends/verify/FunctionCall.h"

#include "ir/Attribute.h"

#include <ATen/ATen.h>

namespace pd::verify {
namespace {

using c10::TypeKind;

const Attribute *findAttr(const AttributeList &attrs, std::string_view name) {
  for (const NamedAttribute &a : attrs)
    if (a.name.str() == name)
      return &a.value;
  return nullptr;
}

bool holdsTensors(const c10::TypePtr &t) {
  switch (t->kind()) {
  case TypeKind::TensorType: return true;
  case TypeKind::OptionalType: return holdsTensors(t->castRaw<c10::OptionalType>()->getElementType());
  case TypeKind::ListType: return holdsTensors(t->castRaw<c10::ListType>()->getElementType());
  default: return false;
  }
}

// Binds one schema to the op; `penalty` counts conversions (a number passed
// as a 0-dim tensor) so that the closest overload wins.
class Binder {
public:
  Binder(const std::vector<at::Tensor> &operands, const AttributeList &attrs)
      : operands_(operands), attrs_(attrs) {}

  std::optional<torch::jit::Stack> bind(const c10::FunctionSchema &schema) {
    torch::jit::Stack stack;
    next_ = 0;
    penalty = 0;
    size_t usedAttrs = 0;
    for (const c10::Argument &arg : schema.arguments()) {
      if (arg.is_out())
        return std::nullopt;
      if (const Attribute *a = findAttr(attrs_, arg.name())) {
        // The real type tells a dtype (spelled "f32" in the IR) from an int.
        std::optional<c10::IValue> v = convert(*a, arg.real_type(), arg.N());
        if (!v)
          return std::nullopt;
        stack.push_back(std::move(*v));
        ++usedAttrs;
      } else if (holdsTensors(arg.type())) {
        std::optional<c10::IValue> v = takeOperands(arg.type());
        if (!v)
          return std::nullopt;
        stack.push_back(std::move(*v));
      } else if (arg.default_value()) {
        stack.push_back(*arg.default_value());
      } else {
        return std::nullopt;
      }
    }
    if (next_ != operands_.size() || usedAttrs != countBound(schema))
      return std::nullopt;
    return stack;
  }
  int penalty = 0;

private:
  // Attributes the op has that the schema names (all must be taken).
  size_t countBound(const c10::FunctionSchema &schema) const {
    size_t n = 0;
    for (const NamedAttribute &a : attrs_)
      for (const c10::Argument &arg : schema.arguments())
        if (arg.name() == a.name.str()) {
          ++n;
          break;
        }
    return n == attrs_.size() ? n : ~size_t(0);
  }

  std::optional<c10::IValue> takeOperands(const c10::TypePtr &t) {
    switch (t->kind()) {
    case TypeKind::TensorType:
    case TypeKind::OptionalType:
      if (next_ >= operands_.size())
        return std::nullopt;
      return c10::IValue(operands_[next_++]);
    case TypeKind::ListType: {
      // torch.cat's `tensors`: every remaining operand.
      c10::List<at::Tensor> list;
      while (next_ < operands_.size())
        list.push_back(operands_[next_++]);
      if (t->castRaw<c10::ListType>()->getElementType()->kind() == TypeKind::OptionalType) {
        c10::List<c10::optional<at::Tensor>> opt;
        for (const at::Tensor &x : list.vec())
          opt.push_back(x);
        return c10::IValue(opt);
      }
      return c10::IValue(list);
    }
    default:
      return std::nullopt;
    }
  }

  std::optional<c10::IValue> convert(const Attribute &a, const c10::TypePtr &t, c10::optional<int32_t> n) {
    switch (t->kind()) {
    case TypeKind::OptionalType:
      if (a.isNone())
        return c10::IValue();
      return convert(a, t->castRaw<c10::OptionalType>()->getElementType(), n);
    case TypeKind::TensorType:
      // A traced 0-dim constant (x * 0.5) is kept as a number.
      ++penalty;
      if (a.isInt())
        return c10::IValue(at::scalar_tensor(a.getInt(), at::kLong));
      if (a.isFloat())
        return c10::IValue(at::scalar_tensor(a.getFloat(), at::kDouble));
      if (a.isBool())
        return c10::IValue(at::scalar_tensor(a.getBool(), at::kBool));
      if (a.isStr() && a.getStr() == "operand" && next_ < operands_.size())
        return c10::IValue(operands_[next_++]);
      return std::nullopt;
    case TypeKind::ScalarTypeType:
      if (a.isStr()) {
        std::optional<DType> d = parseDType(a.getStr());
        if (!d)
          return std::nullopt;
        return c10::IValue(static_cast<int64_t>(toScalarType(*d)));
      }
      return a.isInt() ? std::optional<c10::IValue>(a.getInt()) : std::nullopt;
    case TypeKind::LayoutType:
    case TypeKind::MemoryFormatType:
    case TypeKind::IntType:
    case TypeKind::SymIntType:
      if (a.isInt())
        return c10::IValue(a.getInt());
      if (a.isBool())
        return c10::IValue(int64_t(a.getBool()));
      return std::nullopt;
    case TypeKind::FloatType:
      if (a.isFloat())
        return c10::IValue(a.getFloat());
      if (a.isInt())
        return c10::IValue(double(a.getInt()));
      return std::nullopt;
    case TypeKind::BoolType:
      if (a.isBool())
        return c10::IValue(a.getBool());
      if (a.isInt())
        return c10::IValue(a.getInt() != 0);
      return std::nullopt;
    case TypeKind::NumberType:
      if (a.isInt())
        return c10::IValue(a.getInt());
      if (a.isFloat())
        return c10::IValue(a.getFloat());
      if (a.isBool())
        return c10::IValue(a.getBool());
      return std::nullopt;
    case TypeKind::StringType:
      if (a.isStr())
        return c10::IValue(a.getStr());
      return std::nullopt;
    case TypeKind::DeviceObjType:
      if (a.isStr())
        return c10::IValue(c10::Device(a.getStr()));
      return std::nullopt;
    case TypeKind::ListType: {
      const c10::TypePtr &elem = t->castRaw<c10::ListType>()->getElementType();
      std::vector<Attribute> items;
      if (a.isList())
        items = a.getList();
      else if (a.isInt() || a.isFloat() || a.isBool())
        items.assign(n ? static_cast<size_t>(*n) : 1, a); // int[2] given as one int
      else
        return std::nullopt;
      if (elem->kind() == TypeKind::IntType || elem->kind() == TypeKind::SymIntType) {
        std::vector<int64_t> ints;
        for (const Attribute &x : items) {
          if (!x.isInt())
            return std::nullopt;
          ints.push_back(x.getInt());
        }
        return c10::IValue(ints);
      }
      if (elem->kind() == TypeKind::FloatType) {
        std::vector<double> fs;
        for (const Attribute &x : items) {
          if (!x.isFloat() && !x.isInt())
            return std::nullopt;
          fs.push_back(x.isFloat() ? x.getFloat() : double(x.getInt()));
        }
        return c10::IValue(fs);
      }
      if (elem->kind() == TypeKind::BoolType) {
        c10::List<bool> bs;
        for (const Attribute &x : items) {
          if (!x.isBool())
            return std::nullopt;
          bs.push_back(x.getBool());
        }
        return c10::IValue(bs);
      }
      if (holdsTensors(elem)) { // aten::index's [None, tensor]: "operand" marks a tensor
        c10::List<c10::optional<at::Tensor>> ts;
        for (const Attribute &x : items) {
          if (x.isNone())
            ts.push_back(c10::nullopt);
          else if (x.isStr() && x.getStr() == "operand" && next_ < operands_.size())
            ts.push_back(operands_[next_++]);
          else
            return std::nullopt;
        }
        if (elem->kind() == TypeKind::OptionalType)
          return c10::IValue(ts);
        c10::List<at::Tensor> plain;
        for (const c10::optional<at::Tensor> &x : ts.vec()) {
          if (!x)
            return std::nullopt;
          plain.push_back(*x);
        }
        return c10::IValue(plain);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
    }
  }

  const std::vector<at::Tensor> &operands_;
  const AttributeList &attrs_;
  size_t next_ = 0;
};

} // namespace

c10::ScalarType toScalarType(DType d) {
  switch (d) {
  case DType::F16: return at::kHalf;
  case DType::BF16: return at::kBFloat16;
  case DType::F32: return at::kFloat;
  case DType::F64: return at::kDouble;
  case DType::I8: return at::kChar;
  case DType::I16: return at::kShort;
  case DType::I32: return at::kInt;
  case DType::I64: return at::kLong;
  case DType::U8: return at::kByte;
  case DType::Bool: return at::kBool;
  case DType::C64: return at::kComplexFloat;
  case DType::C128: return at::kComplexDouble;
  case DType::QInt8: return at::kQInt8;
  case DType::QUInt8: return at::kQUInt8;
  }
  return at::kFloat;
}

void collectTensors(const c10::IValue &v, std::vector<at::Tensor> &out) {
  if (v.isTensor()) {
    out.push_back(v.toTensor());
  } else if (v.isTensorList()) {
    for (const at::Tensor &t : v.toTensorVector())
      out.push_back(t);
  } else if (v.isList()) {
    for (const c10::IValue &e : v.toListRef())
      collectTensors(e, out);
  } else if (v.isTuple()) {
    for (const c10::IValue &e : v.toTupleRef().elements())
      collectTensors(e, out);
  } else if (v.isGenericDict()) { // values in insertion order, as the frontend lowers a returned dict
    for (const auto &e : v.toGenericDict())
      collectTensors(e.value(), out);
  }
}

std::vector<at::Tensor> FunctionCaller::call(const Op &op, const std::vector<at::Tensor> &operands,
                                             const AttributeList &attrs, bool inPlace) {
  if (chosen_.size() <= op.id())
    chosen_.resize(op.id() + 1);
  std::shared_ptr<torch::jit::Operator> &choice = chosen_[op.id()];
  torch::jit::Stack stack;
  Binder binder(operands, attrs);
  if (choice) {
    std::optional<torch::jit::Stack> s = binder.bind(choice->schema());
    if (!s)
      throw Error("the arguments of " + std::string(op.kind().str()) + " no longer fit its overload");
    stack = std::move(*s);
  } else {
    int best = 1 << 30;
    for (const std::shared_ptr<torch::jit::Operator> &candidate :
         torch::jit::getAllOperatorsFor(c10::Symbol::fromQualString(std::string(op.kind().str())))) {
      std::optional<torch::jit::Stack> s = binder.bind(candidate->schema());
      if (s && binder.penalty < best) {
        best = binder.penalty;
        choice = candidate;
        stack = std::move(*s);
      }
    }
    if (!choice)
      throw Error("no overload of " + std::string(op.kind().str()) +
                  " takes these operands and attributes");
  }
  // An in-place op must not write into a tensor other runs reuse.
  if (!inPlace && choice->schema().is_mutable())
    for (c10::IValue &v : stack)
      if (v.isTensor())
        v = c10::IValue(v.toTensor().clone());
  choice->getOperation()(stack);
  std::vector<at::Tensor> out;
  for (const c10::IValue &v : stack)
    collectTensors(v, out);
  return out;
}

} // namespace pd::verify
