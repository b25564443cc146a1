// The text report's terminal niceties: delayed stage announcements, colour
// that is off unless asked for, and wrapping that ignores escape codes.
#include "ir/StageProgress.h"
#include "passes/ReportFormat.h"
#include "passes/TextStyle.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <thread>

using namespace pd;
using namespace std::chrono_literals;

TEST_CASE("a stage is announced only once it outlasts the delay") {
  std::ostringstream os;
  {
    StageProgress p(true, os, 20ms);
    p.begin("quick");
    p.end(); // well inside the delay: nothing
    p.begin("slow");
    // Poll rather than sleep a fixed time: the watcher may be descheduled.
    for (int i = 0; i < 500 && os.str().find("slow...") == std::string::npos; ++i)
      std::this_thread::sleep_for(10ms);
    p.end();
  }
  std::string out = os.str();
  CHECK(out.find("quick") == std::string::npos);
  CHECK(out.find("prunedep: slow...\n") != std::string::npos);
  CHECK(out.find("prunedep: slow done in ") != std::string::npos);
}

TEST_CASE("a stage shorter than the delay prints nothing, and a disabled one never") {
  std::ostringstream os;
  {
    StageProgress p(true, os, std::chrono::minutes(10));
    p.begin("loading");
    p.begin("lowering");
  }
  {
    StageProgress off(false, os, 0ms);
    off.begin("loading");
    std::this_thread::sleep_for(20ms);
  }
  CHECK(os.str().empty());
}

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
