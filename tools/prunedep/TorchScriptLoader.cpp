#include "tools/prunedep/TorchScriptLoader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <sys/stat.h>

#ifndef PD_FRONTEND_RELATIVE_DIRS
#define PD_FRONTEND_RELATIVE_DIRS {"../../frontends/torchscript", "../lib/prunedep"}
#endif

namespace pd {

static std::string executableDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return ".";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.find_last_of('/'));
}

static std::string findFrontend() {
  const char *relative[] = PD_FRONTEND_RELATIVE_DIRS;
  std::string dir = executableDir();
  std::string tried;
  for (const char *rel : relative) {
    std::string path = dir + "/" + rel + "/libprunedep_torchscript.so";
    struct stat st;
    if (stat(path.c_str(), &st) == 0)
      return path;
    tried += "\n  " + path;
  }
  throw Error("the TorchScript frontend (libprunedep_torchscript.so) is not installed; looked in:" +
              tried);
}

FrontendOutput lowerTorchScript(const FrontendOptions &opts) {
  std::string path = findFrontend();
  // The handle stays open for the process: the graph's code and LibTorch's
  // static state live in it.
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw Error("cannot load the TorchScript frontend: " + std::string(dlerror()));
  auto lower = reinterpret_cast<LowerTorchScriptFn>(dlsym(handle, kLowerTorchScriptSymbol));
  if (!lower)
    throw Error(path + ": not a prunedep TorchScript frontend (no " +
                std::string(kLowerTorchScriptSymbol) + ")");
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
