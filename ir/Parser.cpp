#include "ir/Parser.h"

#include "ir/LargeArray.h"
#include "ir/Lexer.h"
#include "ir/SymbolIdTable.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/StringRef.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace pd {
namespace {

// Attribute and type nesting deeper than this is refused instead of risking
// the stack on hostile input.
constexpr unsigned kMaxNesting = 64;

class Parser {
public:
  Parser(std::string_view text, Symbol file) : lex_(text, file), file_(file) { cur_ = lex_.next(); }

  std::unique_ptr<Graph> parse();

private:
  Token take() {
    Token t = cur_;
    cur_ = lex_.next();
    return t;
  }
  bool at(Tok k) const { return cur_.kind == k; }
  bool atIdent(std::string_view word) const { return cur_.kind == Tok::Ident && cur_.text == word; }
  [[noreturn]] void failHere(const std::string &msg) { lex_.fail(cur_, msg); }
  Token expect(Tok k, const char *what) {
    if (!at(k))
      failHere(std::string("expected ") + what + ", found " + describe(cur_));
    return take();
  }
  // Strings must be copied before the next token overwrites the lexer's scratch.
  std::string expectString(const char *what) {
    if (!at(Tok::String))
      failHere(std::string("expected ") + what + ", found " + describe(cur_));
    std::string s(cur_.text);
    take();
    return s;
  }
  // A string interned before the next token overwrites the scratch (no copy).
  Symbol expectStringSymbol(const char *what) {
    if (!at(Tok::String))
      failHere(std::string("expected ") + what + ", found " + describe(cur_));
    Symbol s = intern(cur_.text);
    take();
    return s;
  }
  static std::string describe(const Token &t) {
    if (t.kind == Tok::Eof)
      return "end of file";
    return "'" + std::string(t.text) + "'";
  }

  const Type *parseType(unsigned depth = 0);
  Attribute parseAttribute(unsigned depth = 0);
  int64_t parseInt(const Token &t);
  Symbol intern(std::string_view text);
  Value *definedValue(Symbol name) const {
    return values_.get(name.id());
  }
  Value *useValue();
  void defineValue(Value *v, const Token &at);
  void parseOp();
  Location locOf(const Token &t) const { return lex_.locOf(t); }

  // Models repeat the same type and attribute text thousands of times. The
  // exact text of a tensor type or an attribute block, as it stands in the
  // buffer, maps to the uniqued result, so a repeat costs one hash of its
  // bytes instead of tokenising it again.
  const Type *cachedTensorType(const Token &ident);
  const AttributeList *cachedAttributes();
  llvm::DenseMap<llvm::StringRef, const Type *> typeCache_;
  llvm::DenseMap<llvm::StringRef, const AttributeList *> attrCache_;

  Lexer lex_;
  Symbol file_;
  Token cur_;
  std::unique_ptr<Graph> g_;
  // Most names in a .pdir are used a few lines after their definition. This
  // direct-mapped cache of the recently interned names (64 KiB, stays in L2)
  // answers those without probing the process-wide symbol table, which at a
  // million names is far larger than the caches.
  struct RecentName {
    uint64_t hash = 0;
    Symbol sym;
  };
  static constexpr size_t kRecentNames = 4096;
  std::vector<RecentName> recent_ = std::vector<RecentName>(kRecentNames);
  // Defined values by symbol id (nearby lines have nearby ids). An input
  // of B bytes names at most B/4 values.
  SymbolIdTable<Value *> values_{std::max<size_t>(size_t(1) << 16, lex_.buffer().size() / 4), 0};
  // First use of each name not yet defined, so a later definition can be
  // reported as "used before its definition" at the use.
  // Forward references get a placeholder from this scratch graph; any left at
  // the end is an error, so the placeholders never reach the caller.
  llvm::DenseMap<uint32_t, Value *> placeholders_;
  std::vector<std::pair<Symbol, Location>> pendingOrder_;
  Graph scratch_;
};

int64_t Parser::parseInt(const Token &t) {
  int64_t v = 0;
  const char *b = t.text.data(), *e = t.text.data() + t.text.size();
  if (*b == '+')
    ++b;
  auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc() || r.ptr != e)
    lex_.fail(t, "integer '" + std::string(t.text) + "' out of range");
  return v;
}

