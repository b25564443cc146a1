// Shapes without running the model: a module traced in this process (the
// Python API's case) still carries, on every value torch.jit.trace computed,
// the complete type it saw: Float(1, 64, 56, 56). When the inputs given now
// have exactly the traced shapes and dtypes, those types ARE what a forward
// pass would record, and reading them costs microseconds instead of the
// forward's hundreds of milliseconds (resnet50) or seconds (vit_b_16).
//
// What the types do not hold is computed, not guessed: the non-tensor values
// (aten::size results, size arithmetic, lists feeding view sizes, chunk
// pieces) are evaluated by running only the slice of the graph they depend
// on, with each tensor it reads replaced by a meta tensor (shape and dtype,
// no data) of its traced type. Any op in that slice that needs tensor data
// fails on a meta tensor, and then the caller runs the forward as before.
#pragma once
#include "frontends/torchscript/ShapeRecorder.h"

#include <optional>
#include <string>
#include <vector>

namespace pd::ts {

// The recording a forward pass on `inputs` (the forward's arguments without
// self) would make, read from the traced types; nullopt when they cannot
// give it, with the reason in *whyNot (for messages and tests): a scripted
// module (no shapes in its types), inputs that differ from the traced ones,
// control flow, an op whose result's shape depends on tensor data
// (torch.nonzero, x[mask], unique, ...: the trace saw its example data only),
// or a size computed from tensor data.
// Whether the forward's graph types its tensor arguments with complete
// shapes, as a module traced in this process does (a scripted module or one
// loaded from a file does not): recordFromTracedTypes may then succeed, and
// the forward need not be inlined into a copy to be run.
bool hasTracedInputShapes(const torch::jit::Graph &forward);

std::optional<Recording> recordFromTracedTypes(const InlinedForward &fwd,
                                               const std::vector<c10::IValue> &inputs,
                                               std::string *whyNot);

} // namespace pd::ts
