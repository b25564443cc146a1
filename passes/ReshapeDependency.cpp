#include "passes/ReshapeDependency.h"

#include "passes/WalkSteps.h"

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
// The layers each walk found are kept in one flat array (an entry's are a
// slice of it), sorted by their rank in the index's name order, which is the
// order of their names without reading a name per comparison.
ReshapeDependency ReshapeDependency::compute(const LayerIndex &ix) {
  StepTable steps = weightLayerSteps(ix);
  constexpr uint32_t kNotView = ~0u;
  LargeVector<uint32_t> entryOf(ix.size(), kNotView);
  EpochMarks seenOp(ix.size()), seenLayer(ix.numLayers());
  std::vector<uint32_t> found;     // layer ids of the current walk
  LargeVector<uint32_t> foundAll;  // every entry's layer ids, entry after entry
  LargeVector<uint32_t> foundFrom; // entry e's are foundAll[foundFrom[e], foundFrom[e + 1])
  foundFrom.push_back(0);
  std::vector<uint32_t> work;

  ReshapeDependency out;
  auto addLayer = [&](uint32_t l) {
    if (seenLayer.mark(l))
      found.push_back(l);
  };
  for (uint32_t view = 0; view < ix.size(); ++view) {
    if (!ix.has(view, Trait::View))
      continue;
    seenOp.nextEpoch();
    seenLayer.nextEpoch();
    found.clear();
    seenOp.mark(view);
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
        if (!seenOp.mark(p))
          continue;
        Step s = steps[p];
        if (s == Step::Collect) {
          addLayer(ix.layerOf(p));
        } else if (s == Step::Pass) {
          if (entryOf[p] != kNotView) {
            for (uint32_t i = foundFrom[entryOf[p]]; i < foundFrom[entryOf[p] + 1]; ++i)
              addLayer(foundAll[i]);
          } else {
            work.push_back(p);
          }
        }
      }
    }
    const Op &op = ix.op(view);
    ReshapeEntry e{&op, displaySymbol(op), {}};
    std::sort(found.begin(), found.end(),
              [&](uint32_t a, uint32_t b) { return ix.nameRank(a) < ix.nameRank(b); });
    e.layers.reserve(found.size());
    for (uint32_t l : found)
      e.layers.push_back(ix.layer(l));
    entryOf[view] = static_cast<uint32_t>(out.ops_.size());
    out.ops_.push_back(std::move(e));
    foundAll.insert(foundAll.end(), found.begin(), found.end());
    foundFrom.push_back(static_cast<uint32_t>(foundAll.size()));
  }
  return out;
}

} // namespace pd