// The span of a tensor type starting at `ident` ("f32[1,64,56,56]"), or empty
// when the text is not a plain one-line tensor type.
static llvm::StringRef tensorTypeSpan(std::string_view buf, const Token &ident) {
  size_t start = ident.text.data() - buf.data();
  size_t i = start + ident.text.size();
  if (i >= buf.size() || buf[i] != '[')
    return {};
  for (++i; i < buf.size(); ++i) {
    char c = buf[i];
    if (c == ']')
      return llvm::StringRef(buf.data() + start, i + 1 - start);
    if (!((c >= '0' && c <= '9') || c == ',' || c == '?'))
      return {}; // spaces, comments, signs: leave it to the tokenizer
  }
  return {};
}

const Type *Parser::cachedTensorType(const Token &ident) {
  llvm::StringRef span = tensorTypeSpan(lex_.buffer(), ident);
  if (span.empty())
    return nullptr;
  auto it = typeCache_.find(span);
  if (it == typeCache_.end())
    return nullptr;
  lex_.jumpTo(span.data() + span.size() - lex_.buffer().data());
  cur_ = lex_.next();
  return it->second;
}

const Type *Parser::parseType(unsigned depth) {
  if (depth > kMaxNesting)
    failHere("type nested too deeply");
  if (!at(Tok::Ident))
    failHere("expected a type, found " + describe(cur_));
  if (const Type *hit = cachedTensorType(cur_))
    return hit;
  Token t = take();
  std::string_view w = t.text;
  if (at(Tok::LBracket)) {
    auto dtype = parseDType(w);
    if (!dtype)
      lex_.fail(t, "unknown element type '" + std::string(w) + "'");
    take();
    llvm::SmallVector<int64_t, 8> shape;
    if (!at(Tok::RBracket)) {
      while (true) {
        if (at(Tok::Question)) {
          take();
          shape.push_back(kUnknownDim);
        } else {
          Token d = expect(Tok::Int, "a dimension");
          int64_t v = parseInt(d);
          if (v < 0)
            lex_.fail(d, "negative dimension " + std::to_string(v));
          shape.push_back(v);
        }
        if (!at(Tok::Comma))
          break;
        take();
      }
    }
    expect(Tok::RBracket, "']'");
    const Type *type = Type::tensor(*dtype, shape);
    if (std::optional<std::string> why = type->shapeProblem())
      lex_.fail(t, *why);
    llvm::StringRef span = tensorTypeSpan(lex_.buffer(), t);
    if (!span.empty())
      typeCache_.try_emplace(span, type);
    return type;
  }
  if (w == "int") return Type::scalar(TypeKind::Int);
  if (w == "float") return Type::scalar(TypeKind::Float);
  if (w == "bool") return Type::scalar(TypeKind::Bool);
  if (w == "str") return Type::scalar(TypeKind::Str);
  if (w == "none") return Type::scalar(TypeKind::None);
  if (w == "device") return Type::scalar(TypeKind::Device);
  if (w == "any") return Type::scalar(TypeKind::Any);
  if (w == "list" || w == "tuple") {
    expect(Tok::Less, "'<'");
    std::vector<const Type *> elems;
    if (!(w == "tuple" && at(Tok::Greater))) {
      while (true) {
        elems.push_back(parseType(depth + 1));
        if (!at(Tok::Comma))
          break;
        take();
      }
    }
    Token close = expect(Tok::Greater, "'>'");
    if (w == "list") {
      if (elems.size() != 1)
        lex_.fail(close, "list<> takes exactly one element type");
      return Type::list(elems[0]);
    }
    return Type::tuple(elems);
  }
  if (parseDType(w))
    lex_.fail(t, "tensor type '" + std::string(w) + "' needs a shape, e.g. " + std::string(w) + "[1,3]");
  lex_.fail(t, "unknown type '" + std::string(w) + "'");
}

