// Value types. Every tensor carries its dtype and the concrete shape it had on
// the example input: the analyses decide "does the channel axis survive this
// op" from these shapes, never from guesses about layout. Non-tensor values
// (ints, lists, tuples, ...) have their own kinds. Types are uniqued process-
// wide, so a type is a pointer and equality is pointer equality.
#pragma once
#include <llvm/ADT/ArrayRef.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

enum class DType : uint8_t {
#define PD_DTYPE(ENUM, NAME) ENUM,
#include "ir/DTypes.def"
};
std::string_view dtypeName(DType d);
std::optional<DType> parseDType(std::string_view name);

enum class TypeKind : uint8_t { Tensor, Int, Float, Bool, Str, None, Device, List, Tuple, Any };

// A dimension of -1 is unknown (scripted models whose shapes depend on data).
inline constexpr int64_t kUnknownDim = -1;
// Tensor ranks beyond this are refused (PyTorch's own limit is 64 as well).
inline constexpr size_t kMaxTensorRank = 64;

class Type {
public:
  static const Type *tensor(DType dtype, llvm::ArrayRef<int64_t> shape);
  static const Type *scalar(TypeKind kind); // Int, Float, Bool, Str, None, Device, Any
  static const Type *list(const Type *element);
  static const Type *tuple(llvm::ArrayRef<const Type *> elements);

  TypeKind kind() const { return kind_; }
  bool isTensor() const { return kind_ == TypeKind::Tensor; }
  DType dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  size_t rank() const { return shape_.size(); }
  // Dimension `d`, negative counting from the back; nullopt when out of range.
  std::optional<int64_t> dim(int64_t d) const;
  // Product of the dims, nullopt when a dim is unknown or the product overflows.
  std::optional<int64_t> numElements() const;
  // Why this tensor type is beyond what the analyses handle, or nullopt: more
  // than kMaxTensorRank dims, or known non-zero dims whose product overflows
  // int64 (the analyses multiply dims: reshape factors, flatten strides; with
  // this bound every such product of one shape's dims is exact). Checked by
  // the parser and the verifier.
  std::optional<std::string> shapeProblem() const;
  const std::vector<const Type *> &elements() const { return elements_; }

  // The text-format spelling, computed once (types are uniqued and immutable).
  const std::string &str() const {
    if (text_.empty())
      text_ = computeStr();
    return text_;
  }

  // Public for the uniquing table only; use the factories above.
  Type(TypeKind k, DType d, std::vector<int64_t> s, std::vector<const Type *> e)
      : kind_(k), dtype_(d), shape_(std::move(s)), elements_(std::move(e)) {}

private:
  std::string computeStr() const;
  TypeKind kind_;
  DType dtype_;
  std::vector<int64_t> shape_;
  std::vector<const Type *> elements_;
  mutable std::string text_;
};

} // namespace pd
