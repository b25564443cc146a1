#include "frontends/verify/ModuleCall.h"

#include "frontends/verify/FunctionCall.h"

#include "ir/Attribute.h"
#include "ir/Graph.h"
#include "passes/channels/ChannelMaps.h"

#include <ATen/ATen.h>

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

std::vector<at::Tensor> conv(const Op &op, const ChannelMap &map, torch::jit::Module &m,
                             const at::Tensor &x, const std::vector<MemberCut> &cuts, const Pruning *p) {
  std::optional<ConvFacts> f = convFacts(op, map);
  if (!f)
    throw Error("not a convolution with known channel counts");
  using R = ChannelMember::Role;
  at::Tensor w = *tensorAttr(m, "weight");
  std::optional<at::Tensor> b = tensorAttr(m, "bias");
  int64_t outDim = f->transposed ? 1 : 0, inDim = f->transposed ? 0 : 1;
  w = cut(cut(w, cuts, R::Out, outDim, outDim), cuts, R::In, inDim, inDim);
  at::Tensor bias;
  if (b) {
    bias = *b;
    // The bias follows the output channels the result loses, when this
    // layer's output (or, dropping whole groups of a transposed conv, its
    // input) is cut.
    bool pruned = cutOf(cuts, R::Out, outDim) || (f->transposed && f->dropsGroups() && cutOf(cuts, R::In, inDim));
    if (pruned && p)
      bias = dropIndices(bias, 0, p->removedOn(op.result(), f->channelDim));
  }
  int64_t groups = f->groups;
  if (f->dropsGroups()) // groups shrink with the channels of a group
    groups = x.size(f->channelDim) / (f->in / f->groups);
  int64_t n = w.dim() - 2;
  std::vector<int64_t> stride = intsAttr(op, "stride", {1}), dilation = intsAttr(op, "dilation", {1});
  auto widen = [&](std::vector<int64_t> v) {
    if (static_cast<int64_t>(v.size()) == 1 && n > 1)
      v.assign(n, v[0]);
    return v;
  };
  std::vector<int64_t> padding;
  const Attribute *pad = op.attr("padding");
  if (pad && pad->isStr()) { // padding='valid' (or 'same', whose amounts are not recorded)
    if (pad->getStr() != "valid")
      throw Error("padding='" + pad->getStr() + "' is not supported by the verifier");
    padding.assign(n, 0);
  } else {
    padding = widen(intsAttr(op, "padding", {0}));
  }
  std::vector<int64_t> outputPadding = widen(intsAttr(op, "output_padding", {0}));
  return {at::convolution(x, w, bias, widen(stride), padding, widen(dilation), f->transposed,
                          f->transposed ? outputPadding : std::vector<int64_t>(n, 0), groups)};
}

std::vector<at::Tensor> linear(const Op &op, const ChannelMap &map, torch::jit::Module &m, const at::Tensor &x,
                               const std::vector<MemberCut> &cuts) {
  using R = ChannelMember::Role;
  // HF's Conv1D stores its weight [in, out] (`transposed`).
  bool transposed = map.intArg(op, ChannelMapKey::Transposed).value_or(0) != 0;
  int64_t outDim = transposed ? 1 : 0, inDim = transposed ? 0 : 1;
  at::Tensor w = cut(cut(*tensorAttr(m, "weight"), cuts, R::Out, outDim, outDim), cuts, R::In, inDim, inDim);
  at::Tensor b;
  if (std::optional<at::Tensor> bias = tensorAttr(m, "bias"))
    b = cut(*bias, cuts, R::Out, outDim, 0);
  return {at::linear(x, transposed ? w.t() : w, b)};
}

// BatchNorm*, InstanceNorm*: every per-channel tensor the module has.
std::vector<at::Tensor> normStats(const Op &op, torch::jit::Module &m, const at::Tensor &x,
                                  const std::vector<MemberCut> &cuts, bool instance) {
  using R = ChannelMember::Role;
  auto get = [&](const char *name) {
    std::optional<at::Tensor> t = tensorAttr(m, name);
    return t ? cut(*t, cuts, R::Out, 0, 0) : at::Tensor();
  };
  at::Tensor w = get("weight"), b = get("bias"), mean = get("running_mean"), var = get("running_var");
  double eps = floatAttr(op, "eps", 1e-5), momentum = floatAttr(op, "momentum", 0.1);
  if (instance)
    return {at::instance_norm(x, w, b, mean, var, /*use_input_stats=*/!mean.defined(), momentum, eps, false)};
  return {at::batch_norm(x, w, b, mean, var, /*training=*/false, momentum, eps, false)};
}

