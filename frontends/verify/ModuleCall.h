// Calls a leaf module of the IR (`nn.Conv2d(%x) {...} module "conv1"`).
//
// Unpruned, a module runs its own TorchScript forward. A module the pruning
// cuts runs as the ATen call of its type, with its weights, biases and norm
// statistics sliced and the hyper-parameters that count channels
// (conv groups, GroupNorm's num_groups, LayerNorm's normalized_shape)
// recomputed: the traced forward has them baked in. A layer the model uses
// through its tensors (MultiheadAttention's out_proj, run as F.linear on its
// weight) has no forward of its type: it always runs as the ATen call.
#pragma once
#include "passes/prune/Pruning.h"
#include "ir/ChannelMap.h"

#include <ATen/core/Tensor.h>
#include <torch/csrc/jit/api/module.h>

#include <string>
#include <utility>
#include <vector>

namespace pd::verify {

// Whether `op` is a call of `m`'s own forward: `m` has one and is of the
// op's type (not a module whose weights the op uses).
bool runsOwnForward(const Op &op, torch::jit::Module &m);

// The module's own forward.
std::vector<at::Tensor> callModuleForward(torch::jit::Module &m, const std::vector<at::Tensor> &in);

// The module pruned by `cuts` (its members in the group; none: unpruned, as
// the ATen call of its type). `map` is its channel map; `op` the call
// (attributes, result) and `p` the pruning (what the result loses: a conv's
// bias follows its output channels; null when `cuts` is empty).
std::vector<at::Tensor> callModulePruned(const Op &op, const ChannelMap &map, torch::jit::Module &m,
                                         const std::vector<at::Tensor> &in,
                                         const std::vector<MemberCut> &cuts, const Pruning *p);

// The tensors of layer `m` that its ATen call uses (weight, bias, norm
// statistics), by attribute name, sliced by `cuts` (none: as they are).
std::vector<std::pair<std::string, at::Tensor>> slicedLayerTensors(const Op &op, const ChannelMap &map,
                                                                   torch::jit::Module &m,
                                                                   const std::vector<MemberCut> &cuts,
                                                                   const Pruning *p);

// Whether layers of this channel map hold tensors the pruning slices (and
// callLayer knows their ATen call).
bool holdsLayerTensors(const ChannelMap &map);

// The ATen call of the layer's type on `tensors` (as slicedLayerTensors
// gives them, or as a pruned model holds them).
std::vector<at::Tensor> callLayer(const Op &op, const ChannelMap &map,
                                  const std::vector<std::pair<std::string, at::Tensor>> &tensors,
                                  const std::vector<at::Tensor> &in);

// `t` without indices `removed` of dim `dim`.
at::Tensor dropIndices(const at::Tensor &t, int64_t dim, const std::vector<int64_t> &removed);

} // namespace pd::verify
