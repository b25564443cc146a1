// The memory of the per-op arrays (ir/LargeArray.h): big blocks are 2 MiB
// aligned, come back for reuse when freed, and a bigger cached block is split.
#include "ir/LargeArray.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <numeric>

using namespace pd;

namespace {
constexpr size_t kTwoMiB = size_t(2) << 20;
bool hugeAligned(const void *p) { return reinterpret_cast<uintptr_t>(p) % kTwoMiB == 0; }
} // namespace

TEST_CASE("a freed large array's block is reused by the next one, contents rewritten") {
  releaseLargeArrayCache();
  const void *first;
  {
    LargeVector<uint32_t> a(1 << 20); // 4 MiB
    CHECK(hugeAligned(a.data()));
    std::iota(a.begin(), a.end(), 0u);
    CHECK(a[12345] == 12345u);
    first = a.data();
  }
  CHECK(largeArrayCacheBytes() == 2 * kTwoMiB);
  LargeVector<uint32_t> b(1 << 20, 7u);
  CHECK(b.data() == first);
  CHECK(largeArrayCacheBytes() == 0);
  CHECK(std::accumulate(b.begin(), b.end(), uint64_t(0)) == uint64_t(7) << 20);
}

TEST_CASE("a bigger cached block is split and its rest stays cached") {
  releaseLargeArrayCache();
  const char *start;
  {
    LargeVector<char> big(4 * kTwoMiB);
    start = big.data();
  }
  CHECK(largeArrayCacheBytes() == 4 * kTwoMiB);
  LargeVector<char> head(kTwoMiB, 'h'); // takes the first 2 MiB
  CHECK(head.data() == start);
  CHECK(largeArrayCacheBytes() == 3 * kTwoMiB);
  LargeVector<char> rest(3 * kTwoMiB - 100, 'r'); // rounded up: the remaining 6 MiB
  CHECK(rest.data() == start + kTwoMiB);
  CHECK(largeArrayCacheBytes() == 0);
  CHECK(head.back() == 'h');
  CHECK(rest.front() == 'r');
}

TEST_CASE("small arrays do not use the cache; a growing vector recycles its old blocks") {
  releaseLargeArrayCache();
  {
    LargeVector<uint8_t> small(kLargeArrayBytes - 1, 1);
    CHECK(small.back() == 1);
  }
  CHECK(largeArrayCacheBytes() == 0);
  {
    LargeVector<uint64_t> grown;
    for (uint64_t i = 0; i < (uint64_t(1) << 20); ++i) // 8 MiB at the end
      grown.push_back(i);
    CHECK(grown[(1 << 20) - 1] == (1 << 20) - 1);
    CHECK(hugeAligned(grown.data()));
  }
  // Every step of the growth from 2 MiB on is cached: 2 + 4 + 8 MiB.
  CHECK(largeArrayCacheBytes() == 7 * kTwoMiB);
  releaseLargeArrayCache();
  CHECK(largeArrayCacheBytes() == 0);
}

TEST_CASE("an arena lays objects end to end, aligned, and maps huge blocks only when big") {
  const size_t before = arenaMappedBytes();
  {
    Arena arena;
    // Small graphs stay in small heap blocks.
    char *a = static_cast<char *>(arena.allocate(100, 8));
    char *b = static_cast<char *>(arena.allocate(100, 8));
    CHECK(b == a + 104); // next 8-aligned address
    auto *c = static_cast<uint64_t *>(arena.allocate(sizeof(uint64_t), alignof(uint64_t)));
    CHECK(reinterpret_cast<uintptr_t>(c) % alignof(uint64_t) == 0);
    CHECK(arena.mappedBytes() == 0);
    // A deque of 480-byte nodes grows into 2 MiB huge-page blocks.
    std::vector<char *> nodes;
    for (int i = 0; i < 20000; ++i)
      nodes.push_back(static_cast<char *>(arena.allocate(480, 8)));
    CHECK(arena.mappedBytes() >= kTwoMiB);
    CHECK(arenaMappedBytes() == before + arena.mappedBytes());
    size_t adjacent = 0;
    for (size_t i = 1; i < nodes.size(); ++i)
      adjacent += nodes[i] == nodes[i - 1] + 480;
    CHECK(adjacent + 20 > nodes.size()); // a gap only where a block ends
    for (char *n : nodes)
      n[479] = 1; // all writable
  }
  CHECK(arenaMappedBytes() == before);
}
