#include "frontends/verify/ModuleCall.h"

#include "frontends/verify/FunctionCall.h"

#include "ir/Attribute.h"
#include "ir/Graph.h"
#include "passes/channels/ChannelMaps.h"

#include <ATen/ATen.h>

#include <functional>

namespace pd::verify {
namespace {

std::optional<at::Tensor> tensorAttr(torch::jit::Module &m, const char *name) {
  if (!m.hasattr(name))
    return std::nullopt;
  c10::IValue v = m.attr(name);
  if (!v.isTensor() || !v.toTensor().defined())
    return std::nullopt;
  return v.toTensor();
}

std::vector<int64_t> intsAttr(const Op &op, const char *name, std::vector<int64_t> fallback) {
  if (const Attribute *a = op.attr(name))
    if (std::optional<std::vector<int64_t>> v = a->asInts())
      return *v;
  return fallback;
}

double floatAttr(const Op &op, const char *name, double fallback) {
  if (const Attribute *a = op.attr(name)) {
    if (a->isFloat())
      return a->getFloat();
    if (a->isInt())
      return static_cast<double>(a->getInt());
  }
  return fallback;
}

const MemberCut *cutOf(const std::vector<MemberCut> &cuts, ChannelMember::Role role, int64_t dim) {
  for (const MemberCut &c : cuts)
    if (c.role == role && c.dim == dim)
      return &c;
  return nullptr;
}

// Slices `t` by the cut for (role, dim), when there is one.
at::Tensor cut(const at::Tensor &t, const std::vector<MemberCut> &cuts, ChannelMember::Role role,
               int64_t weightDim, int64_t tensorDim) {
  const MemberCut *c = cutOf(cuts, role, weightDim);
  return c && t.defined() ? dropIndices(t, tensorDim, c->indices) : t;
}

// A layer's tensors by attribute name (weight, bias, running_mean, ...).
using Tensors = std::vector<std::pair<std::string, at::Tensor>>;

at::Tensor get(const Tensors &t, const char *name) {
  for (const auto &[n, x] : t)
    if (n == name)
      return x;
  return at::Tensor();
}

std::vector<int64_t> widen(std::vector<int64_t> v, int64_t n) {
  if (static_cast<int64_t>(v.size()) == 1 && n > 1)
    v.assign(n, v[0]);
  return v;
}

// The ATen call of each layer type on its (already pruned) tensors; the
// hyper-parameters that count channels follow the input: the traced forward
// has them baked in.
std::vector<at::Tensor> conv(const Op &op, const ChannelMap &map, const Tensors &t, const at::Tensor &x) {
  std::optional<ConvFacts> f = convFacts(op, map);
  if (!f)
    throw Error("not a convolution with known channel counts");
  at::Tensor w = get(t, "weight");
  int64_t groups = f->groups;
  if (f->dropsGroups()) // groups shrink with the channels of a group
    groups = x.size(f->channelDim) / (f->in / f->groups);
  int64_t n = w.dim() - 2;
  std::vector<int64_t> stride = intsAttr(op, "stride", {1}), dilation = intsAttr(op, "dilation", {1});
  std::vector<int64_t> padding;
  const Attribute *pad = op.attr("padding");
  if (pad && pad->isStr()) { // padding='valid' (or 'same', whose amounts are not recorded)
    if (pad->getStr() != "valid")
      throw Error("padding='" + pad->getStr() + "' is not supported by the verifier");
    padding.assign(n, 0);
  } else {
    padding = widen(intsAttr(op, "padding", {0}), n);
  }
  std::vector<int64_t> outputPadding = widen(intsAttr(op, "output_padding", {0}), n);
  return {at::convolution(x, w, get(t, "bias"), widen(stride, n), padding, widen(dilation, n), f->transposed,
                          f->transposed ? outputPadding : std::vector<int64_t>(n, 0), groups)};
}

bool transposedLinear(const Op &op, const ChannelMap &map) {
  // HF's Conv1D stores its weight [in, out] (`transposed`).
  return map.intArg(op, ChannelMapKey::Transposed).value_or(0) != 0;
}

std::vector<at::Tensor> linear(const Op &op, const ChannelMap &map, const Tensors &t, const at::Tensor &x) {
  at::Tensor w = get(t, "weight");
  return {at::linear(x, transposedLinear(op, map) ? w.t() : w, get(t, "bias"))};
}

// BatchNorm*, InstanceNorm*.
std::vector<at::Tensor> normStats(const Op &op, const Tensors &t, const at::Tensor &x, bool instance) {
  at::Tensor w = get(t, "weight"), b = get(t, "bias"), mean = get(t, "running_mean"), var = get(t, "running_var");
  double eps = floatAttr(op, "eps", 1e-5), momentum = floatAttr(op, "momentum", 0.1);
  if (instance)
    return {at::instance_norm(x, w, b, mean, var, /*use_input_stats=*/!mean.defined(), momentum, eps, false)};
  return {at::batch_norm(x, w, b, mean, var, /*training=*/false, momentum, eps, false)};
}

std::vector<at::Tensor> groupNorm(const Op &op, const Tensors &t, const at::Tensor &x) {
  int64_t groups = intsAttr(op, "num_groups", {1})[0];
  int64_t channels = intsAttr(op, "num_channels", {x.size(1)})[0];
  if (groups == channels) // one channel per group: a removed channel is a removed group
    groups = x.size(1);
  return {at::group_norm(x, groups, get(t, "weight"), get(t, "bias"), floatAttr(op, "eps", 1e-5))};
}

std::vector<at::Tensor> layerNorm(const Op &op, const Tensors &t, const at::Tensor &x) {
  int64_t k = static_cast<int64_t>(intsAttr(op, "normalized_shape", {}).size());
  std::vector<int64_t> normalized(x.sizes().end() - k, x.sizes().end());
  return {at::layer_norm(x, normalized, get(t, "weight"), get(t, "bias"), floatAttr(op, "eps", 1e-5))};
}

std::vector<at::Tensor> embedding(const Op &op, const Tensors &t, const at::Tensor &ids) {
  int64_t pad = -1;
  if (const Attribute *a = op.attr("padding_idx"))
    if (a->isInt())
      pad = a->getInt();
  return {at::embedding(get(t, "weight"), ids, pad)};
}

void keep(Tensors &out, torch::jit::Module &m, const char *name, const std::function<at::Tensor(at::Tensor)> &f) {
  if (std::optional<at::Tensor> t = tensorAttr(m, name))
    out.emplace_back(name, f(*t));
}

} // namespace

std::vector<std::pair<std::string, at::Tensor>> slicedLayerTensors(const Op &op, const ChannelMap &map,
                                                                   torch::jit::Module &m,
                                                                   const std::vector<MemberCut> &cuts,
                                                                   const Pruning *p) {
  using R = ChannelMember::Role;
  Tensors out;
  auto along = [&](R role, int64_t weightDim, int64_t tensorDim) {
    return [&cuts, role, weightDim, tensorDim](at::Tensor t) { return cut(t, cuts, role, weightDim, tensorDim); };
  };
  switch (map.kind) {
  case ChannelMapKind::Conv: {
    std::optional<ConvFacts> f = convFacts(op, map);
    if (!f)
      throw Error("not a convolution with known channel counts");
    int64_t outDim = f->transposed ? 1 : 0, inDim = f->transposed ? 0 : 1;
    keep(out, m, "weight", [&](at::Tensor w) { return along(R::In, inDim, inDim)(along(R::Out, outDim, outDim)(w)); });
    // The bias follows the output channels the result loses, when this
    // layer's output (or, dropping whole groups of a transposed conv, its
    // input) is cut.
    bool pruned = cutOf(cuts, R::Out, outDim) || (f->transposed && f->dropsGroups() && cutOf(cuts, R::In, inDim));
    keep(out, m, "bias", [&](at::Tensor b) {
      return pruned && p ? dropIndices(b, 0, p->removedOn(op.result(), f->channelDim)) : b;
    });
    break;
  }
  case ChannelMapKind::Linear: {
    int64_t outDim = transposedLinear(op, map) ? 1 : 0, inDim = 1 - outDim;
    keep(out, m, "weight", [&](at::Tensor w) { return along(R::In, inDim, inDim)(along(R::Out, outDim, outDim)(w)); });
    keep(out, m, "bias", along(R::Out, outDim, 0));
    break;
  }
  case ChannelMapKind::PerChannel:
  case ChannelMapKind::GroupNorm:
    for (const char *name : {"weight", "bias", "running_mean", "running_var"})
      keep(out, m, name, along(R::Out, 0, 0));
    break;
  case ChannelMapKind::LayerNorm:
    for (const char *name : {"weight", "bias"})
      keep(out, m, name, [&](at::Tensor t) {
        for (const MemberCut &c : cuts)
          t = dropIndices(t, c.dim, c.indices);
        return t;
      });
    break;
  case ChannelMapKind::Embedding:
    keep(out, m, "weight", along(R::Out, 1, 1));
    break;
  default:
    throw Error("the verifier cannot prune a " + std::string(op.moduleType().str()) + " module (channel map '" +
                std::string(channelMapKindName(map.kind)) + "')");
  }
  return out;
}

bool holdsLayerTensors(const ChannelMap &map) {
  switch (map.kind) {
  case ChannelMapKind::Conv:
  case ChannelMapKind::Linear:
  case ChannelMapKind::PerChannel:
  case ChannelMapKind::GroupNorm:
  case ChannelMapKind::LayerNorm:
  case ChannelMapKind::Embedding: return true;
  default: return false;
  }
}

std::vector<at::Tensor> callLayer(const Op &op, const ChannelMap &map,
                                  const std::vector<std::pair<std::string, at::Tensor>> &tensors,
                                  const std::vector<at::Tensor> &in) {
  if (in.empty())
    throw Error("a module call without tensor operands");
  std::string_view type = op.moduleType().str();
  switch (map.kind) {
  case ChannelMapKind::Conv: return conv(op, map, tensors, in[0]);
  case ChannelMapKind::Linear: return linear(op, map, tensors, in[0]);
  case ChannelMapKind::GroupNorm: return groupNorm(op, tensors, in[0]);
  case ChannelMapKind::LayerNorm: return layerNorm(op, tensors, in[0]);
  case ChannelMapKind::Embedding: return embedding(op, tensors, in[0]);
  case ChannelMapKind::PerChannel:
    // The ATen call differs by module type; the tensors cut are the same.
    if (type.rfind("InstanceNorm", 0) == 0)
      return normStats(op, tensors, in[0], true);
    if (type == "PReLU")
      return {at::prelu(in[0], get(tensors, "weight"))};
    return normStats(op, tensors, in[0], false);
  default:
    throw Error("the verifier cannot prune a " + std::string(type) + " module (channel map '" +
                std::string(channelMapKindName(map.kind)) + "')");
  }
}

at::Tensor dropIndices(const at::Tensor &t, int64_t dim, const std::vector<int64_t> &removed) {
  if (removed.empty())
    return t;
  if (dim < 0 || dim >= t.dim())
    throw Error("cannot cut dim " + std::to_string(dim) + " of a tensor of rank " + std::to_string(t.dim()));
  std::vector<int64_t> kept = keptIndices(t.size(dim), removed);
  return t.index_select(dim, at::tensor(kept, at::kLong));
}

bool runsOwnForward(const Op &op, torch::jit::Module &m) {
  if (!m.type()->name() || m.type()->name()->name() != op.moduleType().str())
    return false;
  c10::optional<torch::jit::Method> forward = m.find_method("forward");
  // A traced module whose weight is tied to another module's takes that
  // weight as an argument the layer op does not have.
  return forward && forward->function().getSchema().arguments().size() == op.numOperands() + 1;
}

std::vector<at::Tensor> callModuleForward(torch::jit::Module &m, const std::vector<at::Tensor> &in) {
  std::vector<c10::IValue> args(in.begin(), in.end());
  c10::IValue out = m.forward(args);
  std::vector<at::Tensor> results;
  collectTensors(out, results);
  return results;
}

std::vector<at::Tensor> callModulePruned(const Op &op, const ChannelMap &map, torch::jit::Module &m,
                                         const std::vector<at::Tensor> &in,
                                         const std::vector<MemberCut> &cuts, const Pruning *p) {
  return callLayer(op, map, slicedLayerTensors(op, map, m, cuts, p), in);
}

} // namespace pd::verify
