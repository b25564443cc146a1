#include "tools/prunedep/ReportOutput.h"

#include "ir/Diagnostic.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace pd {

ReportOutput::ReportOutput(const std::string &path) : path_(path), out_(&std::cout) {
  if (path.empty())
    return;
  file_.open(path, std::ios::binary);
  if (!file_)
    throw Error(path + ": error: cannot open for writing");
  out_ = &file_;
}

bool ReportOutput::wantsColor(ColorMode mode) const {
  switch (mode) {
  case ColorMode::Always: return true;
  case ColorMode::Never: return false;
  case ColorMode::Auto: break;
  }
  const char *noColor = std::getenv("NO_COLOR");
  const char *term = std::getenv("TERM");
  return path_.empty() && isatty(1) && !(noColor && *noColor) &&
         !(term && std::string(term) == "dumb");
}

void ReportOutput::finish() {
  out_->flush();
  if (!*out_)
    throw Error((path_.empty() ? std::string("<stdout>") : path_) + ": error: write failed");
}

} // namespace pd
