#include "ir/Lexer.h"

namespace pd {

std::string_view tokName(Tok t) {
  switch (t) {
  case Tok::Eof: return "end of file";
  case Tok::Ident: return "identifier";
  case Tok::ValueName: return "value name";
  case Tok::GraphName: return "graph name";
  case Tok::Int: return "integer";
  case Tok::Float: return "float";
  case Tok::String: return "string";
  case Tok::LParen: return "'('";
  case Tok::RParen: return "')'";
  case Tok::LBrace: return "'{'";
  case Tok::RBrace: return "'}'";
  case Tok::LBracket: return "'['";
  case Tok::RBracket: return "']'";
  case Tok::Less: return "'<'";
  case Tok::Greater: return "'>'";
  case Tok::Comma: return "','";
  case Tok::Equal: return "'='";
  case Tok::Colon: return "':'";
  case Tok::Question: return "'?'";
  }
  return "token";
}

// Character classes as one table lookup: the lexer is the parser's hot loop.
enum : uint8_t { kIdentStart = 1, kDigit = 2, kIdentChar = 4, kNameChar = 8 };
static constexpr struct CharTable {
  uint8_t bits[256] = {};
  constexpr CharTable() {
    for (int c = 0; c < 256; ++c) {
      bool start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      bool digit = c >= '0' && c <= '9';
      bool ident = start || digit || c == '.';
      bits[c] = (start ? kIdentStart : 0) | (digit ? kDigit : 0) | (ident ? kIdentChar : 0) |
                (ident || c == '$' ? kNameChar : 0);
    }
  }
} kChars;
static bool is(char c, uint8_t cls) { return kChars.bits[static_cast<unsigned char>(c)] & cls; }
static bool isIdentStart(char c) { return is(c, kIdentStart); }
static bool isDigit(char c) { return is(c, kDigit); }
static bool isIdentChar(char c) { return is(c, kIdentChar); }
static bool isNameChar(char c) { return is(c, kNameChar); }

void Lexer::skipSpaceAndComments() {
  while (pos_ < buf_.size()) {
    char c = buf_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
      lineStart_ = pos_;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++pos_;
    } else if (c == '#' || (c == '/' && peek(1) == '/')) {
      while (pos_ < buf_.size() && buf_[pos_] != '\n')
        advance();
    } else {
      return;
    }
  }
}

std::string_view Lexer::lexQuoted(const Token &start) {
  // At the opening quote. Most strings (module paths) have no escapes: their
  // text is a view of the buffer, no copy.
  advance();
  size_t from = pos_;
  while (pos_ < buf_.size() && buf_[pos_] != '"' && buf_[pos_] != '\\' && buf_[pos_] != '\n')
    ++pos_;
  if (pos_ < buf_.size() && buf_[pos_] == '"') {
    advance();
    return buf_.substr(from, pos_ - 1 - from);
  }
  scratch_.assign(buf_.data() + from, pos_ - from);
  while (true) {
    if (pos_ >= buf_.size() || buf_[pos_] == '\n')
      fail(start, "unterminated string");
    char c = buf_[pos_];
    if (c == '"') {
      advance();
      return scratch_;
    }
    if (c == '\\') {
      advance();
      char e = peek();
      if (e == 'n') scratch_ += '\n';
      else if (e == 't') scratch_ += '\t';
      else if (e == '"' || e == '\\') scratch_ += e;
      else if (e == 'x') {
        auto hex = [](char h) -> int {
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        int hi = hex(peek(1)), lo = hex(peek(2));
        if (hi < 0 || lo < 0)
          fail(start, "bad \\x escape in string");
        scratch_ += static_cast<char>(hi * 16 + lo);
        advance();
        advance();
      } else {
        fail(start, "unknown escape in string");
      }
      advance();
      continue;
    }
    scratch_ += c;
    advance();
  }
}

Token Lexer::next() {
  skipSpaceAndComments();
  Token t;
  t.line = line_;
  t.col = col();
  if (pos_ >= buf_.size())
    return t;
  size_t start = pos_;
  char c = buf_[pos_];
  auto single = [&](Tok k) {
    advance();
    t.kind = k;
    t.text = buf_.substr(start, 1);
    return t;
  };
  switch (c) {
  case '(': return single(Tok::LParen);
  case ')': return single(Tok::RParen);
  case '{': return single(Tok::LBrace);
  case '}': return single(Tok::RBrace);
  case '[': return single(Tok::LBracket);
  case ']': return single(Tok::RBracket);
  case '<': return single(Tok::Less);
  case '>': return single(Tok::Greater);
  case ',': return single(Tok::Comma);
  case '=': return single(Tok::Equal);
  case ':': return single(Tok::Colon);
  case '?': return single(Tok::Question);
  case '"':
    t.kind = Tok::String;
    t.text = lexQuoted(t);
    return t;
  case '%':
  case '@': {
    t.kind = c == '%' ? Tok::ValueName : Tok::GraphName;
    advance();
    if (peek() == '"') {
      t.text = lexQuoted(t);
      return t;
    }
    size_t s = pos_;
    while (pos_ < buf_.size() && isNameChar(buf_[pos_]))
      ++pos_;
    if (pos_ == s)
      fail(t, std::string("expected a name after '") + c + "'");
    t.text = buf_.substr(s, pos_ - s);
    return t;
  }
  default: break;
  }
  if (isDigit(c) || ((c == '-' || c == '+') && (isDigit(peek(1)) || peek(1) == 'i'))) {
    if (c == '-' || c == '+')
      advance();
    if (peek() == 'i') { // -inf / +inf
      if (buf_.substr(pos_, 3) != "inf")
        fail(t, "malformed number");
      advance(); advance(); advance();
      t.kind = Tok::Float;
      t.text = buf_.substr(start, pos_ - start);
      return t;
    }
    bool isFloat = false;
    while (isDigit(peek()))
      advance();
    if (peek() == '.' && isDigit(peek(1))) {
      isFloat = true;
      advance();
      while (isDigit(peek()))
        advance();
    }
    if (peek() == 'e' || peek() == 'E') {
      char s1 = peek(1);
      if (isDigit(s1) || ((s1 == '-' || s1 == '+') && isDigit(peek(2)))) {
        isFloat = true;
        advance();
        advance();
        while (isDigit(peek()))
          advance();
      }
    }
    if (isIdentChar(peek()))
      fail(t, "malformed number");
    t.kind = isFloat ? Tok::Float : Tok::Int;
    t.text = buf_.substr(start, pos_ - start);
    return t;
  }
  if (isIdentStart(c)) {
    while (pos_ < buf_.size()) {
      if (isIdentChar(buf_[pos_])) {
        ++pos_;
      } else if (buf_[pos_] == ':' && peek(1) == ':' && isIdentStart(peek(2))) {
        advance();
        advance();
      } else {
        break;
      }
    }
    t.kind = Tok::Ident;
    t.text = buf_.substr(start, pos_ - start);
    return t;
  }
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
    fail(t, "unexpected byte 0x" + std::string(1, "0123456789abcdef"[(c >> 4) & 15]) +
                std::string(1, "0123456789abcdef"[c & 15]));
  fail(t, std::string("unexpected character '") + c + "'");
}

} // namespace pd
