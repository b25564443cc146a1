#include "ir/Type.h"

#include <llvm/ADT/Hashing.h>

#include <memory>
#include <unordered_set>

namespace pd {

std::string_view dtypeName(DType d) {
  switch (d) {
#define PD_DTYPE(ENUM, NAME)                                                                       \
  case DType::ENUM:                                                                                \
    return NAME;
#include "ir/DTypes.def"
  }
  return "?";
}

std::optional<DType> parseDType(std::string_view name) {
#define PD_DTYPE(ENUM, NAME)                                                                       \
  if (name == NAME)                                                                                \
    return DType::ENUM;
#include "ir/DTypes.def"
  return std::nullopt;
}

namespace {
struct TypeHash {
  size_t operator()(const std::unique_ptr<Type> &t) const {
    return llvm::hash_combine(
        static_cast<int>(t->kind()), static_cast<int>(t->dtype()),
        llvm::hash_combine_range(t->shape().begin(), t->shape().end()),
        llvm::hash_combine_range(t->elements().begin(), t->elements().end()));
  }
};
struct TypeEq {
  bool operator()(const std::unique_ptr<Type> &a, const std::unique_ptr<Type> &b) const {
    return a->kind() == b->kind() && a->dtype() == b->dtype() && a->shape() == b->shape() &&
           a->elements() == b->elements();
  }
};

const Type *unique(TypeKind k, DType d, std::vector<int64_t> s, std::vector<const Type *> e) {
  static std::unordered_set<std::unique_ptr<Type>, TypeHash, TypeEq> table;
  auto candidate = std::make_unique<Type>(k, d, std::move(s), std::move(e));
  auto it = table.find(candidate);
  if (it != table.end())
    return it->get();
  return table.insert(std::move(candidate)).first->get();
}
} // namespace

const Type *Type::tensor(DType dtype, std::vector<int64_t> shape) {
  return unique(TypeKind::Tensor, dtype, std::move(shape), {});
}
const Type *Type::scalar(TypeKind kind) { return unique(kind, DType::F32, {}, {}); }
const Type *Type::list(const Type *element) {
  return unique(TypeKind::List, DType::F32, {}, {element});
}
const Type *Type::tuple(std::vector<const Type *> elements) {
  return unique(TypeKind::Tuple, DType::F32, {}, std::move(elements));
}

std::optional<int64_t> Type::dim(int64_t d) const {
  int64_t r = static_cast<int64_t>(shape_.size());
  if (d < 0)
    d += r;
  if (d < 0 || d >= r)
    return std::nullopt;
  return shape_[d];
}

std::optional<int64_t> Type::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape_) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      return std::nullopt;
  }
  return n;
}

std::string Type::str() const {
  switch (kind_) {
  case TypeKind::Tensor: {
    std::string s(dtypeName(dtype_));
    s += '[';
    for (size_t i = 0; i < shape_.size(); ++i) {
      if (i)
        s += ',';
      s += shape_[i] < 0 ? std::string("?") : std::to_string(shape_[i]);
    }
    return s + ']';
  }
  case TypeKind::Int: return "int";
  case TypeKind::Float: return "float";
  case TypeKind::Bool: return "bool";
  case TypeKind::Str: return "str";
  case TypeKind::None: return "none";
  case TypeKind::Device: return "device";
  case TypeKind::Any: return "any";
  case TypeKind::List: return "list<" + elements_[0]->str() + ">";
  case TypeKind::Tuple: {
    std::string s = "tuple<";
    for (size_t i = 0; i < elements_.size(); ++i) {
      if (i)
        s += ',';
      s += elements_[i]->str();
    }
    return s + '>';
  }
  }
  return "?";
}

} // namespace pd
