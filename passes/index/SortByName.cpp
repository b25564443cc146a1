#include "passes/index/SortByName.h"

#include "ir/LargeArray.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace pd {
namespace {

struct Keyed {
  uint64_t key; // the current 8-byte chunk of the name
  uint32_t item;
  uint32_t size; // the name's length: a run's tie check reads no name
};

// How far ahead the loops that read names in sorted order (at random in
// memory) prefetch: the item, then the name's bytes it points to.
constexpr size_t kItemAhead = 16, kNameAhead = 8;

// Bytes [8 * chunk, 8 * chunk + 8) of `s`, big-endian, zero-padded: integer
// order of chunks is byte order of the names, a shorter name first.
uint64_t chunkAt(std::string_view s, size_t chunk) {
  uint64_t key = 0;
  size_t at = chunk * 8;
  if (at + 8 <= s.size()) {
    std::memcpy(&key, s.data() + at, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    key = __builtin_bswap64(key); // the first byte must be the most significant
#endif
    return key;
  }
  for (size_t i = 0; i < 8; ++i)
    key = (key << 8) | (at + i < s.size() ? static_cast<unsigned char>(s[at + i]) : 0u);
  return key;
}

// Sorts by key: LSD radix over bytes for large ranges (linear; the bytes
// every key shares, like the common prefix of a run, cost no pass), std::sort
// for small ones.
void sortKeys(Keyed *first, Keyed *last, LargeVector<Keyed> &tmp) {
  size_t n = static_cast<size_t>(last - first);
  if (n < 256) {
    std::sort(first, last, [](const Keyed &a, const Keyed &b) { return a.key < b.key; });
    return;
  }
  constexpr int kDigits = 8;
  uint32_t counts[kDigits][256] = {};
  for (Keyed *k = first; k != last; ++k)
    for (int d = 0; d < kDigits; ++d)
      ++counts[d][(k->key >> (8 * d)) & 0xff];
  tmp.resize(std::max(tmp.size(), n));
  Keyed *from = first, *to = tmp.data();
  for (int d = 0; d < kDigits; ++d) {
    uint32_t *c = counts[d];
    if (c[(first->key >> (8 * d)) & 0xff] == n)
      continue; // every key has this byte
    uint32_t sum = 0;
    for (int b = 0; b < 256; ++b) {
      uint32_t here = c[b];
      c[b] = sum;
      sum += here;
    }
    for (Keyed *k = from; k != from + n; ++k)
      to[c[(k->key >> (8 * d)) & 0xff]++] = *k;
    std::swap(from, to);
  }
  if (from != first)
    std::copy(from, from + n, first);
}

} // namespace

void sortByName(llvm::MutableArrayRef<std::pair<std::string_view, uint32_t>> items) {
  // LargeVectors: at a million layers these are tens of MB, which a
  // std::vector would take from fresh pages on every index build.
  LargeVector<Keyed> keyed(items.size()), tmp;
  for (uint32_t i = 0; i < items.size(); ++i)
    keyed[i] = {chunkAt(items[i].first, 0), i, static_cast<uint32_t>(items[i].first.size())};
  struct Range {
    size_t lo, hi, chunk;
  };
  std::vector<Range> work{{0, keyed.size(), 0}};
  while (!work.empty()) {
    Range r = work.back();
    work.pop_back();
    if (r.chunk > 0)
      for (size_t i = r.lo; i < r.hi; ++i) {
        // The items of a run are scattered: fetch ahead, the item first and
        // its name's chunk once the item is there.
        if (i + kItemAhead < r.hi)
          __builtin_prefetch(&items[keyed[i + kItemAhead].item]);
        if (i + kNameAhead < r.hi)
          __builtin_prefetch(items[keyed[i + kNameAhead].item].first.data() + r.chunk * 8);
        keyed[i].key = chunkAt(items[keyed[i].item].first, r.chunk);
      }
    sortKeys(keyed.data() + r.lo, keyed.data() + r.hi, tmp);
    // Runs tied on this chunk are ordered by the next one, unless every name
    // in the run ends within this chunk (then they are equal).
    for (size_t i = r.lo; i < r.hi;) {
      size_t j = i + 1;
      bool longer = keyed[i].size > (r.chunk + 1) * 8;
      while (j < r.hi && keyed[j].key == keyed[i].key) {
        longer |= keyed[j].size > (r.chunk + 1) * 8;
        ++j;
      }
      if (j - i > 1 && longer)
        work.push_back({i, j, r.chunk + 1});
      i = j;
    }
  }
  LargeVector<std::pair<std::string_view, uint32_t>> sorted;
  sorted.reserve(items.size());
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (i + kItemAhead < keyed.size())
      __builtin_prefetch(&items[keyed[i + kItemAhead].item]);
    sorted.push_back(items[keyed[i].item]);
  }
  std::copy(sorted.begin(), sorted.end(), items.begin());
}

} // namespace pd
