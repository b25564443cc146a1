#include "tools/prunedep/TorchScriptLoader.h"

#include "tools/common/ModuleLoader.h"

#include <string>

namespace pd {

FrontendOutput lowerTorchScript(const FrontendOptions &opts) {
  auto lower = loadModuleFunction<LowerTorchScriptFn>(
      kTorchScriptModuleFile, PD_TORCHSCRIPT_MODULE_DIRS, "the TorchScript frontend",
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