Attribute Parser::parseAttribute(unsigned depth) {
  if (depth > kMaxNesting)
    failHere("attribute nested too deeply");
  switch (cur_.kind) {
  case Tok::Int: {
    Token t = take();
    return Attribute(parseInt(t));
  }
  case Tok::Float: {
    Token t = take();
    std::string s(t.text);
    if (s == "inf" || s == "+inf")
      return Attribute(HUGE_VAL);
    if (s == "-inf")
      return Attribute(-HUGE_VAL);
    double d = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec == std::errc::result_out_of_range)
      lex_.fail(t, "float '" + s + "' out of range");
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      // from_chars rejects a leading '+'.
      if (s[0] == '+')
        r = std::from_chars(s.data() + 1, s.data() + s.size(), d);
      if (r.ec != std::errc())
        lex_.fail(t, "malformed float '" + s + "'");
    }
    return Attribute(d);
  }
  case Tok::String:
    return Attribute(expectString("a string"));
  case Tok::LBracket: {
    take();
    Attribute::List l;
    if (!at(Tok::RBracket)) {
      while (true) {
        l.push_back(parseAttribute(depth + 1));
        if (!at(Tok::Comma))
          break;
        take();
      }
    }
    expect(Tok::RBracket, "']' or ','");
    return Attribute(std::move(l));
  }
  case Tok::Ident: {
    if (cur_.text == "true" || cur_.text == "false") {
      bool b = cur_.text == "true";
      take();
      return Attribute(b);
    }
    if (cur_.text == "none") {
      take();
      return Attribute();
    }
    if (cur_.text == "nan") {
      take();
      return Attribute(std::nan(""));
    }
    if (cur_.text == "inf") {
      take();
      return Attribute(HUGE_VAL);
    }
    break;
  }
  default: break;
  }
  failHere("expected an attribute value, found " + describe(cur_));
}

Symbol Parser::intern(std::string_view text) {
  uint64_t h = Symbol::hash(text);
  RecentName &r = recent_[(h >> 20) & (kRecentNames - 1)];
  if (r.hash == h && r.sym.str() == text)
    return r.sym;
  r.hash = h;
  r.sym = Symbol::get(text, h);
  return r.sym;
}

Value *Parser::useValue() {
  Token t = expect(Tok::ValueName, "a value name like %x");
  Symbol name = intern(t.text);
  if (Value *v = definedValue(name))
    return v;
  auto [ph, inserted] = placeholders_.try_emplace(name.id(), nullptr);
  if (inserted) {
    ph->second = scratch_.addInput(name, Type::scalar(TypeKind::Any));
    pendingOrder_.push_back({name, locOf(t)});
  }
  return ph->second;
}

void Parser::defineValue(Value *v, const Token &at) {
  uint32_t id = v->name().id();
  Value *&slot = values_.at(id);
  if (slot)
    lex_.fail(at, "value '%" + std::string(v->name().str()) + "' is defined twice");
  slot = v;
}

