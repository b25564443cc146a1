#include "tools/common/ModuleLoader.h"

#include "ir/Diagnostic.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

namespace pd {

std::string executablePath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n <= 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

std::string executableDir() {
  std::string p = executablePath();
  return p.empty() ? "." : p.substr(0, p.find_last_of('/'));
}

std::string findBesideExecutable(const char *fileName,
                                 std::initializer_list<const char *> relativeDirs,
                                 const char *what) {
  std::string dir = executableDir(), tried;
  for (const char *rel : relativeDirs) {
    std::string candidate = dir + "/" + rel + "/" + fileName;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0) {
      // Without the "bin/../../" detour: it is shown to users.
      char resolved[PATH_MAX];
      return realpath(candidate.c_str(), resolved) ? std::string(resolved) : candidate;
    }
    tried += "\n  " + candidate;
  }
  throw Error(std::string("error: ") + what + " (" + fileName + ") is not installed; looked in:" +
              tried);
}

void *loadModuleSymbol(const char *fileName, std::initializer_list<const char *> relativeDirs,
                       const char *what, const char *symbol) {
  std::string path = findBesideExecutable(fileName, relativeDirs, what);
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw Error(std::string("error: cannot load ") + what + ": " + dlerror());
  void *fn = dlsym(handle, symbol);
  if (!fn)
    throw Error(path + ": error: not " + what + " of this prunedep (no " + symbol + ")");
  return fn;
}

} // namespace pd
