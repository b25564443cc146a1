#include "frontends/prune/PrunedModel.h"

#include "frontends/verify/Interpreter.h"
#include "frontends/verify/ModuleCall.h"
#include "ir/Attribute.h"

#include <ATen/ATen.h>

#include <map>
#include <unordered_map>
#include <unordered_set>

namespace pd::prune {
namespace {

using Tensors = std::vector<std::pair<std::string, at::Tensor>>;

std::string join(const std::string &path, const std::string &name) { return path.empty() ? name : path + "." + name; }

class Builder {
public:
  Builder(const Graph &g, const OpRegistry &registry, const Pruning &p, torch::jit::Module original) {
    // What the pruning makes of every tensor, by its path in the model.
    for (const Op &op : g.ops()) {
      const OpRule *rule = registry.lookup(op.kind());
      const ChannelMap *map = rule && rule->channelMap ? &*rule->channelMap : nullptr;
      if (!map)
        continue;
      if (map->kind == ChannelMapKind::Parameter) {
        const Attribute *name = map->attrArg(op, ChannelMapKey::Name);
        const std::vector<Removed> *cuts = p.storedCuts(op.result());
        if (name && name->isStr() && cuts)
          storedCuts_[name->getStr()] = cuts;
        continue;
      }
      if (!op.isModuleCall() || !verify::holdsLayerTensors(*map))
        continue;
      const std::vector<MemberCut> *cuts = p.moduleCuts(op.modulePath());
      if (!cuts)
        continue;
      std::string path(op.modulePath().str());
      torch::jit::Module m = verify::submodule(original, path);
      for (auto &[leaf, t] : verify::slicedLayerTensors(op, *map, m, *cuts, &p))
        decide(join(path, leaf), m.attr(leaf).toTensor(), t);
    }
  }

  torch::jit::Module mirror(const torch::jit::Module &m, const std::string &path,
                            std::shared_ptr<torch::jit::CompilationUnit> cu) {
    std::string type = m.type()->name() ? m.type()->name()->name() : "Module";
    torch::jit::Module out(c10::QualifiedName("__torch__.prunedep_pruned." + type), cu, /*shouldMangle=*/true);
    const c10::ClassTypePtr &cls = m.type();
    for (size_t slot = 0; slot < cls->numAttributes(); ++slot) {
      const std::string &name = cls->getAttributeName(slot);
      c10::IValue v = m._ivalue()->getSlot(slot);
      if (v.isModule()) {
        out.register_module(name, mirror(v.toModule(), join(path, name), cu));
      } else if (v.isTensor()) {
        at::Tensor t = tensorFor(join(path, name), v.toTensor());
        if (cls->is_parameter(slot))
          out.register_parameter(name, t, /*is_buffer=*/false);
        else if (cls->is_buffer(slot))
          out.register_buffer(name, t);
        else
          out.register_attribute(name, c10::TensorType::get(), t);
      } else if (name == "training" && v.isBool()) {
        out.register_attribute(name, c10::BoolType::get(), false);
      }
    }
    return out;
  }

private:
  // The pruned tensor at `path`: sliced once, shared by every module that
  // holds the same original tensor.
  void decide(const std::string &path, const at::Tensor &original, const at::Tensor &pruned) {
    auto it = byImpl_.find(original.unsafeGetTensorImpl());
    if (it != byImpl_.end() && !it->second.sizes().equals(pruned.sizes()))
      throw Error("tensor " + path + " is shared with another layer, and the pruning cuts them differently");
    if (it == byImpl_.end())
      byImpl_.emplace(original.unsafeGetTensorImpl(), asLeaf(pruned, original));
  }

  static at::Tensor asLeaf(const at::Tensor &pruned, const at::Tensor &original) {
    if (pruned.unsafeGetTensorImpl() == original.unsafeGetTensorImpl())
      return original;
    return pruned.detach().contiguous().requires_grad_(original.requires_grad());
  }

  at::Tensor tensorFor(const std::string &path, const at::Tensor &t) {
    if (!t.defined())
      return t;
    auto it = byImpl_.find(t.unsafeGetTensorImpl());
    if (it != byImpl_.end())
      return it->second;
    auto stored = storedCuts_.find(path);
    if (stored == storedCuts_.end())
      return t;
    at::Tensor cut = t;
    for (const Removed &r : *stored->second)
      cut = verify::dropIndices(cut, r.dim, r.indices);
    decide(path, t, cut);
    return byImpl_.at(t.unsafeGetTensorImpl());
  }

  std::unordered_map<std::string, const std::vector<Removed> *> storedCuts_;
  std::unordered_map<const c10::TensorImpl *, at::Tensor> byImpl_;
};

} // namespace

torch::jit::Module buildPrunedModel(torch::jit::Module original, const Graph &g, const OpRegistry &registry,
                                    const Pruning &p) {
  Builder b(g, registry, p, original);
  return b.mirror(original, "", std::make_shared<torch::jit::CompilationUnit>());
}

int64_t countParameters(const torch::jit::Module &m) {
  std::unordered_set<const c10::TensorImpl *> seen;
  int64_t n = 0;
  for (const at::Tensor &t : m.parameters(/*recurse=*/true))
    if (t.defined() && seen.insert(t.unsafeGetTensorImpl()).second)
      n += t.numel();
  return n;
}

} // namespace pd::prune
