// Disjoint sets over dense element ids 0..n-1 (n < 2^31): the merge
// structure behind the dependency analyses (NNI merges its Python sets by
// hand and loses members). Union by size and path halving, both iterative:
// near-constant time per operation and no recursion whatever the depth of the
// forest. Four bytes per element: an element's parent, or, for a leader, its
// set's size with the top bit set (channel-groups holds one element per
// channel index of the model, tens of millions at the limit).
// llvm::EquivalenceClasses keeps a std::set node per member, too heavy for a
// million-op graph. The elements live in a LargeVector (ir/LargeArray.h):
// at a million ops an analysis' union-find is megabytes, which a std::vector
// would get from fresh pages (a page fault and clear per 4 KiB) on every run.
#pragma once
#include "ir/LargeArray.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace pd {

class UnionFind {
public:
  explicit UnionFind(uint32_t n = 0) { reset(n); }

  void reset(uint32_t n) { link_.assign(n, kLeader | 1); }
  uint32_t size() const { return static_cast<uint32_t>(link_.size()); }
  // Appends `n` singleton elements.
  void grow(uint32_t n) { link_.resize(link_.size() + n, kLeader | 1); }

  uint32_t find(uint32_t x) {
    while (!(link_[x] & kLeader)) {
      uint32_t p = link_[x];
      if (link_[p] & kLeader)
        return p;
      link_[x] = link_[p]; // path halving: x skips to its grandparent
      x = link_[p];
    }
    return x;
  }
  // Merges the sets of a and b; returns the new leader (the larger set's; a's
  // on a tie).
  uint32_t unite(uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b)
      return a;
    if (setSize(a) < setSize(b))
      std::swap(a, b);
    link_[a] = kLeader | (setSize(a) + setSize(b));
    link_[b] = a;
    return a;
  }
  bool same(uint32_t a, uint32_t b) { return find(a) == find(b); }

  // Ends the structure: numbers the classes of elements 0..n-1 densely, in
  // the order of their first element, and returns each element's number
  // (`numClasses` gets the count; the structure is left empty). The numbers
  // are written over the leaders' own entries once every find is done, so no
  // table by leader is needed: at a million ops that table was megabytes to
  // clear and to read at random.
  LargeVector<uint32_t> takeClassNumbers(uint32_t n, uint32_t &numClasses) {
    LargeVector<uint32_t> number(n);
    for (uint32_t x = 0; x < n; ++x)
      number[x] = find(x);
    uint32_t next = 0;
    for (uint32_t x = 0; x < n; ++x) {
      // A leader's entry holds its size (leader bit set) until its class
      // is numbered, then the number (below 2^31: no leader bit).
      uint32_t &entry = link_[number[x]];
      if (entry & kLeader)
        entry = next++;
      number[x] = entry;
    }
    numClasses = next;
    LargeVector<uint32_t>().swap(link_);
    return number;
  }

  // Ends the structure: returns every element's leader (the structure is
  // left empty). The leaders are computed in place, then copied out once into
  // the std::vector its callers (channel-groups) keep.
  std::vector<uint32_t> takeLeaders() {
    for (uint32_t x = 0; x < size(); ++x) {
      uint32_t r = x;
      // Entries before x already hold their leader, and a leader's own
      // entry is its size (not yet visited) or itself (visited).
      while (!(link_[r] & kLeader) && link_[r] != r)
        r = link_[r];
      link_[x] = r;
    }
    std::vector<uint32_t> leaders(link_.begin(), link_.end());
    LargeVector<uint32_t>().swap(link_);
    return leaders;
  }

private:
  static constexpr uint32_t kLeader = uint32_t(1) << 31;
  uint32_t setSize(uint32_t leader) const { return link_[leader] & ~kLeader; }
  LargeVector<uint32_t> link_;
};

} // namespace pd
