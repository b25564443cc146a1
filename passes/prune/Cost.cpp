#include "passes/prune/Cost.h"

#include "passes/channels/ChannelMaps.h"

#include <vector>

namespace pd {
namespace {

// Product of the dims, or -1 when one is unknown or the product overflows.
int64_t product(const std::vector<int64_t> &dims, size_t from = 0) {
  int64_t n = 1;
  for (size_t i = from; i < dims.size(); ++i)
    if (dims[i] < 0 || __builtin_mul_overflow(n, dims[i], &n))
      return -1;
  return n;
}

class Counter {
public:
  explicit Counter(const Pruning *p) : p_(p) {}

  std::vector<int64_t> shape(const Value *v) const { return p_ ? p_->predictedShape(v) : v->type()->shape(); }
  // The last dim of tensor `v`, or -1.
  int64_t lastDim(const Value *v) const {
    if (!v->type()->isTensor() || v->type()->rank() == 0)
      return -1;
    return shape(v).back();
  }

  int64_t conv(const Op &op, const ChannelMap &map) const {
    std::optional<ConvFacts> f = convFacts(op, map);
    if (!f)
      return -1;
    // Whole groups go (depthwise) or every group shrinks alike: the
    // channels one output sees are the group's, before or after.
    int64_t inPerGroup = f->dropsGroups() ? f->in / f->groups : shape(op.operand(0))[f->channelDim] / f->groups;
    return mul(mul(product(shape(op.result())), inPerGroup), kernelSize(op));
  }

  // kernel_size of a layer; the weight operand's trailing dims for a
  // function conv; else 1.
  static int64_t kernelSize(const Op &op) {
    if (const Attribute *k = op.attr("kernel_size"))
      if (std::optional<std::vector<int64_t>> dims = k->asInts())
        return product(*dims);
    if (!op.isModuleCall() && op.numOperands() > 1 && op.operand(1)->type()->isTensor())
      return product(op.operand(1)->type()->shape(), 2);
    return 1;
  }

  static int64_t mul(int64_t a, int64_t b) {
    int64_t r;
    return a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r) ? -1 : r;
  }

private:
  const Pruning *p_;
};

} // namespace

int64_t countMacs(const Graph &g, const OpRegistry &registry, const Pruning *p) {
  Counter c(p);
  int64_t total = 0;
  for (const Op &op : g.ops()) {
    const OpRule *rule = registry.lookup(op.kind());
    if (!rule || !rule->channelMap || op.numResults() == 0 || op.numOperands() == 0 ||
        !op.result()->type()->isTensor())
      continue;
    int64_t n = -1;
    switch (rule->channelMap->kind) {
    case ChannelMapKind::Conv:
      n = c.conv(op, *rule->channelMap);
      break;
    case ChannelMapKind::Linear:
    case ChannelMapKind::Matmul:
      // linear(x, W): x's last dim; A @ B: A's last dim is the one summed.
      n = Counter::mul(product(c.shape(op.result())), c.lastDim(op.operand(0)));
      break;
    case ChannelMapKind::Addmm:
      if (op.numOperands() > 1)
        n = Counter::mul(product(c.shape(op.result())), c.lastDim(op.operand(1)));
      break;
    default:
      break;
    }
    if (n > 0 && __builtin_add_overflow(total, n, &total))
      total = INT64_MAX;
  }
  return total;
}

} // namespace pd
