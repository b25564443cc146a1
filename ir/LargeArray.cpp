#include "ir/LargeArray.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>

namespace pd {
namespace {

constexpr size_t kHugePage = size_t(2) << 20;
// Freed blocks kept for reuse, at most this many bytes: several runs of the
// whole pipeline over a 1M-op graph need about 200 MB at once.
constexpr size_t kMaxCachedBytes = size_t(1) << 30;

size_t roundUp(size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }

struct Block {
  char *at;
  size_t size; // a multiple of kHugePage
};

struct Cache {
  std::mutex lock;
  std::vector<Block> free; // never coalesced: blocks come back in the sizes handed out
  size_t bytes = 0;
};

Cache &cache() {
  static Cache *c = new Cache; // never destroyed: arrays may be freed during exit
  return *c;
}

// A fresh 2 MiB-aligned mapping of `size` bytes advised for huge pages.
char *mapBlock(size_t size) {
  size_t span = size + kHugePage;
  void *p = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    throw std::bad_alloc();
  char *raw = static_cast<char *>(p);
  char *at = reinterpret_cast<char *>(
      (reinterpret_cast<uintptr_t>(raw) + kHugePage - 1) / kHugePage * kHugePage);
  if (at != raw)
    munmap(raw, static_cast<size_t>(at - raw));
  if (size_t tail = static_cast<size_t>(raw + span - (at + size)))
    munmap(at + size, tail);
  // Huge pages are only a speed-up: a kernel without them still maps the block.
  madvise(at, size, MADV_HUGEPAGE);
  return at;
}

} // namespace

void *allocateLargeArray(size_t bytes) {
  if (bytes > SIZE_MAX - 2 * kHugePage)
    throw std::bad_alloc();
  size_t size = roundUp(bytes);
  Cache &c = cache();
  {
    std::lock_guard<std::mutex> hold(c.lock);
    // Best fit; a bigger block is split and its tail stays cached.
    auto best = c.free.end();
    for (auto it = c.free.begin(); it != c.free.end(); ++it)
      if (it->size >= size && (best == c.free.end() || it->size < best->size))
        best = it;
    if (best != c.free.end()) {
      char *at = best->at;
      c.bytes -= size;
      if (best->size > size) {
        best->at += size;
        best->size -= size;
      } else {
        *best = c.free.back();
        c.free.pop_back();
      }
      return at;
    }
  }
  return mapBlock(size);
}

void deallocateLargeArray(void *p, size_t bytes) noexcept {
  if (!p)
    return;
  size_t size = roundUp(bytes);
  Cache &c = cache();
  std::lock_guard<std::mutex> hold(c.lock);
  if (c.bytes + size > kMaxCachedBytes) {
    munmap(p, size);
    return;
  }
  // The pages stay mapped and, unless memory runs short, filled: the next
  // array written there takes no fault.
  madvise(p, size, MADV_FREE);
  c.free.push_back({static_cast<char *>(p), size});
  c.bytes += size;
}

size_t largeArrayCacheBytes() {
  Cache &c = cache();
  std::lock_guard<std::mutex> hold(c.lock);
  return c.bytes;
}

void releaseLargeArrayCache() {
  Cache &c = cache();
  std::lock_guard<std::mutex> hold(c.lock);
  for (const Block &b : c.free)
    munmap(b.at, b.size);
  c.free.clear();
  c.bytes = 0;
}

namespace {
std::atomic<size_t> arenaBytes{0};
constexpr size_t kFirstArenaBlock = size_t(16) << 10;
} // namespace

size_t arenaMappedBytes() { return arenaBytes.load(std::memory_order_relaxed); }

void *Arena::allocate(size_t bytes, size_t align) {
  auto fits = [&] {
    uintptr_t at = (reinterpret_cast<uintptr_t>(next_) + align - 1) / align * align;
    return next_ && at + bytes <= reinterpret_cast<uintptr_t>(end_);
  };
  if (!fits()) {
    size_t size = blocks_.empty() ? kFirstArenaBlock : std::min(2 * blocks_.back().size, kHugePage);
    if (bytes + align > size)
      size = bytes + align;
    char *at;
    if (size >= kHugePage) {
      size = roundUp(size);
      at = mapBlock(size);
      mapped_ += size;
      arenaBytes += size;
    } else {
      at = static_cast<char *>(::operator new(size));
    }
    blocks_.push_back({at, size});
    next_ = at;
    end_ = at + size;
  }
  char *at = reinterpret_cast<char *>((reinterpret_cast<uintptr_t>(next_) + align - 1) / align * align);
  next_ = at + bytes;
  return at;
}

Arena::~Arena() {
  for (const Block &b : blocks_) {
    if (b.size >= kHugePage) {
      munmap(b.at, b.size);
      arenaBytes -= b.size;
    } else {
      ::operator delete(b.at);
    }
  }
}

} // namespace pd
