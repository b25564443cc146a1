// LibTorch values as IR attributes: the constant arguments of an op (cat dim,
// view sizes, conv strides, ...) and module hyper-parameters.
#pragma once
#include "ir/Attribute.h"

#include <ATen/core/ivalue.h>

#include <optional>

namespace pd::ts {

// None, bool, int, float, str, device (as "cpu"), dtype/layout codes (ints),
// lists and tuples of those (as lists), and a 0-dim tensor (as its scalar).
// nullopt for what has no attribute form (other tensors, objects, modules).
std::optional<Attribute> toAttribute(const c10::IValue &v);

} // namespace pd::ts
