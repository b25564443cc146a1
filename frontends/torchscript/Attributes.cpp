#include "frontends/torchscript/Attributes.h"

#include <ATen/core/Tensor.h>

namespace pd::ts {

static std::optional<Attribute> scalarOf(const at::Tensor &t) {
  if (t.dim() != 0)
    return std::nullopt;
  if (t.scalar_type() == at::kBool)
    return Attribute(t.item<bool>());
  if (c10::isIntegralType(t.scalar_type(), /*includeBool=*/false))
    return Attribute(static_cast<int64_t>(t.item<int64_t>()));
  if (c10::isFloatingType(t.scalar_type()))
    return Attribute(t.item<double>());
  return std::nullopt;
}

std::optional<Attribute> toAttribute(const c10::IValue &v) {
  if (v.isNone())
    return Attribute();
  if (v.isBool())
    return Attribute(v.toBool());
  if (v.isInt())
    return Attribute(static_cast<int64_t>(v.toInt()));
  if (v.isDouble())
    return Attribute(v.toDouble());
  if (v.isString())
    return Attribute(v.toStringRef());
  if (v.isDevice())
    return Attribute(v.toDevice().str());
  if (v.isTensor())
    return scalarOf(v.toTensor());
  if (v.isList() || v.isTuple()) {
    Attribute::List out;
    auto add = [&](const c10::IValue &e) {
      std::optional<Attribute> a = toAttribute(e);
      if (!a)
        return false;
      out.push_back(std::move(*a));
      return true;
    };
    if (v.isList()) {
      for (const c10::IValue &e : v.toListRef())
        if (!add(e))
          return std::nullopt;
    } else {
      for (const c10::IValue &e : v.toTupleRef().elements())
        if (!add(e))
          return std::nullopt;
    }
    return Attribute(std::move(out));
  }
  return std::nullopt;
}

} // namespace pd::ts
