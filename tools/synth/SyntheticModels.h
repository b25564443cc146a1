// Synthetic model graphs of a chosen shape and size, for benchmarks and the
// scale tests: ResNet-like residual chains, DenseNet-like concatenation fan-in,
// MobileNet-like depthwise/grouped blocks with SE gates, and transformer
// stacks with attention. Built directly in memory with consistent shapes, so
// every analysis has real work to do.
#pragma once
#include "ir/Graph.h"

#include <memory>
#include <string>
#include <vector>

namespace pd {

enum class SyntheticShape { ResNet, DenseNet, MobileNet, Transformer };

std::vector<std::string> syntheticShapeNames();
// Throws pd::Error for an unknown name.
SyntheticShape parseSyntheticShape(const std::string &name);
std::string syntheticShapeName(SyntheticShape s);

// A graph of `shape` with at least `minOps` ops (it stops after the block
// that crosses the count).
std::unique_ptr<Graph> buildSyntheticModel(SyntheticShape shape, size_t minOps);

} // namespace pd
