#include "ir/Type.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/Hashing.h>
#include <llvm/ADT/SmallVector.h>

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
// Uniquing table keyed by a hash of the parts, so a lookup that hits (the
// common case: every value of a model has one of few types) allocates nothing.
const Type *unique(TypeKind k, DType d, llvm::ArrayRef<int64_t> s, llvm::ArrayRef<const Type *> e) {
  static llvm::DenseMap<uint64_t, llvm::SmallVector<std::unique_ptr<Type>, 1>> table;
  uint64_t h = llvm::hash_combine(static_cast<int>(k), static_cast<int>(d),
                                  llvm::hash_combine_range(s.begin(), s.end()),
                                  llvm::hash_combine_range(e.begin(), e.end()));
  auto &bucket = table[h];
  for (const auto &t : bucket)
    if (t->kind() == k && t->dtype() == d && llvm::ArrayRef<int64_t>(t->shape()) == s &&
        llvm::ArrayRef<const Type *>(t->elements()) == e)
      return t.get();
  bucket.push_back(std::make_unique<Type>(k, d, std::vector<int64_t>(s.begin(), s.end()),
                                          std::vector<const Type *>(e.begin(), e.end())));
  return bucket.back().get();
}
} // namespace

const Type *Type::tensor(DType dtype, llvm::ArrayRef<int64_t> shape) {
  return unique(TypeKind::Tensor, dtype, shape, {});
}
const Type *Type::scalar(TypeKind kind) { return unique(kind, DType::F32, {}, {}); }
const Type *Type::list(const Type *element) {
  return unique(TypeKind::List, DType::F32, {}, {element});
}
const Type *Type::tuple(llvm::ArrayRef<const Type *> elements) {
  return unique(TypeKind::Tuple, DType::F32, {}, elements);
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

std::optional<std::string> Type::shapeProblem() const {
  if (kind_ != TypeKind::Tensor)
    return std::nullopt;
  if (shape_.size() > kMaxTensorRank)
    return "tensor type with " + std::to_string(shape_.size()) + " dims (at most " +
           std::to_string(kMaxTensorRank) + ")";
  int64_t n = 1;
  for (int64_t d : shape_)
    if (d > 0 && __builtin_mul_overflow(n, d, &n))
      return std::string("tensor type with more elements than fit in 64 bits");
  return std::nullopt;
}

std::string Type::computeStr() const {
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
