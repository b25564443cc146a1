#include "frontends/torchscript/FunctionalLayers.h"

#include "frontends/torchscript/NameTable.h"

#include <ATen/core/Tensor.h>

#include <algorithm>
#include <set>

namespace pd::ts {
namespace {

using torch::jit::Node;
namespace aten = c10::aten;

// A function computing a layer: the argument that is the layer's input and
// the arguments that are its tensors: (schema argument, the module's tensor
// name), `weight` first.
struct StoredArg {
  const char *arg;
  const char *tensor;
};
struct LayerFunction {
  const char *data;
  std::vector<StoredArg> stored;
};

const LayerFunction *layerFunction(c10::Symbol kind) {
  static const LayerFunction kLinear{"input", {{"weight", "weight"}, {"bias", "bias"}}};
  static const LayerFunction kNorm{
      "input", {{"weight", "weight"}, {"bias", "bias"}, {"running_mean", "running_mean"}, {"running_var", "running_var"}}};
  static const LayerFunction kEmbedding{"indices", {{"weight", "weight"}}};
  static const LayerFunction kPrelu{"self", {{"weight", "weight"}}};
  // HF transformers' Conv1D: x @ weight + bias with weight stored [in, out].
  static const LayerFunction kAddmm{"mat1", {{"mat2", "weight"}, {"self", "bias"}}};
  static const std::unordered_map<c10::Symbol, const LayerFunction *> kTable = {
      {aten::linear, &kLinear},
      {aten::conv1d, &kLinear},
      {aten::conv2d, &kLinear},
      {aten::conv3d, &kLinear},
      {aten::conv_transpose1d, &kLinear},
      {aten::conv_transpose2d, &kLinear},
      {aten::conv_transpose3d, &kLinear},
      {aten::_convolution, &kLinear},
      {aten::convolution, &kLinear},
      {aten::layer_norm, &kLinear},
      {aten::group_norm, &kLinear},
      {aten::batch_norm, &kNorm},
      {aten::instance_norm, &kNorm},
      {aten::embedding, &kEmbedding},
      {aten::prelu, &kPrelu},
      {aten::addmm, &kAddmm},
  };
  auto it = kTable.find(kind);
  return it == kTable.end() ? nullptr : it->second;
}

std::optional<size_t> argIndex(const Node *n, const char *name) {
  const auto &args = n->schema().arguments();
  for (size_t i = 0; i < args.size() && i < n->inputs().size(); ++i)
    if (args[i].name() == name)
      return i;
  return std::nullopt;
}

std::optional<bool> boolArg(const Node *n, const std::vector<CallArg> &args, const char *name) {
  std::optional<size_t> i = argIndex(n, name);
  if (!i || args[*i].kind != CallArg::Kind::Other || !args[*i].value.isBool())
    return std::nullopt;
  return args[*i].value.toBool();
}

std::string withDims(const char *base, int64_t dims) {
  if (dims < 1 || dims > 3)
    return "";
  return base + std::to_string(dims) + "d";
}

// The module type whose layer op `n` is ("" when it cannot tell).
std::string layerType(const Node *n, const std::vector<CallArg> &args, const CallArg &data,
                      const CallArg &weight) {
  c10::Symbol k = n->kind();
  int64_t spatial = weight.rank - 2; // conv weights: [out, in/groups, k...]
  if (k == aten::linear)
    return "Linear";
  if (k == aten::addmm) {
    // input + mat1 @ weight: a Linear whose weight is stored [in, out], when
    // nothing scales either term and the input is a batch of rows.
    auto one = [&](const char *name) {
      std::optional<size_t> i = argIndex(n, name);
      if (!i || args[*i].kind != CallArg::Kind::Other)
        return false;
      const c10::IValue &v = args[*i].value;
      return (v.isInt() && v.toInt() == 1) || (v.isDouble() && v.toDouble() == 1.0);
    };
    return data.rank == 2 && weight.rank == 2 && one("beta") && one("alpha") ? "Linear" : "";
  }
  if (k == aten::conv1d || k == aten::conv2d || k == aten::conv3d)
    return withDims("Conv", spatial);
  if (k == aten::conv_transpose1d || k == aten::conv_transpose2d || k == aten::conv_transpose3d)
    return withDims("ConvTranspose", spatial);
  if (k == aten::_convolution || k == aten::convolution) {
    std::optional<bool> transposed = boolArg(n, args, "transposed");
    if (!transposed)
      return "";
    return withDims(*transposed ? "ConvTranspose" : "Conv", spatial);
  }
  if (k == aten::layer_norm)
    return "LayerNorm";
  if (k == aten::group_norm)
    return "GroupNorm";
  if (k == aten::embedding)
    return "Embedding";
  if (k == aten::prelu)
    return "PReLU";
  // Norms over [N, C, ...]: a 2-d input is BatchNorm1d's [N, C].
  int64_t dims = data.rank == 2 ? 1 : data.rank - 2;
  if (k == aten::batch_norm) {
    // The layer op runs as the module does in eval mode.
    if (boolArg(n, args, "training") != std::optional<bool>(false))
      return "";
    return withDims("BatchNorm", dims);
  }
  if (k == aten::instance_norm) {
    // The module uses the input's statistics exactly when it keeps none.
    std::optional<size_t> mean = argIndex(n, "running_mean");
    bool tracked = mean && args[*mean].kind == CallArg::Kind::Stored;
    if (boolArg(n, args, "use_input_stats") != std::optional<bool>(!tracked))
      return "";
    return withDims("InstanceNorm", dims);
  }
  return "";
}

// Paths of `m`'s own defined parameters and buffers.
std::set<std::string> ownTensors(const torch::jit::Module &m, const std::string &path) {
  std::set<std::string> out;
  auto type = m.type();
  for (size_t i = 0; i < type->numAttributes(); ++i) {
    if (!type->getAttribute(i)->isSubtypeOf(*c10::TensorType::get()))
      continue;
    const std::string &name = type->getAttributeName(i);
    c10::IValue v = m.attr(name);
    if (v.isTensor() && v.toTensor().defined())
      out.insert(joinPath(path, name));
  }
  return out;
}

} // namespace

StoredTensorUses::StoredTensorUses(const InlinedForward &fwd) {
  for (const Node *n : fwd.nodes()) {
    if (n->kind() == c10::prim::GetAttr)
      continue;
    const LayerFunction *f = layerFunction(n->kind());
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const torch::jit::Value *in = fwd.input(n, i);
      const Node *def = in->node();
      if (def->kind() != c10::prim::GetAttr || in->type()->kind() != c10::TypeKind::TensorType)
        continue;
      std::optional<std::string> owner = fwd.modulePath(def->input());
      if (!owner)
        continue;
      const std::string &name = def->s(c10::attr::name);
      auto &count = uses_[joinPath(*owner, name)];
      ++count.first;
      if (f && n->maybeSchema() && i < n->schema().arguments().size()) {
        const std::string &arg = n->schema().arguments()[i].name();
        if (std::find_if(f->stored.begin(), f->stored.end(), [&](const StoredArg &s) {
              return arg == s.arg && name == s.tensor;
            }) != f->stored.end())
          ++count.second;
      }
    }
  }
}

