#include "tools/prunedep/TorchScriptLoader.h"

#include "passes/ModuleLoader.h"

#include <string>

#ifndef PD_FRONTEND_RELATIVE_DIRS
#define PD_FRONTEND_RELATIVE_DIRS {"../../frontends/torchscript", "../lib/prunedep"}
#endif

namespace pd {

FrontendOutput lowerTorchScript(const FrontendOptions &opts) {
  auto lower = loadModuleFunction<LowerTorchScriptFn>(
      "libprunedep_torchscript.so", PD_FRONTEND_RELATIVE_DIRS, "the TorchScript frontend",
      kLowerTorchScriptSymbol);
  FrontendOutput out;
  lower(&opts, &out);
  if (!out.graph) {
    std::string msg = out.error.empty() ? "the TorchScript frontend failed" : out.error;
    throw Error(msg.rfind("error:", 0) == 0 || msg.find(": error: ") != std::string::npos
                    ? msg
                    : opts.modelPath + ": error: " + msg);
  }
  return out;
}

} // namespace pd
