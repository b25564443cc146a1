#include "tools/prunedep/DefaultModel.h"

#include "ir/Diagnostic.h"

#include <unistd.h>

#include <climits>
#include <sys/stat.h>

namespace pd {

std::string defaultModelPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string dir = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("./x");
  dir = dir.substr(0, dir.find_last_of('/'));
  const char *candidates[] = {"/../../tests/models/resnet18.pt", "/../share/prunedep/resnet18.pt"};
  std::string tried;
  for (const char *c : candidates) {
    std::string p = dir + c;
    struct stat st;
    if (stat(p.c_str(), &st) == 0)
      return p;
    tried += "\n  " + p;
  }
  throw Error("error: the built-in model resnet18.pt is not installed; looked in:" + tried);
}

} // namespace pd
