#include "ir/Symbol.h"

#include "ir/LargeArray.h"

#include <cstring>
#include <vector>

namespace pd {
namespace {
// One process-wide pool. Strings live in an Arena (LargeArray.h) so the
// views handed out by str() stay valid for the process lifetime; texts[id] is
// each one's view.
//
// The index is open addressing over 8-byte slots, (upper half of the hash,
// id), 0 meaning empty, with linear probing: a lookup reads one slot line,
// then the text of the matching id, which for the names a parser has just
// defined is still in cache. (llvm::StringMap, used before, keeps its bucket
// pointers and its hashes in two arrays and each entry behind a pointer: two
// or three cache misses per lookup once a million names outgrow the caches.)
// The empty string is id 0 and never stored.
struct Pool {
  Arena arena;
  // Plain vectors, not LargeVectors: they live as long as the process and a
  // heap counter (mallinfo2, the bench's IR heap) must see them.
  std::vector<std::string_view> texts{std::string_view()};
  std::vector<uint64_t> slots = std::vector<uint64_t>(1024, 0);

  static uint32_t tag(uint64_t h) { return static_cast<uint32_t>(h >> 32); }
  size_t mask() const { return slots.size() - 1; }

  // The slot holding `text`, or the empty slot where it would go.
  uint64_t *find(std::string_view text, uint64_t h) {
    uint32_t t = tag(h);
    for (size_t i = h & mask();; i = (i + 1) & mask()) {
      uint64_t s = slots[i];
      if (s == 0)
        return &slots[i];
      if (static_cast<uint32_t>(s >> 32) == t && texts[static_cast<uint32_t>(s)] == text)
        return &slots[i];
    }
  }

  // Grows so that `count` symbols stay within a load of 0.7.
  void fit(size_t count) {
    size_t need = slots.size();
    while (count * 10 > need * 7)
      need *= 2;
    if (need == slots.size())
      return;
    std::vector<uint64_t> old(need, 0);
    old.swap(slots);
    for (uint32_t id = 1; id < texts.size(); ++id) {
      uint64_t h = Symbol::hash(texts[id]);
      size_t i = h & mask();
      while (slots[i] != 0)
        i = (i + 1) & mask();
      slots[i] = (uint64_t(tag(h)) << 32) | id;
    }
  }
};
Pool &pool() {
  static Pool p;
  return p;
}
} // namespace

// Eight bytes at a time with a multiply-xorshift mix: names are 5-60 bytes,
// so a byte-at-a-time hash (StringMap's djb) costs more than the probe.
uint64_t Symbol::hash(std::string_view text) {
  const uint64_t k = 0x9E3779B97F4A7C15ull;
  uint64_t h = text.size() * k;
  const char *p = text.data();
  size_t n = text.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * k;
    h ^= h >> 29;
  }
  if (n) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * k;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

Symbol Symbol::get(std::string_view text) { return text.empty() ? Symbol() : get(text, hash(text)); }

Symbol Symbol::get(std::string_view text, uint64_t h) {
  if (text.empty())
    return Symbol();
  Pool &p = pool();
  uint64_t *slot = p.find(text, h);
  if (*slot != 0)
    return Symbol(static_cast<uint32_t>(*slot));
  uint32_t id = static_cast<uint32_t>(p.texts.size());
  char *copy = static_cast<char *>(p.arena.allocate(text.size(), 1));
  std::memcpy(copy, text.data(), text.size());
  p.texts.emplace_back(copy, text.size());
  *slot = (uint64_t(Pool::tag(h)) << 32) | id;
  p.fit(p.texts.size());
  return Symbol(id);
}

Symbol Symbol::lookup(std::string_view text) {
  if (text.empty())
    return Symbol();
  uint64_t *slot = pool().find(text, hash(text));
  return Symbol(static_cast<uint32_t>(*slot));
}

void Symbol::reserve(size_t count) {
  Pool &p = pool();
  p.fit(p.texts.size() + count);
}

std::string_view Symbol::str() const { return pool().texts[id_]; }

} // namespace pd