void Parser::parseOp() {
  // results
  llvm::SmallVector<std::pair<Symbol, const Type *>, 2> results;
  llvm::SmallVector<Token, 2> resultToks;
  if (at(Tok::ValueName)) {
    while (true) {
      Token nameTok = take();
      Symbol name = intern(nameTok.text);
      expect(Tok::Colon, "':' and the result type");
      results.push_back({name, parseType()});
      resultToks.push_back(nameTok);
      if (!at(Tok::Comma))
        break;
      take();
    }
    expect(Tok::Equal, "'='");
  }
  if (!at(Tok::Ident))
    failHere("expected an op name like aten::add, found " + describe(cur_));
  Token kindTok = take();
  Symbol kind = intern(kindTok.text);
  expect(Tok::LParen, "'(' and the operands");
  llvm::SmallVector<Value *, 4> operands;
  if (!at(Tok::RParen)) {
    while (true) {
      operands.push_back(useValue());
      if (!at(Tok::Comma))
        break;
      take();
    }
  }
  expect(Tok::RParen, "')' or ','");
  Op *op = g_->createOp(kind, operands, results);
  op->setLoc(locOf(kindTok), false);
  for (unsigned i = 0; i < results.size(); ++i)
    defineValue(op->result(i), resultToks[i]);
  if (at(Tok::LBrace)) {
    if (const AttributeList *hit = cachedAttributes()) {
      op->setInternedAttrs(hit);
    } else {
    size_t blockStart = cur_.text.data() - lex_.buffer().data();
    take();
    std::vector<NamedAttribute> attrs;
    if (!at(Tok::RBrace)) {
      while (true) {
        Token key = expect(Tok::Ident, "an attribute name");
        Symbol k = intern(key.text);
        for (const NamedAttribute &a : attrs)
          if (a.name == k)
            lex_.fail(key, "attribute '" + std::string(key.text) + "' given twice");
        expect(Tok::Equal, "'=' after the attribute name");
        attrs.push_back({k, parseAttribute()});
        if (!at(Tok::Comma))
          break;
        take();
      }
    }
    Token close = expect(Tok::RBrace, "'}' or ','");
    op->setAttrs(std::move(attrs));
    size_t end = close.text.data() - lex_.buffer().data() + 1;
    llvm::StringRef block(lex_.buffer().data() + blockStart, end - blockStart);
    if (block.find('\n') == llvm::StringRef::npos && block.find('#') == llvm::StringRef::npos &&
        block.find('/') == llvm::StringRef::npos)
      attrCache_.try_emplace(block, &op->attrs());
    }
  }
  if (atIdent("module")) {
    take();
    Symbol path = expectStringSymbol("the module path as a string");
    std::string_view kindText = kind.str();
    if (kindText.substr(0, 3) != "nn." || kindText.size() == 3)
      lex_.fail(kindTok, "only module ops (nn.<Type>) can carry 'module'; use 'scope' for a function op");
    op->setModule(path, intern(kindText.substr(3)));
    op->setModuleCall(true);
  } else if (atIdent("scope")) {
    take();
    Symbol path = expectStringSymbol("the module path as a string");
    expect(Tok::Colon, "':' and the module type");
    Token type = expect(Tok::Ident, "the module type");
    op->setModule(path, intern(type.text));
  }
  if (atIdent("loc")) {
    take();
    expect(Tok::LParen, "'('");
    Symbol file = expectStringSymbol("the source file name");
    expect(Tok::Colon, "':'");
    Token line = expect(Tok::Int, "a line number");
    expect(Tok::Colon, "':'");
    Token col = expect(Tok::Int, "a column number");
    expect(Tok::RParen, "')'");
    int64_t l = parseInt(line), c = parseInt(col);
    if (l < 0 || l > UINT32_MAX || c < 0 || c > UINT32_MAX)
      lex_.fail(line, "location out of range");
    op->setLoc({file, static_cast<uint32_t>(l), static_cast<uint32_t>(c)}, true);
  }
}

// The span from '{' to its '}' when the block sits on one line with no
// comment inside (strings may hold braces: skip them); else empty.
static llvm::StringRef attributeBlockSpan(std::string_view buf, size_t start) {
  bool inString = false;
  for (size_t i = start + 1; i < buf.size(); ++i) {
    char c = buf[i];
    if (c == '\n')
      return {};
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '#' || c == '/') {
      return {};
    } else if (c == '}') {
      return llvm::StringRef(buf.data() + start, i + 1 - start);
    }
  }
  return {};
}

