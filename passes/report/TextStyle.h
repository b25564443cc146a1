// Colour in the text report. Off unless the driver turns it on (`--color`,
// by default only when stdout is a terminal), so files, pipes and tests get
// plain text. Printers paint a piece by its role; the palette lives here.
#pragma once
#include <string>
#include <string_view>

namespace pd {

enum class Paint {
  Title,    // an analysis' heading line
  Label,    // "set 3", "group 1"
  Count,    // "64 ch", a divisor
  Emphasis, // the layer an explanation is about
  Warning,  // blocked, unknown ops
};

// Process-wide switch, set once by the driver before printing.
void setTextColor(bool enabled);
bool textColorEnabled();

// `text` wrapped in the role's ANSI escape codes when colour is on, else as is.
std::string paint(Paint role, std::string_view text);

// Columns `text` takes on a terminal: its length without ANSI escape
// sequences (the report wraps at 100 columns whether painted or not).
size_t visibleWidth(std::string_view text);

} // namespace pd
