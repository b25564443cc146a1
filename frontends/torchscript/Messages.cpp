#include "frontends/torchscript/Messages.h"

#include <cctype>
#include <cstring>
#include <vector>

namespace pd::ts {

std::string oneLine(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

static std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "RuntimeError: x" -> length of "RuntimeError: ", else 0. Any Python-style
// exception name counts (ValueError, AssertionError, torch.jit.Error, ...).
static size_t errorPrefixLength(std::string_view line) {
  size_t colon = line.find(": ");
  if (colon == std::string_view::npos || colon == 0)
    return 0;
  std::string_view name = line.substr(0, colon);
  if (name.size() < 5 || name.substr(name.size() - 5) != "Error")
    return 0;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_'))
      return 0;
  return colon + 2;
}

std::string printableText(std::string_view text) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    // The length of a well-formed UTF-8 sequence starting here, else 0.
    size_t n = c < 0x80 ? (c >= 0x20 && c != 0x7f ? 1 : 0)
               : c >= 0xc2 && c <= 0xdf ? 2
               : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4
                                        : 0;
    for (size_t k = 1; k < n; ++k)
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
        n = 0;
    if (n == 0) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

std::string condenseTorchMessage(std::string_view what) {
  // The C++ backtrace starts here in c10::Error::what().
  size_t bt = what.find("Exception raised from ");
  if (bt != std::string_view::npos)
    what = what.substr(0, bt);
  std::vector<std::string_view> lines;
  while (!what.empty()) {
    size_t nl = what.find('\n');
    std::string_view line = trim(what.substr(0, nl));
    if (!line.empty())
      lines.push_back(line);
    if (nl == std::string_view::npos)
      break;
    what.remove_prefix(nl + 1);
  }
  if (lines.empty())
    return "unknown LibTorch error";
  // A compilation error's first line introduces the source excerpt that
  // follows ("Unknown type name 'X':"); the excerpt is dropped.
  auto tidy = [](std::string s) {
    for (const char *noise : {", please report a bug to PyTorch.",
                              " (Could this error message be improved? If so, please report an "
                              "enhancement request to PyTorch.)"}) {
      size_t p = s.find(noise);
      if (p != std::string::npos)
        s.erase(p, std::strlen(noise));
    }
    while (!s.empty() && (s.back() == ':' || s.back() == ' '))
      s.pop_back();
    return s;
  };
  // In an interpreter traceback the reason is the last "XxxError: ..." line;
  // it may continue on the following lines (long shape messages wrap).
  for (size_t i = lines.size(); i-- > 0;) {
    if (size_t p = errorPrefixLength(lines[i])) {
      std::string reason(lines[i].substr(p));
      for (size_t j = i + 1; j < lines.size(); ++j)
        reason += " " + std::string(lines[j]);
      return printableText(tidy(oneLine(reason)));
    }
  }
  return printableText(tidy(oneLine(lines.front())));
}

} // namespace pd::ts
