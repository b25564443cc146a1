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
// that crosses the count). `width` sets the channel width its other widths
// follow (resnet's and mobilenet's residual stream, densenet's growth rate,
// the transformer's model dim, rounded up to its 4 heads); 0 keeps the
// shape's own (64, 32, 32, 64). channel-groups' work grows with the
// channels, so its scale test uses narrow graphs.
std::unique_ptr<Graph> buildSyntheticModel(SyntheticShape shape, size_t minOps, int64_t width = 0);

} // namespace pd
