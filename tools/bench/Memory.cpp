#include "tools/bench/Memory.h"

#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace pd::bench {
namespace {

// A "Name:   1234 kB" line of /proc/self/status, in bytes (0 if absent).
size_t statusField(const char *name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t len = std::strlen(name);
  while (std::getline(in, line))
    if (line.compare(0, len, name) == 0 && line.size() > len && line[len] == ':')
      return std::stoull(line.substr(len + 1)) * 1024;
  return 0;
}

} // namespace

size_t heapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

size_t resetPeakResident() {
  malloc_trim(0);
  if (FILE *f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f); // 5: reset the peak resident set size
    std::fclose(f);
  }
  return statusField("VmRSS");
}

size_t peakResident() { return statusField("VmHWM"); }

} // namespace pd::bench
