#include "passes/InputChannelDependency.h"

#include "passes/WalkSteps.h"

namespace pd {

AnalysisKey InputChannelDependencyAnalysis::Key;

InputChannelDependencyAnalysis::Result InputChannelDependencyAnalysis::run(Graph &g,
                                                                           AnalysisManager &am) {
  return computeInputChannelDependency(g, am.getResult<LayerIndexAnalysis>());
}

// NNI walks down from every tensor t and merges F(t), the layers it reaches.
// For an op u passing t through to its result r, F(r) is part of F(t). So the
// same partition comes from uniting t with each layer that reads it and with
// the result of each op that passes it on - but only when that result reaches
// a layer at all: two inputs of an add whose sum feeds nothing share no layer,
// and NNI keeps them apart. One reverse sweep: when an op is reached, every
// user of its results has been, so whether a result reaches a layer is known.
DependencySets computeInputChannelDependency(const Graph &g, const LayerIndex &ix) {
  StepTable steps = weightLayerChannelSteps(ix);
  const uint32_t numLayers = ix.numLayers();
  UnionFind uf(numLayers + g.valueIdBound());
  LargeVector<uint8_t> reaches(g.valueIdBound(), 0); // by value id
  // Value ids come from the index (operandValues, resultValues): no Op or
  // Value is read here.
  for (uint32_t pos = ix.size(); pos-- > 0;) {
    Step s = steps[pos];
    if (s == Step::Stop)
      continue;
    llvm::ArrayRef<uint32_t> operands = ix.operandValues(pos), results = ix.resultValues(pos);
    bool collects = false;
    for (uint32_t v : operands) {
      if (s == Step::Collect) {
        uf.unite(numLayers + v, ix.layerOf(pos));
        collects = true;
      } else {
        for (uint32_t r : results)
          if (reaches[r]) {
            uf.unite(numLayers + v, numLayers + r);
            collects = true;
          }
      }
    }
    if (collects)
      for (uint32_t v : operands)
        reaches[v] = 1;
  }
  return DependencySets::fromClasses(ix, std::move(uf), traitSet({Trait::ChannelTarget, Trait::WeightLayer}));
}

} // namespace pd
