#include "frontends/torchscript/LeafAttributes.h"

#include "frontends/torchscript/Attributes.h"

#include <ATen/core/Tensor.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/inliner.h>

#include <functional>
#include <optional>
#include <unordered_map>

namespace pd::ts {
namespace {

using torch::jit::Node;
using torch::jit::Value;
namespace prim = c10::prim;
namespace aten = c10::aten;

bool callsFurther(const torch::jit::Block &b) {
  for (const Node *n : b.nodes()) {
    if (n->kind() == prim::CallMethod || n->kind() == prim::CallFunction)
      return true;
    for (const torch::jit::Block *inner : n->blocks())
      if (callsFurther(*inner))
        return true;
  }
  return false;
}

// Reads a module's hyper-parameters from the aten call of its forward, or,
// for a layer used through its tensors, from the function op that uses them
// (call mode: `find` gives that op, its arguments resolve through
// `argValue`, and they win over the module's own attributes).
class LeafReader {
public:
  LeafReader(const torch::jit::Module &m, const std::string &method, const std::vector<int64_t> *input)
      : m_(m), input_(input) {
    // Only read: a traced leaf's forward is already flat (one aten call), so
    // it is copied and inlined only when it calls further (a scripted
    // module's helper methods). Copying every leaf's graph was a third of
    // the lowering time of densenet121.
    graph_ = m.get_method(method).graph();
    if (callsFurther(*graph_->block())) {
      graph_ = graph_->copy();
      torch::jit::Inline(*graph_);
    }
  }
  LeafReader(const torch::jit::Module &m, const Node *call, ArgValue argValue,
             const std::vector<int64_t> *input)
      : m_(m), input_(input), call_(call), argValue_(std::move(argValue)) {}

  std::vector<NamedAttribute> take() { return std::move(out_); }
  void set(const char *name, Attribute a) { out_.push_back({Symbol::get(name), std::move(a)}); }

  // A parameter or buffer of the module, if it has one of that name.
  std::optional<at::Tensor> tensor(const char *name) const {
    std::optional<c10::IValue> found = slot(name);
    if (!found)
      return std::nullopt;
    const c10::IValue &v = *found;
    if (!v.isTensor() || !v.toTensor().defined())
      return std::nullopt;
    return v.toTensor();
  }
  // A plain Python attribute the module kept (scripted modules do).
  std::optional<Attribute> moduleAttr(const char *name) const {
    std::optional<c10::IValue> found = slot(name);
    if (!found)
      return std::nullopt;
    const c10::IValue &v = *found;
    if (v.isTensor() || v.isObject())
      return std::nullopt;
    return toAttribute(v);
  }

  // First node of one of `kinds` in the inlined forward, branches included.
  const Node *find(std::initializer_list<c10::Symbol> kinds) const {
    if (call_) {
      for (c10::Symbol k : kinds)
        if (call_->kind() == k)
          return call_;
      return nullptr;
    }
    return findIn(*graph_->block(), kinds);
  }

  // The value of a constant expression: constants, lists/tuples of them and
  // the module's own attributes.
  std::optional<Attribute> constant(const Value *v) const {
    if (call_)
      return argValue_(v);
    const Node *n = v->node();
    if (n->kind() == prim::Constant) {
      // ints, bools and floats read straight from the node (toIValue costs
      // as much as the rest of a conv's attributes together), with one
      // attribute lookup (each takes a lock in LibTorch): torch stores an int
      // or bool constant's value as an `i` attribute and a float's as an `f`
      // (insertConstant); anything else throws and takes the general path.
      c10::TypeKind t = v->type()->kind();
      try {
        if (t == c10::TypeKind::IntType)
          return Attribute(static_cast<int64_t>(n->i(c10::attr::value)));
        if (t == c10::TypeKind::BoolType)
          return Attribute(n->i(c10::attr::value) != 0);
        if (t == c10::TypeKind::FloatType)
          return Attribute(n->f(c10::attr::value));
      } catch (const torch::jit::IRAttributeError &) {
      }
      if (auto iv = torch::jit::toIValue(v))
        return toAttribute(*iv);
      return std::nullopt;
    }
    if (n->kind() == prim::ListConstruct || n->kind() == prim::TupleConstruct) {
      Attribute::List l;
      l.reserve(n->inputs().size());
      for (const Value *e : n->inputs()) {
        auto a = constant(e);
        if (!a)
          return std::nullopt;
        l.push_back(std::move(*a));
      }
      return Attribute(std::move(l));
    }
    if (n->kind() == prim::GetAttr && n->input() == graph_->inputs()[0])
      return moduleAttr(n->s(c10::attr::name).c_str());
    return std::nullopt;
  }

