#include "passes/GraphWalk.h"

#include <cassert>

namespace pd {

LargeVector<uint8_t> collectsUpward(const LayerIndex &ix, const StepTable &steps) {
  LargeVector<uint8_t> found(ix.size(), 0);
  for (uint32_t pos = 0; pos < ix.size(); ++pos) {
    Step s = steps[pos];
    if (s == Step::Collect) {
      found[pos] = 1;
    } else if (s == Step::Pass) {
      uint8_t any = 0;
      for (uint32_t p : ix.preds(pos))
        any |= found[p];
      found[pos] = any;
    }
  }
  return found;
}

UpwardJoiner::UpwardJoiner(const LayerIndex &ix, const StepTable &steps, UnionFind &uf,
                           uint32_t base)
    : ix_(ix), steps_(steps), uf_(uf), base_(base), found_(collectsUpward(ix, steps)),
      expanded_(ix.size(), 0) {
  assert(uf.size() >= base + ix.size());
}

void UpwardJoiner::visit(uint32_t into, uint32_t pos) {
  if (!found_[pos])
    return; // nothing upstream: never unite through it (NNI adds nothing either)
  if (steps_[pos] == Step::Collect) {
    assert(ix_.layerOf(pos) != LayerIndex::kNoLayer);
    uf_.unite(into, ix_.layerOf(pos));
    return;
  }
  uf_.unite(into, cell(pos));
  if (expanded_[pos])
    return; // an earlier walk already put everything above it in one class
  expanded_[pos] = 1;
  work_.push_back(pos);
}

void UpwardJoiner::drain(uint32_t into) {
  while (!work_.empty()) {
    uint32_t pos = work_.back();
    work_.pop_back();
    for (uint32_t p : ix_.preds(pos))
      visit(into, p);
  }
}

void UpwardJoiner::joinFrom(uint32_t into, uint32_t pos) {
  visit(into, pos);
  drain(into);
}

void UpwardJoiner::joinFromPredecessors(uint32_t into, uint32_t pos) {
  for (uint32_t p : ix_.preds(pos))
    visit(into, p);
  drain(into);
}

} // namespace pd
