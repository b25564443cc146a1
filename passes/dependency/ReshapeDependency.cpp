#include "passes/dependency/ReshapeDependency.h"

#include "passes/index/GraphWalk.h"
#include "passes/index/WalkSteps.h"

#include <algorithm>

namespace pd {

AnalysisKey ReshapeDependencyAnalysis::Key;

ReshapeDependencyAnalysis::Result ReshapeDependencyAnalysis::run(Graph &, AnalysisManager &am) {
  return ReshapeDependency::compute(am.getResult<LayerIndexAnalysis>());
}

// One walk per view, each with its own visited marks (epochs: no clearing).
// A walk that reaches an earlier view takes that view's answer and stops
// there, since everything above it is exactly that answer; so a chain of views
// is walked once, not once per view. Each walk covers the ops between its
// view and the nearest conv/linear layers or earlier views: linear in the graph
// when those regions are bounded, as they are in real models. (The answer
// itself can be quadratic: n views below one add of n convs list n each.)
//
// The layer ids each walk found are kept in one flat array (an entry's are a
// slice of it), sorted by their rank in the index's name order, which is the
// order of their names without reading a name per comparison. The views'
// names come from the index (displayName), not from the IR.
ReshapeDependency ReshapeDependency::compute(const LayerIndex &ix) {
  StepTable steps = weightLayerSteps(ix);
  ReshapeDependency out;
  LargeVector<uint32_t> &views = out.views_;
  for (uint32_t pos = 0; pos < ix.size(); ++pos)
    if (ix.isView(pos))
      views.push_back(pos);
  LargeVector<uint32_t> &foundFrom = out.layersFrom_;
  foundFrom.reserve(views.size() + 1);
  foundFrom.push_back(0);
  if (views.empty())
    return out; // no walk: no per-op state to allocate and clear

  // One word per op for both facts a walk asks of it (one array to clear and
  // to miss in, not two): kWalked | e for the view of entry e once walked,
  // otherwise the number of the last walk that reached the op. Walks are
  // numbered from 1 and there are fewer than 2^31 views (an Op alone is 56
  // bytes), so the two never meet.
  constexpr uint32_t kWalked = 1u << 31;
  LargeVector<uint32_t> state(ix.size(), 0);
  EpochMarks seenLayer(ix.numLayers());
  std::vector<uint32_t> found; // layer ids of the current walk
  LargeVector<uint32_t> &foundAll = out.layers_;
  out.names_.reserve(views.size());
  std::vector<uint32_t> work;

  auto addLayer = [&](uint32_t l) {
    if (seenLayer.mark(l))
      found.push_back(l);
  };
  for (uint32_t e = 0; e < views.size(); ++e) {
    const uint32_t view = views[e], walk = e + 1;
    seenLayer.nextEpoch();
    found.clear();
    state[view] = walk;
    // The view itself is checked like every other op (NNI starts its queue
    // with the view): a view that is a layer or a barrier has no parents.
    if (steps[view] == Step::Collect)
      addLayer(ix.layerOf(view));
    else if (steps[view] == Step::Pass)
      work.push_back(view);
    while (!work.empty()) {
      uint32_t pos = work.back();
      work.pop_back();
      for (uint32_t p : ix.preds(pos)) {
        const uint32_t st = state[p];
        if (st == walk)
          continue;
        const Step s = steps[p];
        if (st & kWalked) {
          // An earlier view: its answer. Left unmarked to keep its entry (a
          // second path to it adds the same layers, which seenLayer drops).
          const uint32_t earlier = st & ~kWalked;
          if (s == Step::Collect)
            addLayer(ix.layerOf(p));
          else if (s == Step::Pass)
            for (uint32_t i = foundFrom[earlier]; i < foundFrom[earlier + 1]; ++i)
              addLayer(foundAll[i]);
          continue;
        }
        state[p] = walk;
        if (s == Step::Collect)
          addLayer(ix.layerOf(p));
        else if (s == Step::Pass)
          work.push_back(p);
      }
    }
    state[view] = kWalked | e;
    std::sort(found.begin(), found.end(),
              [&](uint32_t a, uint32_t b) { return ix.nameRank(a) < ix.nameRank(b); });
    foundAll.insert(foundAll.end(), found.begin(), found.end());
    foundFrom.push_back(static_cast<uint32_t>(foundAll.size()));
    out.names_.push_back(ix.displayName(view));
  }
  return out;
}

} // namespace pd
