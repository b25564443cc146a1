// Interned strings. Op kinds, value names, module paths and attribute keys are
// compared on every step of every analysis; interning turns those comparisons
// into integer compares and keeps each op a few words wide.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pd {

class Symbol {
public:
  constexpr Symbol() = default;
  // Interns `text` (stable for the process lifetime) and returns its symbol.
  static Symbol get(std::string_view text);
  // Looks `text` up without interning it; returns the empty symbol if absent.
  static Symbol lookup(std::string_view text);
  // The hash get() uses, and get() with it given: a caller that keeps a cache
  // of its own keyed by the text (the parser's recent names) hashes once.
  static uint64_t hash(std::string_view text);
  static Symbol get(std::string_view text, uint64_t hash);
  // Makes room for `count` more symbols, so interning them never rehashes.
  static void reserve(size_t count);

  std::string_view str() const;
  uint32_t id() const { return id_; }
  bool empty() const { return id_ == 0; }
  explicit operator bool() const { return id_ != 0; }

  friend bool operator==(Symbol a, Symbol b) { return a.id_ == b.id_; }
  friend bool operator!=(Symbol a, Symbol b) { return a.id_ != b.id_; }
  friend bool operator<(Symbol a, Symbol b) { return a.id_ < b.id_; }

private:
  explicit constexpr Symbol(uint32_t id) : id_(id) {}
  uint32_t id_ = 0; // 0 is the empty string
};

struct SymbolHash {
  size_t operator()(Symbol s) const { return s.id(); }
};

} // namespace pd
