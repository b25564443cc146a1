// The text report's terminal niceties: colour that is off unless asked
// for, and wrapping that ignores escape codes.
#include "passes/report/ReportFormat.h"
#include "passes/report/TextStyle.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

using namespace pd;

TEST_CASE("colour is off by default and painted text wraps by its visible width") {
  CHECK(!textColorEnabled());
  CHECK(paint(Paint::Title, "set 1") == "set 1");
  setTextColor(true);
  std::string painted = paint(Paint::Label, "set 1");
  CHECK(painted == "\x1b[1;36mset 1\x1b[0m");
  CHECK(visibleWidth(painted) == 5);
  CHECK(visibleWidth("ü") == 1);
  // 10 names of 9 columns + ", ": wrapped the same painted or not.
  std::vector<std::string> names(10, "layer.x.y");
  std::ostringstream plain, colour;
  writeWrapped(colour, painted + "  ", names, true, 40);
  setTextColor(false);
  writeWrapped(plain, "set 1  ", names, true, 40);
  std::string stripped = colour.str();
  for (const char *esc : {"\x1b[1;36m", "\x1b[0m"})
    for (size_t at; (at = stripped.find(esc)) != std::string::npos;)
      stripped.erase(at, std::string(esc).size());
  CHECK(stripped == plain.str());
  std::string wrapped = plain.str();
  CHECK(std::count(wrapped.begin(), wrapped.end(), '\n') > 1);
}
