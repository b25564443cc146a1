// Sorting layer names, the one step of the dependency outputs that is not a
// linear walk: every set is printed sorted, and a million-layer graph has a
// million names, most sharing long prefixes (`layer3.17.conv`). A comparison
// sort spends its time in memcmp on scattered strings; this radix-sorts 8-byte
// big-endian chunks of the names as integers instead, most significant chunk
// first, and only runs that tie on a chunk look at the next one: linear in
// the bytes that tell the names apart.
#pragma once
#include <llvm/ADT/ArrayRef.h>

#include <cstdint>
#include <string_view>
#include <utility>

namespace pd {

// Sorts by name (byte-wise, as std::string_view compares); equal names keep
// no particular order.
void sortByName(llvm::MutableArrayRef<std::pair<std::string_view, uint32_t>> items);

} // namespace pd
