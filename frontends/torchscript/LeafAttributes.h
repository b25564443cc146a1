// The hyper-parameters of a leaf module call, as attributes named like
// PyTorch's own module attributes (in_channels, kernel_size, eps, ...).
//
// A traced module keeps its parameters but not its Python attributes, so
// they are derived: channel and feature counts from the weight's shape, the
// rest from the constant arguments of the aten call inside the module's
// forward (aten::_convolution's stride, aten::batch_norm's eps, ...). A
// scripted module keeps its attributes, and those win.
#pragma once
#include "ir/Attribute.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/ir/ir.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pd::ts {

// `type` is the short class name (Conv2d), `method` the forward method called
// (forward, forward1, ...), `inputShape` the shape of the first tensor
// operand (for counts no parameter tells, e.g. InstanceNorm2d without affine).
// Types without a dedicated rule get the constant arguments of their single
// aten op (MaxPool2d: kernel_size, stride, ...) or their plain attributes.
std::vector<NamedAttribute> leafAttributes(const torch::jit::Module &module, const std::string &type,
                                           const std::string &method,
                                           const std::vector<int64_t> *inputShape);

// The same attributes for a layer whose tensors a function op uses instead of
// calling it (F.linear(x, self.out_proj.weight, self.out_proj.bias)): counts
// from the module's tensors, the rest from the constant arguments of `call`
// (which win over the module's own attributes: the call is what runs).
// `argValue` gives an argument's value, nullopt when it is not a constant.
// Only for the types with a dedicated rule (Conv*, Linear, norms, Embedding,
// PReLU); others get no attributes.
using ArgValue = std::function<std::optional<Attribute>(const torch::jit::Value *)>;
std::vector<NamedAttribute> functionalLayerAttributes(const torch::jit::Module &module, const std::string &type,
                                                      const torch::jit::Node *call, const ArgValue &argValue,
                                                      const std::vector<int64_t> *inputShape);

// A Linear layer op's attributes for a module whose `weight` is stored
// [in, out] (HF's Conv1D): in/out features from it, `transposed = true`.
std::vector<NamedAttribute> transposedLinearAttributes(const torch::jit::Module &module);

} // namespace pd::ts
