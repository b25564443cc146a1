#include "ir/Attribute.h"

#include <charconv>
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

static std::string quote(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        static const char *hex = "0123456789abcdef";
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
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

} // namespace pd