std::vector<at::Tensor> groupNorm(const Op &op, torch::jit::Module &m, const at::Tensor &x,
                                  const std::vector<MemberCut> &cuts) {
  using R = ChannelMember::Role;
  std::optional<at::Tensor> w = tensorAttr(m, "weight"), b = tensorAttr(m, "bias");
  int64_t groups = intsAttr(op, "num_groups", {1})[0];
  int64_t channels = intsAttr(op, "num_channels", {x.size(1)})[0];
  if (groups == channels) // one channel per group: a removed channel is a removed group
    groups = x.size(1);
  return {at::group_norm(x, groups, w ? cut(*w, cuts, R::Out, 0, 0) : at::Tensor(),
                         b ? cut(*b, cuts, R::Out, 0, 0) : at::Tensor(), floatAttr(op, "eps", 1e-5))};
}

std::vector<at::Tensor> layerNorm(const Op &op, torch::jit::Module &m, const at::Tensor &x,
                                  const std::vector<MemberCut> &cuts) {
  std::vector<int64_t> shape = intsAttr(op, "normalized_shape", {});
  int64_t k = static_cast<int64_t>(shape.size());
  std::optional<at::Tensor> w = tensorAttr(m, "weight"), b = tensorAttr(m, "bias");
  at::Tensor wc = w ? *w : at::Tensor(), bc = b ? *b : at::Tensor();
  for (const MemberCut &c : cuts) {
    if (wc.defined())
      wc = dropIndices(wc, c.dim, c.indices);
    if (bc.defined())
      bc = dropIndices(bc, c.dim, c.indices);
  }
  std::vector<int64_t> normalized(x.sizes().end() - k, x.sizes().end());
  return {at::layer_norm(x, normalized, wc, bc, floatAttr(op, "eps", 1e-5))};
}

std::vector<at::Tensor> embedding(const Op &op, torch::jit::Module &m, const at::Tensor &ids,
                                  const std::vector<MemberCut> &cuts) {
  at::Tensor w = cut(*tensorAttr(m, "weight"), cuts, ChannelMember::Role::Out, 1, 1);
  int64_t pad = -1;
  if (const Attribute *a = op.attr("padding_idx"))
    if (a->isInt())
      pad = a->getInt();
  return {at::embedding(w, ids, pad)};
}

std::vector<at::Tensor> prelu(torch::jit::Module &m, const at::Tensor &x, const std::vector<MemberCut> &cuts) {
  return {at::prelu(x, cut(*tensorAttr(m, "weight"), cuts, ChannelMember::Role::Out, 0, 0))};
}

} // namespace

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
  if (in.empty())
    throw Error("a module call without tensor operands");
  std::string_view type = op.moduleType().str();
  switch (map.kind) {
  case ChannelMapKind::Conv: return conv(op, map, m, in[0], cuts, p);
  case ChannelMapKind::Linear: return linear(op, map, m, in[0], cuts);
  case ChannelMapKind::GroupNorm: return groupNorm(op, m, in[0], cuts);
  case ChannelMapKind::LayerNorm: return layerNorm(op, m, in[0], cuts);
  case ChannelMapKind::Embedding: return embedding(op, m, in[0], cuts);
  case ChannelMapKind::PerChannel:
    // The ATen call differs by module type; the tensors cut are the same.
    if (type.rfind("InstanceNorm", 0) == 0)
      return normStats(op, m, in[0], cuts, true);
    if (type == "PReLU")
      return prelu(m, in[0], cuts);
    return normStats(op, m, in[0], cuts, false);
  default:
    throw Error("the verifier cannot prune a " + std::string(type) + " module (channel map '" +
                std::string(channelMapKindName(map.kind)) + "')");
  }
}

} // namespace pd::verify
