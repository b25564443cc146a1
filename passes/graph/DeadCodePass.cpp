// dce: erases ops none of whose results is used or returned. Ops whose rule
// is unknown are erased too: an op with unused results cannot tie channels.
#include "passes/core/Pass.h"

#include <algorithm>

namespace pd {
namespace {
class DeadCodePass : public Pass {
public:
  PreservedAnalyses run(Graph &g, AnalysisManager &, PassContext &) override {
    std::vector<uint8_t> isOutput(g.valueIdBound(), 0);
    for (Value *v : g.outputs())
      isOutput[v->id()] = 1;
    auto dead = [&](const Op &op) {
      return std::none_of(op.results().begin(), op.results().end(),
                          [&](Value *r) { return r->hasUses() || isOutput[r->id()]; });
    };
    // One backwards sweep suffices: users come after producers in the list,
    // so when an op is visited all its users have already been decided.
    std::vector<Op *> order;
    for (Op &op : g.ops())
      order.push_back(&op);
    bool changed = false;
    for (auto it = order.rbegin(); it != order.rend(); ++it)
      if (dead(**it)) {
        g.eraseOp(*it);
        changed = true;
      }
    return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createDeadCodePass() { return std::make_unique<DeadCodePass>(); }
std::vector<PassOptionInfo> DeadCodePassOptions() { return {}; }

} // namespace pd
