#include "frontends/torchscript/TiedWeights.h"

#include "ir/Attribute.h"
#include "ir/Diagnostic.h"

#include <unordered_map>
#include <vector>

namespace pd::ts {
namespace {

const void *storageOf(const at::Tensor &t) { return t.storage().unsafeGetStorageImpl(); }

// The elements of its storage a tensor can reach: [first, last].
std::pair<int64_t, int64_t> storageRange(const at::Tensor &t) {
  int64_t last = t.storage_offset();
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) == 0)
      return {t.storage_offset(), t.storage_offset() - 1}; // empty
    last += (t.size(d) - 1) * t.stride(d);
  }
  return {t.storage_offset(), last};
}

bool overlap(const at::Tensor &a, const at::Tensor &b) {
  auto [a0, a1] = storageRange(a);
  auto [b0, b1] = storageRange(b);
  return a0 <= a1 && b0 <= b1 && a0 <= b1 && b0 <= a1;
}

struct Owner {
  const Op *op;
  at::Tensor weight;
};

} // namespace

bool sameTensorData(const at::Tensor &a, const at::Tensor &b) {
  return a.defined() && b.defined() && storageOf(a) == storageOf(b) && a.storage_offset() == b.storage_offset() &&
         a.sizes() == b.sizes() && a.strides() == b.strides();
}

void markTiedWeights(Graph &g, const std::function<std::optional<at::Tensor>(const Op &)> &tensorOf) {
  static const Symbol kParameter = Symbol::get("prim::Parameter");
  static const Symbol kTied = Symbol::get("tied");
  auto tensor = [&](const Op &op) -> std::optional<at::Tensor> {
    std::optional<at::Tensor> t = tensorOf(op);
    // An empty tensor has no entries to share (and may have no storage of
    // its own).
    if (!t || !t->defined() || !t->has_storage() || t->numel() == 0)
      return std::nullopt;
    return t;
  };
  // The layers' weights by storage (a storage may hold several weights side
  // by side), each owned by the first layer op in graph order holding it.
  std::unordered_map<const void *, std::vector<Owner>> owners;
  for (const Op &op : g.ops()) {
    if (!op.isModuleCall())
      continue;
    std::optional<at::Tensor> w = tensor(op);
    if (!w)
      continue;
    auto &list = owners[storageOf(*w)];
    bool known = false;
    for (const Owner &o : list)
      known |= sameTensorData(o.weight, *w);
    if (!known)
      list.push_back({&op, *w});
  }
  for (Op &op : g.ops()) {
    bool layer = op.isModuleCall();
    if (!layer && op.kind() != kParameter)
      continue;
    std::optional<at::Tensor> t = tensor(op);
    if (!t)
      continue;
    auto it = owners.find(storageOf(*t));
    if (it == owners.end())
      continue;
    const Owner *same = nullptr;
    for (const Owner &o : it->second) {
      if (sameTensorData(o.weight, *t)) {
        same = &o;
        break;
      }
      if (overlap(o.weight, *t))
        throw Error("'" + std::string(op.displayName()) + "' shares entries with the weight of '" +
                    std::string(o.op->modulePath().str()) +
                    "' through a different view (sizes, strides or offset differ): prunedep cannot tell which "
                    "entries of one are which of the other");
    }
    if (!same || (layer && same->op->modulePath() == op.modulePath()))
      continue; // no layer's weight, or the owner itself
    op.setAttr(kTied, Attribute(std::string(same->op->modulePath().str()) + ".weight"));
  }
}

} // namespace pd::ts
