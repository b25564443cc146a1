#include "frontends/torchscript/Messages.h"

#include <cctype>
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
  // In an interpreter traceback the reason is the last "XxxError: ..." line;
  // it may continue on the following lines (long shape messages wrap).
  for (size_t i = lines.size(); i-- > 0;) {
    if (size_t p = errorPrefixLength(lines[i])) {
      std::string reason(lines[i].substr(p));
      for (size_t j = i + 1; j < lines.size(); ++j)
        reason += " " + std::string(lines[j]);
      return oneLine(reason);
    }
  }
  return oneLine(lines.front());
}

} // namespace pd::ts
