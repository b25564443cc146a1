#include "passes/core/Json.h"

#include <charconv>
#include <cmath>

namespace pd {

std::string jsonQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20) {
        static const char *hex = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

// jsonQuote without the string: runs of plain characters go to the stream as
// they are. A report of a million-op graph writes millions of names, and one
// heap string per name was a fifth of the driver's time.
void JsonWriter::writeQuoted(std::string_view s) {
  os_.put('"');
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    os_.write(s.data() + plain, static_cast<std::streamsize>(i - plain));
    std::string escaped = jsonQuote(s.substr(i, 1)); // rare: "\n", "\u001f", ...
    os_.write(escaped.data() + 1, static_cast<std::streamsize>(escaped.size() - 2));
    plain = i + 1;
  }
  os_.write(s.data() + plain, static_cast<std::streamsize>(s.size() - plain));
  os_.put('"');
}

void JsonWriter::separate() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back())
      os_ << ", ";
    first_.back() = false;
  }
}

JsonWriter &JsonWriter::beginObject() {
  separate();
  os_ << '{';
  first_.push_back(true);
  return *this;
}
JsonWriter &JsonWriter::endObject() {
  first_.pop_back();
  os_ << '}';
  return *this;
}
JsonWriter &JsonWriter::beginArray() {
  separate();
  os_ << '[';
  first_.push_back(true);
  return *this;
}
JsonWriter &JsonWriter::endArray() {
  first_.pop_back();
  os_ << ']';
  return *this;
}
JsonWriter &JsonWriter::key(std::string_view k) {
  separate();
  writeQuoted(k);
  os_ << ": ";
  afterKey_ = true;
  return *this;
}
JsonWriter &JsonWriter::value(std::string_view s) {
  separate();
  writeQuoted(s);
  return *this;
}
JsonWriter &JsonWriter::value(int64_t i) {
  separate();
  os_ << i;
  return *this;
}
JsonWriter &JsonWriter::value(bool b) {
  separate();
  os_ << (b ? "true" : "false");
  return *this;
}
JsonWriter &JsonWriter::value(double d) {
  if (!std::isfinite(d))
    return null();
  separate();
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  os_.write(buf, r.ptr - buf);
  return *this;
}
JsonWriter &JsonWriter::null() {
  separate();
  os_ << "null";
  return *this;
}
JsonWriter &JsonWriter::stringArray(const std::vector<std::string> &items) {
  beginArray();
  for (const std::string &s : items)
    value(s);
  return endArray();
}
JsonWriter &JsonWriter::newline() {
  os_ << '\n';
  return *this;
}

} // namespace pd
