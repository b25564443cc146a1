#include "passes/report/TextStyle.h"

#include <atomic>

namespace pd {

static std::atomic<bool> colorEnabled{false};

void setTextColor(bool enabled) { colorEnabled = enabled; }
bool textColorEnabled() { return colorEnabled; }

static const char *escapeFor(Paint role) {
  switch (role) {
  case Paint::Title: return "\x1b[1m";        // bold
  case Paint::Label: return "\x1b[1;36m";     // bold cyan
  case Paint::Count: return "\x1b[33m";       // yellow
  case Paint::Emphasis: return "\x1b[1;32m";  // bold green
  case Paint::Warning: return "\x1b[1;31m";   // bold red
  }
  return "";
}

std::string paint(Paint role, std::string_view text) {
  if (!colorEnabled || text.empty())
    return std::string(text);
  std::string out = escapeFor(role);
  out += text;
  out += "\x1b[0m";
  return out;
}

size_t visibleWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // CSI sequence: ESC '[' parameters, ended by a byte in '@'..'~'.
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;
      while (i < text.size() && !(text[i] >= '@' && text[i] <= '~'))
        ++i;
      continue;
    }
    // Count UTF-8 lead bytes only.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
      ++width;
  }
  return width;
}

} // namespace pd
