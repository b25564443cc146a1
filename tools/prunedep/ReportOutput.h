// Where a report goes: stdout, or the file named by -o. Shared by `prunedep`
// and `prunedep verify` so both refuse an unwritable path and a failed write
// (a full disk) the same way, and agree on when colour is allowed.
#pragma once
#include "tools/prunedep/CommandLine.h"

#include <fstream>
#include <ostream>
#include <string>

namespace pd {

class ReportOutput {
public:
  // Opens `path` for writing, or stdout when it is empty; throws pd::Error
  // naming the path when it cannot be opened.
  explicit ReportOutput(const std::string &path);
  std::ostream &stream() { return *out_; }
  // Whether --color=WHEN paints this output: auto only for a terminal
  // stdout (and no NO_COLOR in the environment, see no-color.org).
  bool wantsColor(ColorMode mode) const;
  // Flushes; throws pd::Error when anything written was lost.
  void finish();

private:
  std::string path_;
  std::ofstream file_;
  std::ostream *out_;
};

} // namespace pd