bool StoredTensorUses::onlyLayerUses(const std::string &path) const {
  auto it = uses_.find(path);
  return it != uses_.end() && it->second.first == it->second.second;
}

std::optional<FunctionalLayer> matchFunctionalLayer(const Node *n, const std::vector<CallArg> &args,
                                                    const InlinedForward &fwd, const StoredTensorUses &uses) {
  const LayerFunction *f = layerFunction(n->kind());
  if (!f || !n->maybeSchema() || args.size() != n->inputs().size())
    return std::nullopt;
  std::optional<size_t> dataIdx = argIndex(n, f->data), weightIdx = argIndex(n, f->stored[0].arg);
  if (!dataIdx || !weightIdx)
    return std::nullopt;
  const CallArg &data = args[*dataIdx], &weight = args[*weightIdx];
  if ((data.kind != CallArg::Kind::Tensor && data.kind != CallArg::Kind::Stored) ||
      weight.kind != CallArg::Kind::Stored)
    return std::nullopt;
  const std::string suffix = ".weight";
  if (weight.path.size() <= suffix.size() ||
      weight.path.compare(weight.path.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  std::string owner = weight.path.substr(0, weight.path.size() - suffix.size());
  torch::jit::Module m = fwd.moduleAt(owner);

  // Every tensor of the layer is the owner's tensor of that name, or None
  // where the owner has none.
  std::set<std::string> own = ownTensors(m, owner), used;
  for (const StoredArg &stored : f->stored) {
    std::optional<size_t> i = argIndex(n, stored.arg);
    if (!i)
      return std::nullopt;
    std::string path = joinPath(owner, stored.tensor);
    if (args[*i].kind == CallArg::Kind::Stored) {
      if (args[*i].path != path || !uses.onlyLayerUses(path))
        return std::nullopt;
      used.insert(path);
    } else if (args[*i].kind != CallArg::Kind::None || own.count(path)) {
      return std::nullopt;
    }
  }

  std::string type = layerType(n, args, data, weight);
  const OpRegistry &registry = fwd.registry();
  if (type.empty() || !registry.isLeafModule(type))
    return std::nullopt;
  std::string ownerType = shortTypeName(m.type());
  if (registry.isLeafModule(ownerType)) {
    if (ownerType != type)
      return std::nullopt; // a Conv2d's weight in F.linear is no Linear layer
  } else if (own != used || m.children().size() != 0) {
    return std::nullopt; // the module is more than this layer
  }
  return FunctionalLayer{type, owner, *dataIdx, n->kind() == aten::addmm};
}

} // namespace pd::ts
