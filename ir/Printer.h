// The `.pdir` text format, printing side. Grammar (one op per line):
//
//   graph @name(%in: f32[1,3,224,224], ...) {
//     %r: f32[1,64,112,112] = nn.Conv2d(%in) {out_channels = 64, ...} module "conv1"
//     %s: f32[1,64,56,56] = aten::add(%a, %b) {alpha = 1} scope "layer1.0" : BasicBlock
//     %u: f32[2], %v: f32[2] = aten::chunk(%t) {chunks = 2, dim = 0} loc("m.py":3:9)
//     return %s
//   }
//
// Every op prints in this one generic form, known to a rule or not, so any
// graph prints and re-parses, and print -> parse -> print is byte-identical.
#pragma once
#include "ir/Graph.h"

#include <ostream>
#include <string>

namespace pd {

void printGraph(const Graph &g, std::ostream &os);
std::string printGraph(const Graph &g);
// `%name`, quoted when the name has characters outside [A-Za-z0-9_.$].
std::string valueRef(const Value *v);
// One op line without indentation or newline (used by messages and --explain).
std::string printOp(const Op &op);

} // namespace pd
