// Memory for the per-op side tables of big graphs.
//
// At a million ops every analysis run allocates tens of MB of arrays indexed
// by op position (steps, marks, edge lists, per-op results). glibc serves
// blocks that big with fresh mmap()ed 4 KiB pages and unmaps them on free, so
// each run pays a page fault and a kernel page clear per 4 KiB touched, and
// the walks along the graph's edges miss the TLB on most random accesses. At
// 100k ops the same arrays come out of glibc's recycled heap, already mapped:
// that difference, not the work, made the analyses' wall time grow 14-21x
// from 100k to 1M ops.
//
// Arrays of at least kLargeArrayBytes come from here instead: 2 MiB-aligned
// mappings advised MADV_HUGEPAGE (transparent huge pages: 512x fewer faults,
// 512x the TLB reach), and a freed block is kept, its pages marked MADV_FREE
// (the kernel takes them back only under memory pressure), for the next array
// of the same process, so repeated analyses run on warm memory at any size.
// Smaller arrays use operator new as usual.
#pragma once
#include <cstddef>
#include <new>
#include <type_traits>
#include <vector>

namespace pd {

// From one huge page up: a smaller array would waste most of its block.
inline constexpr size_t kLargeArrayBytes = size_t(2) << 20;

// A block of at least `bytes` (>= kLargeArrayBytes), 2 MiB aligned, contents
// unspecified. Throws std::bad_alloc when the system has no memory left.
void *allocateLargeArray(size_t bytes);
// Returns a block from allocateLargeArray(bytes) (same `bytes`) to the cache.
void deallocateLargeArray(void *p, size_t bytes) noexcept;
// Bytes held by freed blocks kept for reuse (for tests and measurements).
size_t largeArrayCacheBytes();
// Unmaps every cached block (what a long-lived process calls to give the
// memory back at once instead of waiting for memory pressure).
void releaseLargeArrayCache();

template <typename T> struct LargeArrayAllocator {
  using value_type = T;
  LargeArrayAllocator() = default;
  template <typename U> LargeArrayAllocator(const LargeArrayAllocator<U> &) {}

  T *allocate(size_t n) {
    if (n > size_t(-1) / sizeof(T))
      throw std::bad_array_new_length();
    size_t bytes = n * sizeof(T);
    void *p = bytes >= kLargeArrayBytes ? allocateLargeArray(bytes) : ::operator new(bytes);
    return static_cast<T *>(p);
  }
  void deallocate(T *p, size_t n) noexcept {
    size_t bytes = n * sizeof(T);
    if (bytes >= kLargeArrayBytes)
      deallocateLargeArray(p, bytes);
    else
      ::operator delete(p);
  }
  template <typename U> bool operator==(const LargeArrayAllocator<U> &) const { return true; }
  template <typename U> bool operator!=(const LargeArrayAllocator<U> &) const { return false; }
};

// A std::vector for arrays that grow with the graph (one element per op,
// value or layer).
template <typename T> using LargeVector = std::vector<T, LargeArrayAllocator<T>>;

// An element whose default construction writes nothing: LargeVector<Unfilled<T>>(n)
// allocates n elements without the fill, for arrays whose every entry a sweep
// writes before anything reads it. At a million ops the fill is a write pass
// over megabytes of DRAM that the sweep then writes again.
template <typename T> struct Unfilled {
  static_assert(std::is_trivially_default_constructible_v<T>,
                "a class with initialisers would fill the array anyway");
  T value;
  Unfilled() {} // no fill (value-initialisation would zero it)
  Unfilled(T v) : value(v) {}
};

// Memory for objects that live as long as their owner: a Graph's ops (with
// their operand and result pointers), values and use lists. Every walk of the
// op list is a chain of dependent loads; when each deque node of 4 ops was a
// separate heap block among the parser's other allocations, a million-op list
// was scattered over 300 MB of 4 KiB pages and a bare walk took 2.5x longer
// per op at 1M ops than at 100k. Bump-allocated end to end instead, ops are
// read in address order (the hardware prefetcher follows) from huge pages.
// Blocks start small (a graph of ten ops takes 16 KiB) and double up to
// 2 MiB; from there they are 2 MiB-aligned huge-page mappings of their own
// (not the LargeVector cache, whose blocks they would fragment). Nothing is
// freed before the arena dies.
class Arena {
public:
  Arena() = default;
  Arena(const Arena &) = delete;
  Arena &operator=(const Arena &) = delete;
  ~Arena();

  void *allocate(size_t bytes, size_t align);
  // Bytes held in mapped (huge-page) blocks: memory a heap counter such as
  // mallinfo2() does not see.
  size_t mappedBytes() const { return mapped_; }

private:
  struct Block {
    char *at;
    size_t size;
  };
  std::vector<Block> blocks_;
  char *next_ = nullptr, *end_ = nullptr;
  size_t mapped_ = 0;
};

// Bytes in the mapped blocks of every live Arena of the process.
size_t arenaMappedBytes();

} // namespace pd
