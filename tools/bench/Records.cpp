#include "tools/bench/Records.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace pd::bench {

void emit(const std::string &kind, const std::string &what, double value) {
  std::printf("%s\t%s\t%.9g\n", kind.c_str(), what.c_str(), value);
  std::fflush(stdout);
}

void emitError(const std::string &message) {
  std::string oneLine = message;
  for (char &c : oneLine)
    if (c == '\n' || c == '\t')
      c = ' ';
  std::printf("error\t%s\t0\n", oneLine.c_str());
  std::fflush(stdout);
}

std::vector<Record> parseRecords(const std::string &out) {
  std::vector<Record> records;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find('\t'), b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos)
      continue; // not a record (a stray message): ignored
    Record r;
    r.kind = line.substr(0, a);
    r.what = line.substr(a + 1, b - a - 1);
    r.value = std::strtod(line.c_str() + b + 1, nullptr);
    if (r.kind == "error")
      r.text = r.what;
    records.push_back(std::move(r));
  }
  return records;
}

} // namespace pd::bench
