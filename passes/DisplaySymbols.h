// The display names of a few ops picked out by position (the views of
// reshape-dependency, the matmuls of attention-weight-dependency).
//
// displaySymbol(op) reads the Op and then, for a function op, its first
// result: two dependent loads from the IR per op. At 100k ops the IR is
// 20-28 MB and at a million 200-280 MB, beyond what this machine's caches
// hold for random reads, so each is a DRAM miss (about 150 ns), and one after
// the other they were half of reshape-dependency at 1M ops. A stream reads
// the names in order, with the op of the name wanted kAhead names on
// prefetched, and its result half that far on (by then its Op is in cache),
// so that a dozen misses are in flight instead of one; a caller that does
// its own work between names hides them behind that work too.
#pragma once
#include "passes/LayerIndex.h"

#include <llvm/ADT/ArrayRef.h>

#include <cstdint>

namespace pd {

class DisplaySymbolStream {
public:
  DisplaySymbolStream(const LayerIndex &ix, llvm::ArrayRef<uint32_t> positions)
      : ix_(ix), positions_(positions) {
    for (size_t i = 0; i < kAhead && i < positions_.size(); ++i)
      prefetchOp(i);
    for (size_t i = 0; i < kAhead / 2 && i < positions_.size(); ++i)
      prefetchResult(i);
  }

  // displaySymbol(ix.op(positions[i])) for the i-th call (i from 0), at most
  // positions.size() calls.
  Symbol next() {
    size_t i = next_++;
    if (i + kAhead < positions_.size())
      prefetchOp(i + kAhead);
    if (i + kAhead / 2 < positions_.size())
      prefetchResult(i + kAhead / 2);
    return displaySymbol(ix_.op(positions_[i]));
  }

private:
  static constexpr size_t kAhead = 32;

  void prefetchOp(size_t i) const {
    const char *at = reinterpret_cast<const char *>(&ix_.op(positions_[i]));
    // An Op is 56 bytes, its operand then result pointers right behind it:
    // for the ops asked about here (one or two operands, one result) the
    // result pointer ends by byte 80, which may be on a third line.
    __builtin_prefetch(at);
    __builtin_prefetch(at + 64);
    __builtin_prefetch(at + 79);
  }
  void prefetchResult(size_t i) const {
    const Op &op = ix_.op(positions_[i]);
    if (!(op.isModuleCall() && op.modulePath()) && op.numResults())
      // The name is 16 bytes in: on the value's first line or the next.
      __builtin_prefetch(reinterpret_cast<const char *>(op.result()) + 16);
  }

  const LayerIndex &ix_;
  llvm::ArrayRef<uint32_t> positions_;
  size_t next_ = 0;
};

} // namespace pd