  // Argument `name` (by schema) of `n`, when constant.
  std::optional<Attribute> arg(const Node *n, const char *name) const {
    if (!n || !n->maybeSchema())
      return std::nullopt;
    const auto &args = n->schema().arguments();
    for (size_t i = 0; i < args.size() && i < n->inputs().size(); ++i)
      if (args[i].name() == name)
        return constant(n->input(i));
    return std::nullopt;
  }

  // The module attribute if kept, else the argument of the aten call.
  // In call mode the argument first: the call is what runs.
  std::optional<Attribute> attrOrArg(const char *name, const Node *n, const char *argName = nullptr) const {
    if (call_)
      if (auto a = arg(n, argName ? argName : name))
        return a;
    if (auto a = moduleAttr(name))
      return a;
    return arg(n, argName ? argName : name);
  }
  void setIf(const char *name, std::optional<Attribute> a) {
    if (a)
      set(name, std::move(*a));
  }
  // Dim `d` of the input (the channel count when no parameter tells it).
  std::optional<int64_t> inputDim(size_t d) const {
    if (!input_ || input_->size() <= d)
      return std::nullopt;
    return (*input_)[d];
  }

  const torch::jit::Module &module() const { return m_; }
  // The inlined forward; null in call mode.
  const torch::jit::Graph *graph() const { return graph_.get(); }

private:
  // The module's attribute `name`, found by one search of its class's slots
  // (hasattr then attr searched twice).
  std::optional<c10::IValue> slot(const char *name) const {
    const c10::intrusive_ptr<c10::ivalue::Object> &object = m_._ivalue();
    c10::optional<size_t> i = object->type()->findAttributeSlot(name);
    if (!i)
      return std::nullopt;
    return object->getSlot(*i);
  }

  static const Node *findIn(const torch::jit::Block &b, std::initializer_list<c10::Symbol> kinds) {
    for (const Node *n : b.nodes()) {
      for (c10::Symbol k : kinds)
        if (n->kind() == k)
          return n;
      for (const torch::jit::Block *sub : n->blocks())
        if (const Node *found = findIn(*sub, kinds))
          return found;
    }
    return nullptr;
  }

