#include "ir/Diagnostic.h"

namespace pd {

std::string Location::str() const {
  std::string s(file.str());
  if (line) {
    s += ':' + std::to_string(line);
    if (col)
      s += ':' + std::to_string(col);
  }
  return s;
}

} // namespace pd
