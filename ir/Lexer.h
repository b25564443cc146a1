// Tokens of the `.pdir` text format. Hand-written over one memory buffer (no
// copies, no regex) because parsing a million-op graph must run at tens of MB/s.
#pragma once
#include "ir/Diagnostic.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace pd {

enum class Tok : uint8_t {
  Eof,
  Ident,     // graph, aten::add, nn.Conv2d, f32, true, ...
  ValueName, // %x or %"x y" (text holds the name without sigil/quotes)
  GraphName, // @name or @"name"
  Int,
  Float,
  String, // text holds the unescaped contents
  LParen, RParen, LBrace, RBrace, LBracket, RBracket, Less, Greater,
  Comma, Equal, Colon, Question,
};

struct Token {
  Tok kind = Tok::Eof;
  std::string_view text; // points into the buffer, or into Lexer::scratch_
  uint32_t line = 1, col = 1;
};

class Lexer {
public:
  Lexer(std::string_view buffer, Symbol file) : buf_(buffer), file_(file) {}
  Token next();
  Location locOf(const Token &t) const { return {file_, t.line, t.col}; }
  // Current line and column (columns are computed from the line start, so
  // the hot loops only move a position).
  uint32_t col() const { return static_cast<uint32_t>(pos_ - lineStart_ + 1); }
  [[noreturn]] void fail(const Token &t, const std::string &msg) const { throw Error(locOf(t), msg); }

  // Raw access for the parser's caches of repeated spans (types, attribute
  // blocks): the buffer, and a jump forward on the current line.
  std::string_view buffer() const { return buf_; }
  void jumpTo(size_t pos) { pos_ = pos; }

private:
  void skipSpaceAndComments();
  std::string_view lexQuoted(const Token &start);
  char peek(size_t ahead = 0) const { return pos_ + ahead < buf_.size() ? buf_[pos_ + ahead] : '\0'; }
  void advance() { ++pos_; }

  std::string_view buf_;
  Symbol file_;
  size_t pos_ = 0;
  size_t lineStart_ = 0;
  uint32_t line_ = 1;
  std::string scratch_; // unescaped text of the most recent quoted token
};

std::string_view tokName(Tok t);

} // namespace pd
