// Finds and opens the LibTorch-based modules that ship with prunedep (the
// TorchScript frontend, the pruning verifier) relative to the running
// executable, so the build tree and an installed prefix both work and no
// LibTorch is loaded until a `.pt` needs it. One copy for every tool that
// loads them (the driver, `prunedep verify`, the benchmark).
#pragma once
#include <initializer_list>
#include <string>

namespace pd {

// The running executable (/proc/self/exe), or "" when unknown.
std::string executablePath();
// Its directory ("." when unknown).
std::string executableDir();

// The path of `fileName` in the first of `relativeDirs` (relative to the
// executable's directory) that holds it. Throws pd::Error naming `what`
// ("the built-in model") and every path it tried.
std::string findBesideExecutable(const char *fileName,
                                 std::initializer_list<const char *> relativeDirs,
                                 const char *what);

// dlopen()s `fileName` from the first of `relativeDirs` (relative to the
// executable's directory) that holds it and returns `symbol` from it. The
// handle stays open for the process: the module's code and LibTorch's static
// state live in it. Throws pd::Error naming what it looked for (`what`, e.g.
// "the TorchScript frontend") and every path it tried.
void *loadModuleSymbol(const char *fileName, std::initializer_list<const char *> relativeDirs,
                       const char *what, const char *symbol);

template <typename Fn>
Fn loadModuleFunction(const char *fileName, std::initializer_list<const char *> relativeDirs,
                      const char *what, const char *symbol) {
  return reinterpret_cast<Fn>(loadModuleSymbol(fileName, relativeDirs, what, symbol));
}

} // namespace pd
