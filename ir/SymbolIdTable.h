// One entry per interned name of a single input or graph, indexed by symbol
// id. Names are interned in input order, so the ids of nearby lines are
// nearby and a flat array reads them in sequence (a hash map would scatter
// them); but ids count every name the process ever interned, so ids far above
// what this input can hold (a small graph in a process that interned a million
// names) go to a hash map: the memory follows the input, not the process.
#pragma once
#include "ir/LargeArray.h"

#include <llvm/ADT/DenseMap.h>

#include <algorithm>
#include <cstdint>

namespace pd {

template <typename T> class SymbolIdTable {
public:
  // Ids below `limit` live in the array, which starts with `initial` entries.
  SymbolIdTable(size_t limit, size_t initial) : limit_(limit), dense_(std::min(initial, limit), T()) {}

  // The entry of `id`, T() if it was never set.
  T get(uint32_t id) const {
    if (id < dense_.size())
      return dense_[id];
    auto far = far_.find(id);
    return far == far_.end() ? T() : far->second;
  }
  // The entry of `id`, made T() first if absent.
  T &at(uint32_t id) {
    if (id >= dense_.size() && id < limit_)
      dense_.resize(std::min(std::max<size_t>(id + 1, 2 * dense_.size()), limit_), T());
    return id < dense_.size() ? dense_[id] : far_[id];
  }

private:
  size_t limit_;
  LargeVector<T> dense_;
  llvm::DenseMap<uint32_t, T> far_;
};

} // namespace pd
