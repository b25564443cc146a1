// Readable, unique value names for the lowered graph.
//
// A module op's result is named by its module path (`layer1.0.conv1`), a
// function op's by its scope and short kind (`layer1.0.add`); a second use of
// the same base gets `_1`, then `_2`, ... so every name is unique (the text
// format needs that) and still says where the value comes from.
#pragma once
#include "ir/Symbol.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>

#include <string>
#include <string_view>

namespace pd::ts {

class NameTable {
public:
  // `base` if unused, else the first free `base_N` (N = 1, 2, ...).
  Symbol unique(const std::string &base);

private:
  // By symbol id: a name is interned once, whether it is taken or not, and
  // the interned id is what the lowering needs anyway.
  llvm::DenseSet<uint32_t> used_;
  llvm::DenseMap<uint32_t, unsigned> nextSuffix_; // per base
};

// `aten::relu_` -> `relu`, `aten::__and__` -> `and`, `prim::Param` -> `Param`:
// the op kind without namespace and without the in-place/dunder underscores.
std::string shortKind(std::string_view kind);

// `scope.leaf` or just `leaf` at the top level.
std::string joinPath(std::string_view scope, std::string_view leaf);

} // namespace pd::ts