  const torch::jit::Module &m_;
  const std::vector<int64_t> *input_;
  std::shared_ptr<torch::jit::Graph> graph_;
  const Node *call_ = nullptr;
  ArgValue argValue_;
  std::vector<NamedAttribute> out_;
};

static Attribute ints(c10::IntArrayRef r) { return Attribute::ints(std::vector<int64_t>(r.begin(), r.end())); }

void convAttrs(LeafReader &r, bool transposed) {
  auto w = r.tensor("weight");
  if (!w)
    return;
  const Node *conv = r.find({aten::_convolution, aten::convolution, aten::conv1d, aten::conv2d,
                       aten::conv3d, aten::conv_transpose1d, aten::conv_transpose2d,
                       aten::conv_transpose3d});
  int64_t groups = r.attrOrArg("groups", conv).value_or(Attribute(int64_t(1))).asInt().value_or(1);
  // weight: [out, in/groups, k...], transposed: [in, out/groups, k...].
  int64_t in = transposed ? w->size(0) : w->size(1) * groups;
  int64_t out = transposed ? w->size(1) * groups : w->size(0);
  r.set("in_channels", in);
  r.set("out_channels", out);
  r.set("kernel_size", ints(w->sizes().slice(2)));
  r.setIf("stride", r.attrOrArg("stride", conv));
  r.setIf("padding", r.attrOrArg("padding", conv));
  r.setIf("dilation", r.attrOrArg("dilation", conv));
  r.set("groups", groups);
  r.set("bias", r.tensor("bias").has_value());
  if (transposed)
    r.setIf("output_padding", r.attrOrArg("output_padding", conv));
}

void linearAttrs(LeafReader &r) {
  auto w = r.tensor("weight");
  if (!w)
    return;
  r.set("in_features", w->size(1));
  r.set("out_features", w->size(0));
  r.set("bias", r.tensor("bias").has_value());
}

// BatchNorm*, InstanceNorm*: num_features, eps, affine, track_running_stats.
// The running statistics are per-channel tensors too (an InstanceNorm
// without affine parameters may have them), so whether the module keeps them
// is recorded: the buffers themselves tell (None when not tracked).
void batchNormAttrs(LeafReader &r, c10::Symbol atenOp) {
  auto w = r.tensor("weight");
  auto mean = r.tensor("running_mean");
  std::optional<int64_t> n = w ? std::optional<int64_t>(w->size(0))
                               : mean ? std::optional<int64_t>(mean->size(0)) : r.inputDim(1);
  if (n)
    r.set("num_features", *n);
  r.setIf("eps", r.attrOrArg("eps", r.find({atenOp})));
  r.set("affine", w.has_value());
  r.set("track_running_stats", mean.has_value());
}

void groupNormAttrs(LeafReader &r) {
  const Node *gn = r.find({aten::group_norm});
  auto w = r.tensor("weight");
  r.setIf("num_groups", r.attrOrArg("num_groups", gn));
  std::optional<int64_t> c = w ? std::optional<int64_t>(w->size(0)) : r.inputDim(1);
  if (auto a = r.moduleAttr("num_channels"))
    r.set("num_channels", *a);
  else if (c)
    r.set("num_channels", *c);
  r.setIf("eps", r.attrOrArg("eps", gn));
  r.set("affine", w.has_value());
}

void layerNormAttrs(LeafReader &r) {
  const Node *ln = r.find({aten::layer_norm});
  auto w = r.tensor("weight");
  std::optional<Attribute> shape = r.attrOrArg("normalized_shape", ln);
  if (!shape && w)
    shape = ints(w->sizes());
  r.setIf("normalized_shape", shape);
  r.setIf("eps", r.attrOrArg("eps", ln));
  r.set("elementwise_affine", w.has_value());
}

void embeddingAttrs(LeafReader &r) {
  auto w = r.tensor("weight");
  if (!w)
    return;
  r.set("num_embeddings", w->size(0));
  r.set("embedding_dim", w->size(1));
  std::optional<Attribute> pad = r.attrOrArg("padding_idx", r.find({aten::embedding}));
  // aten::embedding spells "no padding index" as -1, the module as None.
  if (pad && pad->isInt() && pad->getInt() < 0)
    pad = Attribute();
  r.setIf("padding_idx", pad);
}

void preluAttrs(LeafReader &r) {
  if (auto w = r.tensor("weight"))
    r.set("num_parameters", w->numel());
}

// Modules without a dedicated rule: a scripted module's plain attributes, or
// the constant arguments of the one aten op a traced module runs
// (MaxPool2d -> kernel_size, stride, padding, dilation, ceil_mode).
void genericAttrs(LeafReader &r) {
  const torch::jit::Module &m = r.module();
  auto type = m.type();
  bool kept = false;
  for (size_t i = 0; i < type->numAttributes(); ++i) {
    const std::string &name = type->getAttributeName(i);
    if (name == "training" || name.empty() || name[0] == '_' || type->is_parameter(i) ||
        type->is_buffer(i))
      continue;
    if (auto a = r.moduleAttr(name.c_str())) {
      r.set(name.c_str(), std::move(*a));
      kept = true;
    }
  }
  if (kept || !r.graph())
    return;
  const Node *only = nullptr;
  for (const Node *n : r.graph()->nodes()) {
    bool producesTensor = false;
    for (const Value *o : n->outputs())
      producesTensor |= o->type()->kind() == c10::TypeKind::TensorType;
    if (!producesTensor || !n->kind().is_aten())
      continue;
    if (only)
      return; // several ops: no single set of arguments describes the module
    only = n;
  }
  if (!only || !only->maybeSchema())
    return;
  const auto &args = only->schema().arguments();
  for (size_t i = 0; i < args.size() && i < only->inputs().size(); ++i) {
    const Value *in = only->input(i);
    if (in->type()->kind() == c10::TypeKind::TensorType)
      continue;
    if (auto a = r.constant(in))
      r.set(args[i].name().c_str(), std::move(*a));
  }
}

// Fills `r` by the rule of `type`; false when the type has no dedicated rule.
bool fillByType(LeafReader &r, const std::string &type) {
  using Fill = std::function<void(LeafReader &)>;
  static const std::unordered_map<std::string, Fill> kFamilies = {
      {"Conv1d", [](LeafReader &x) { convAttrs(x, false); }},
      {"Conv2d", [](LeafReader &x) { convAttrs(x, false); }},
      {"Conv3d", [](LeafReader &x) { convAttrs(x, false); }},
      {"ConvTranspose1d", [](LeafReader &x) { convAttrs(x, true); }},
      {"ConvTranspose2d", [](LeafReader &x) { convAttrs(x, true); }},
      {"ConvTranspose3d", [](LeafReader &x) { convAttrs(x, true); }},
      {"Linear", linearAttrs},
      {"BatchNorm1d", [](LeafReader &x) { batchNormAttrs(x, aten::batch_norm); }},
      {"BatchNorm2d", [](LeafReader &x) { batchNormAttrs(x, aten::batch_norm); }},
      {"BatchNorm3d", [](LeafReader &x) { batchNormAttrs(x, aten::batch_norm); }},
      {"InstanceNorm1d", [](LeafReader &x) { batchNormAttrs(x, aten::instance_norm); }},
      {"InstanceNorm2d", [](LeafReader &x) { batchNormAttrs(x, aten::instance_norm); }},
      {"InstanceNorm3d", [](LeafReader &x) { batchNormAttrs(x, aten::instance_norm); }},
      {"GroupNorm", groupNormAttrs},
      {"LayerNorm", layerNormAttrs},
      {"Embedding", embeddingAttrs},
      {"PReLU", preluAttrs},
  };
  auto it = kFamilies.find(type);
  if (it == kFamilies.end())
    return false;
  it->second(r);
  return true;
}

} // namespace

std::vector<NamedAttribute> leafAttributes(const torch::jit::Module &module, const std::string &type,
                                           const std::string &method,
                                           const std::vector<int64_t> *inputShape) {
  LeafReader r(module, method, inputShape);
  if (!fillByType(r, type))
    genericAttrs(r);
  return r.take();
}

std::vector<NamedAttribute> functionalLayerAttributes(const torch::jit::Module &module, const std::string &type,
                                                      const torch::jit::Node *call, const ArgValue &argValue,
                                                      const std::vector<int64_t> *inputShape) {
  LeafReader r(module, call, argValue, inputShape);
  fillByType(r, type);
  return r.take();
}

std::vector<NamedAttribute> transposedLinearAttributes(const torch::jit::Module &module) {
  at::Tensor w = module.attr("weight").toTensor();
  bool bias = module.hasattr("bias") && module.attr("bias").isTensor() && module.attr("bias").toTensor().defined();
  return {{Symbol::get("in_features"), Attribute(w.size(0))},
          {Symbol::get("out_features"), Attribute(w.size(1))},
          {Symbol::get("bias"), Attribute(bias)},
          {Symbol::get("transposed"), Attribute(true)}};
}

} // namespace pd::ts
