#include "frontends/prune/Importance.h"

#include "frontends/verify/Interpreter.h"
#include "ir/Diagnostic.h"

#include <ATen/ATen.h>

#include <cmath>
#include <map>
#include <memory>

namespace pd::prune {
namespace {

// The tensor a member indexes: the layer's weight, or the stored tensor. A
// layer without a weight (InstanceNorm without affine) has nothing to score:
// undefined.
at::Tensor memberTensor(torch::jit::Module &model, const ChannelMember &m) {
  std::string owner = m.name, leaf = "weight";
  if (m.role == ChannelMember::Role::Param) {
    size_t dot = m.name.rfind('.');
    owner = dot == std::string::npos ? "" : m.name.substr(0, dot);
    leaf = dot == std::string::npos ? m.name : m.name.substr(dot + 1);
  }
  torch::jit::Module mod = verify::submodule(model, owner);
  bool layer = m.role != ChannelMember::Role::Param;
  if (layer && (!mod.hasattr(leaf) || !mod.attr(leaf).isTensor() || !mod.attr(leaf).toTensor().defined()))
    return at::Tensor();
  if (!mod.hasattr(leaf) || !mod.attr(leaf).isTensor() || !mod.attr(leaf).toTensor().defined())
    throw Error("set member " + m.name + ": the model has no tensor '" + leaf + "' there to score");
  return mod.attr(leaf).toTensor();
}

// Per index of `dim`: the sum of |x| (p = 1) or x^2 (p = 2) over every other
// dim, one vectorized reduction per tensor and dim.
std::vector<double> perIndex(const at::Tensor &weight, int64_t dim, int norm) {
  at::Tensor t = weight.detach().to(at::kFloat);
  std::vector<int64_t> others;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (d != dim)
      others.push_back(d);
  at::Tensor magnitude = norm == 1 ? t.abs() : t.square();
  at::Tensor sums = (others.empty() ? magnitude : magnitude.sum(others)).to(at::kDouble).contiguous();
  const double *x = sums.data_ptr<double>();
  return std::vector<double>(x, x + sums.numel());
}

} // namespace

GroupScorer magnitudeScorer(torch::jit::Module model, int norm) {
  // A layer whose input concatenates several sets' channels (DenseNet's
  // conv1, a classifier after a cat) is a member of each: its per-index sums
  // are computed once.
  using Key = std::pair<const c10::TensorImpl *, int64_t>;
  auto cache = std::make_shared<std::map<Key, std::vector<double>>>();
  return [model, norm, cache](const ChannelSet &set, uint32_t) mutable {
    std::vector<double> total(set.groups, 0.0);
    for (const ChannelMember &m : set.members) {
      at::Tensor t = memberTensor(model, m);
      if (!t.defined())
        continue;
      if (m.dim < 0 || m.dim >= t.dim())
        throw Error("set member " + m.name + ": dim " + std::to_string(m.dim) + " of a tensor of rank " +
                    std::to_string(t.dim()));
      Key key{t.unsafeGetTensorImpl(), m.dim};
      auto it = cache->find(key);
      if (it == cache->end())
        it = cache->emplace(key, perIndex(t, m.dim, norm)).first;
      const std::vector<double> &v = it->second;
      for (uint32_t g = 0; g < set.groups; ++g) {
        double s = 0;
        for (uint32_t k = m.offsets[g]; k < m.offsets[g + 1]; ++k) {
          if (m.indices[k] >= v.size())
            throw Error("set member " + m.name + ": index " + std::to_string(m.indices[k]) + " beyond its " +
                        std::to_string(v.size()) + " channels");
          s += v[m.indices[k]];
        }
        total[g] += norm == 1 ? s : std::sqrt(s);
      }
    }
    return total;
  };
}

} // namespace pd::prune