const AttributeList *Parser::cachedAttributes() {
  size_t start = cur_.text.data() - lex_.buffer().data();
  llvm::StringRef span = attributeBlockSpan(lex_.buffer(), start);
  if (span.empty())
    return nullptr;
  auto it = attrCache_.find(span);
  if (it == attrCache_.end())
    return nullptr;
  lex_.jumpTo(start + span.size());
  cur_ = lex_.next();
  return it->second;
}

std::unique_ptr<Graph> Parser::parse() {
  // About one new name per op and an op per 100-250 bytes: room for them up
  // front, so the symbol table does not rehash a million names on the way.
  Symbol::reserve(lex_.buffer().size() / 128);
  g_ = std::make_unique<Graph>();
  if (!atIdent("graph"))
    failHere("expected 'graph' at the start of the file, found " + describe(cur_));
  take();
  Token name = expect(Tok::GraphName, "the graph name like @model");
  g_->setName(Symbol::get(name.text));
  expect(Tok::LParen, "'(' and the graph inputs");
  if (!at(Tok::RParen)) {
    while (true) {
      Token nameTok = expect(Tok::ValueName, "an input name like %x");
      Symbol n = intern(nameTok.text);
      expect(Tok::Colon, "':' and the input type");
      defineValue(g_->addInput(n, parseType()), nameTok);
      if (!at(Tok::Comma))
        break;
      take();
    }
  }
  expect(Tok::RParen, "')' or ','");
  expect(Tok::LBrace, "'{'");
  while (!atIdent("return")) {
    if (at(Tok::Eof) || at(Tok::RBrace))
      failHere("expected 'return' before the end of the graph");
    parseOp();
  }
  take();
  std::vector<Value *> outs;
  if (at(Tok::ValueName)) {
    while (true) {
      outs.push_back(useValue());
      if (!at(Tok::Comma))
        break;
      take();
    }
  }
  expect(Tok::RBrace, "'}' after the return");
  if (!at(Tok::Eof))
    failHere("unexpected " + describe(cur_) + " after the end of the graph");
  for (const auto &[name, loc] : pendingOrder_) {
    std::string ref = "'%" + std::string(name.str()) + "'";
    if (definedValue(name))
      throw Error(loc, "value " + ref + " is used before its definition");
    throw Error(loc, "use of undefined value " + ref);
  }
  g_->setOutputs(std::move(outs));
  return std::move(g_);
}

} // namespace

std::unique_ptr<Graph> parseGraph(std::string_view text, std::string_view fileName) {
  Parser p(text, Symbol::get(fileName));
  return p.parse();
}

std::string readFile(const std::string &path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(path + ": error: cannot open file: " + std::strerror(errno));
  // One copy of the text, sized up front when the file can tell its size
  // (a stream copied into a string holds the text twice: at a million ops,
  // hundreds of MB more than the IR itself at the parse's peak).
  std::string text;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  // (A directory or a device reports no size, or a meaningless one: read it
  // in chunks, which fails for a directory as reading any stream does.)
  if (size > 0 && size < (std::streamoff(1) << 40) && in) {
    text.resize(static_cast<size_t>(size));
    in.read(text.data(), size);
    if (in.gcount() != size)
      throw Error(path + ": error: cannot read file");
  } else {
    in.clear();
    char chunk[1 << 16];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0)
      text.append(chunk, static_cast<size_t>(in.gcount()));
    if (in.bad() || !in.eof()) // a read that stopped before the end (a directory)
      throw Error(path + ": error: cannot read file");
  }
  return text;
}

std::unique_ptr<Graph> parseGraphFile(const std::string &path) {
  std::string text = readFile(path);
  return parseGraph(text, path == "-" ? "<stdin>" : path);
}

} // namespace pd
