// Locations and errors. Everything below the driver reports a problem by
// throwing pd::Error with a location; only the driver turns it into a message
// and an exit code (nothing below it calls exit() or abort()).
#pragma once
#include "ir/Symbol.h"

#include <stdexcept>
#include <string>

namespace pd {

// A place in a file: a .pdir line, a TOML rule, or the Python source a
// TorchScript node came from. An empty file means "unknown".
struct Location {
  Symbol file;
  uint32_t line = 0;
  uint32_t col = 0;

  bool known() const { return !file.empty(); }
  // "file:line:col" (or "file:line" / "file" when the finer parts are 0).
  std::string str() const;
};

class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
  Error(const Location &loc, const std::string &message)
      : std::runtime_error(loc.known() ? loc.str() + ": error: " + message : "error: " + message) {}
};

} // namespace pd
