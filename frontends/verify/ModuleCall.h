// Calls a leaf module of the IR (`nn.Conv2d(%x) {...} module "conv1"`).
//
// Unpruned, a module runs its own TorchScript forward. A module the pruning
// cuts runs as the ATen call of its type, with its weights, biases and norm
// statistics sliced and the hyper-parameters that count channels
// (conv groups, GroupNorm's num_groups, LayerNorm's normalized_shape)
// recomputed: the traced forward has them baked in.
#pragma once
#include "frontends/verify/Pruning.h"
#include "ir/ChannelMap.h"

#include <ATen/core/Tensor.h>
#include <torch/csrc/jit/api/module.h>

#include <vector>

namespace pd::verify {

// The module's own forward.
std::vector<at::Tensor> callModuleForward(torch::jit::Module &m, const std::vector<at::Tensor> &in);

// The module pruned by `cuts` (its members in the group). `map` is its
// channel map; `op` the call (attributes, result) and `p` the pruning (what
// the result loses: a conv's bias follows its output channels).
std::vector<at::Tensor> callModulePruned(const Op &op, const ChannelMap &map, torch::jit::Module &m,
                                         const std::vector<at::Tensor> &in,
                                         const std::vector<MemberCut> &cuts, const Pruning &p);

// `t` without indices `removed` of dim `dim`.
at::Tensor dropIndices(const at::Tensor &t, int64_t dim, const std::vector<int64_t> &removed);

} // namespace pd::verify
