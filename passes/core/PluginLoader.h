// Loads plugins from paths the user names explicitly (--load-plugin); never
// from an implicit search path.
#pragma once
#include "passes/core/Plugin.h"

#include <string>

namespace pd {

struct LoadedPlugin {
  std::string path, name, version;
};

// Throws pd::Error naming the file on every failure.
LoadedPlugin loadPlugin(const std::string &path, PassRegistry &passes, OpRegistry &rules);

} // namespace pd
