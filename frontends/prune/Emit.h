// The TorchScript backend: the pruned IR becomes the `forward` of the pruned
// model. The interpreter runs every op of the IR on the pruned model's
// tensors with the recomputed attributes (view sizes, split sizes, conv
// groups), under LibTorch's tracer with the pruned model as `self`: each op
// is recorded as the ATen call it made, each parameter as the attribute path
// it came from, each size as the constant the pruning computed. That graph is
// the method. So the archive holds exactly the ops the check ran.
#pragma once
#include "frontends/verify/Interpreter.h"

#include <torch/csrc/jit/api/module.h>

#include <vector>

namespace pd::prune {

// Adds `forward` to `pruned` and returns the outputs of the traced run (one
// per graph output). `returns` is what the original forward returns on the
// same inputs (a tensor, or a tuple, list or dict holding them): the pruned
// forward returns the same structure, its tensors in the IR's output order.
std::vector<at::Tensor> emitForward(torch::jit::Module &pruned, verify::Interpreter &it, const Pruning &p,
                                    const Graph &g, const std::vector<at::Tensor> &inputs,
                                    const c10::IValue &returns);

} // namespace pd::prune
