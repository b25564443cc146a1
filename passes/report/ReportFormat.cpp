#include "passes/report/ReportFormat.h"

#include <sstream>

#include "passes/report/TextStyle.h"

namespace pd {

std::string csvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos)
    return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

void writeCsvRow(std::ostream &os, const std::vector<std::string> &fields) {
  for (size_t i = 0; i < fields.size(); ++i)
    os << (i ? "," : "") << csvField(fields[i]);
  os << '\n';
}

// repr() of a str: single quotes unless the text holds a single quote and no
// double quote; backslashes, the chosen quote and control characters escaped.
static std::string pythonStrRepr(std::string_view s) {
  bool single = s.find('\'') != std::string_view::npos;
  bool dbl = s.find('"') != std::string_view::npos;
  char q = single && !dbl ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    if (c == '\\' || c == static_cast<unsigned char>(q)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      static const char *hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + q;
}

std::string pythonListRepr(const std::vector<std::string> &items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? ", " : "") + pythonStrRepr(items[i]);
  return out + "]";
}

void writeWrapped(std::ostream &os, const std::string &head, const std::vector<std::string> &items,
                  bool commas, size_t width) {
  // Painted text counts by what shows on the terminal, not by its bytes.
  const size_t indent = visibleWidth(head);
  os << head;
  size_t col = indent;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string piece = items[i] + (commas && i + 1 < items.size() ? "," : "");
    size_t pieceWidth = visibleWidth(piece);
    if (i > 0) {
      if (col + 1 + pieceWidth > width) {
        os << '\n' << std::string(indent, ' ');
        col = indent;
      } else {
        os << ' ';
        ++col;
      }
    }
    os << piece;
    col += pieceWidth;
  }
  os << '\n';
}

std::vector<std::pair<int64_t, int64_t>> indexRuns(const std::vector<int64_t> &indices) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int64_t i : indices) {
    if (!out.empty() && out.back().second == i)
      ++out.back().second;
    else
      out.push_back({i, i + 1});
  }
  return out;
}

std::string numberText(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

} // namespace pd
