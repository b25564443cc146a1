// Building our IR from the inlined, recorded forward.
//
// Walks the top-level nodes once. A leaf module call becomes one module op
// (`nn.Conv2d`, with its hyper-parameters), and so does a layer used through
// its tensors (F.linear on out_proj's weight and bias: FunctionalLayers.h);
// an aten op producing a tensor
// becomes a function op whose constant arguments are attributes named by the
// op's schema. Everything else is plumbing and is folded away, as NNI's
// unpack_manually does: constants, GetAttr, list/tuple/dict construction and
// unpacking, and every non-tensor value (sizes, size arithmetic through
// prim::NumToTensor/aten::Int, flags), whose value the recording run knows.
// Parameters and buffers used by function ops (ViT's pos_embedding) become
// `prim::Parameter` ops, large tensor constants `prim::Constant` ops, so
// every tensor operand has a definition and a shape.
#pragma once
#include "frontends/torchscript/ModuleInliner.h"
#include "frontends/torchscript/ShapeRecorder.h"
#include "ir/Graph.h"

#include <memory>
#include <string>
#include <vector>

namespace pd::ts {

// Throws pd::Error naming the TorchScript node kind and module path of what
// cannot be lowered (a loop, a value the run did not record, ...).
std::unique_ptr<Graph> lowerToIR(const InlinedForward &fwd, const Recording &rec,
                                 const std::string &graphName, std::vector<std::string> &warnings);

} // namespace pd::ts
