#include "ir/Attribute.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/Hashing.h>
#include <llvm/ADT/SmallVector.h>

#include <charconv>
#include <cstring>
#include <memory>
#include <cmath>

namespace pd {

Attribute Attribute::ints(const std::vector<int64_t> &values) {
  List l;
  l.reserve(values.size());
  for (int64_t v : values)
    l.emplace_back(v);
  return Attribute(std::move(l));
}

std::optional<int64_t> Attribute::asInt() const {
  if (isInt())
    return getInt();
  if (isList() && getList().size() == 1 && getList()[0].isInt())
    return getList()[0].getInt();
  return std::nullopt;
}

std::optional<std::vector<int64_t>> Attribute::asInts() const {
  if (isInt())
    return std::vector<int64_t>{getInt()};
  if (!isList())
    return std::nullopt;
  std::vector<int64_t> out;
  for (const Attribute &a : getList()) {
    if (!a.isInt())
      return std::nullopt;
    out.push_back(a.getInt());
  }
  return out;
}

void appendQuotedString(std::string &out, std::string_view s) {
  out += '"';
  size_t plain = 0; // start of the run of characters that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\')
      continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default: {
      static const char *hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

static std::string quote(const std::string &s) {
  std::string out;
  appendQuotedString(out, s);
  return out;
}

// Shortest text that parses back to the same double, always marked as a float
// (a '.' or an exponent) so it never re-parses as an int.
static std::string floatText(double f) {
  if (std::isnan(f))
    return "nan";
  if (std::isinf(f))
    return f < 0 ? "-inf" : "inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

std::string Attribute::str() const {
  if (isNone())
    return "none";
  if (isBool())
    return getBool() ? "true" : "false";
  if (isInt())
    return std::to_string(getInt());
  if (isFloat())
    return floatText(getFloat());
  if (isStr())
    return quote(getStr());
  std::string s = "[";
  const List &l = getList();
  for (size_t i = 0; i < l.size(); ++i) {
    if (i)
      s += ", ";
    s += l[i].str();
  }
  return s + "]";
}

std::string quoteString(const std::string &s) { return quote(s); }

static uint64_t hashAttribute(const Attribute &a) {
  if (a.isNone())
    return 1;
  if (a.isBool())
    return llvm::hash_combine(2, a.getBool());
  if (a.isInt())
    return llvm::hash_combine(3, a.getInt());
  if (a.isFloat()) {
    double f = a.getFloat();
    uint64_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return llvm::hash_combine(4, bits);
  }
  if (a.isStr())
    return llvm::hash_combine(5, llvm::hash_value(a.getStr()));
  // Lists: iterative would need a stack; nesting depth is bounded by the
  // parser (64) and by the frontends, so recursion is safe here.
  uint64_t h = 6;
  for (const Attribute &e : a.getList())
    h = llvm::hash_combine(h, hashAttribute(e));
  return h;
}

// The canonical copy equal to `list`, made by `copy` only when there is none
// yet: a frontend interns each new op's attributes, and most of them exist
// already (every 3x3 conv of a stage), so most calls copy nothing.
template <typename MakeList>
static const AttributeList *intern(llvm::ArrayRef<NamedAttribute> list, MakeList copy) {
  static llvm::DenseMap<uint64_t, llvm::SmallVector<std::unique_ptr<AttributeList>, 1>> table;
  uint64_t h = list.size();
  for (const NamedAttribute &a : list)
    h = llvm::hash_combine(h, a.name.id(), hashAttribute(a.value));
  auto &bucket = table[h];
  for (const auto &l : bucket)
    if (llvm::ArrayRef<NamedAttribute>(*l) == list)
      return l.get();
  bucket.push_back(std::make_unique<AttributeList>(copy()));
  return bucket.back().get();
}

const AttributeList *internAttributes(AttributeList list) {
  return intern(list, [&] { return std::move(list); });
}

const AttributeList *internAttributes(llvm::ArrayRef<NamedAttribute> list) {
  return intern(list, [&] { return AttributeList(list.begin(), list.end()); });
}

const AttributeList *emptyAttributes() {
  static const AttributeList *empty = internAttributes(AttributeList());
  return empty;
}

} // namespace pd
