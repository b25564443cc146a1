// Loads the TorchScript frontend module on demand. LibTorch costs about a
// second to start, so only a `.pt` input pays for it; `.pdir` never loads it.
#pragma once
#include "frontends/TorchScriptFrontend.h"

namespace pd {

// Lowers the archive through libprunedep_torchscript.so, found next to the
// executable (build tree: ../../frontends/torchscript, install: ../lib*/prunedep).
// Throws pd::Error with one line on failure.
FrontendOutput lowerTorchScript(const FrontendOptions &opts);

} // namespace pd
