// Disjoint sets over dense element ids 0..n-1: the merge structure behind the
// dependency analyses (NNI merges its Python sets by hand and loses members).
// Union by size and path halving, both iterative: near-constant time per
// operation and no recursion whatever the depth of the forest. Four bytes of
// parent plus four of size per element; llvm::EquivalenceClasses keeps a
// std::set node per member, too heavy for a million-op graph.
#pragma once
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace pd {

class UnionFind {
public:
  explicit UnionFind(uint32_t n = 0) { reset(n); }

  void reset(uint32_t n) {
    parent_.resize(n);
    std::iota(parent_.begin(), parent_.end(), 0u);
    size_.assign(n, 1);
  }
  uint32_t size() const { return static_cast<uint32_t>(parent_.size()); }
  // Appends `n` singleton elements.
  void grow(uint32_t n) {
    uint32_t old = size();
    parent_.resize(old + n);
    std::iota(parent_.begin() + old, parent_.end(), old);
    size_.resize(old + n, 1);
  }

  uint32_t find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  // Merges the sets of a and b; returns the new leader.
  uint32_t unite(uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b)
      return a;
    if (size_[a] < size_[b])
      std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return a;
  }
  bool same(uint32_t a, uint32_t b) { return find(a) == find(b); }

private:
  std::vector<uint32_t> parent_;
  std::vector<uint32_t> size_;
};

} // namespace pd
