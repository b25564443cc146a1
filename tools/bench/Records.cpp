#include "tools/bench/Records.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace pd::bench {
namespace {
size_t recordGraph = 0;
} // namespace

void setRecordGraph(size_t graph) { recordGraph = graph; }

void emit(const std::string &kind, const std::string &what, double value) {
  std::printf("%zu\t%s\t%s\t%.9g\n", recordGraph, kind.c_str(), what.c_str(), value);
  std::fflush(stdout);
}

void emitError(const std::string &message) {
  std::string oneLine = message;
  for (char &c : oneLine)
    if (c == '\n' || c == '\t')
      c = ' ';
  std::printf("0\terror\t%s\t0\n", oneLine.c_str());
  std::fflush(stdout);
}

std::vector<Record> parseRecords(const std::string &out) {
  std::vector<Record> records;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    char *afterGraph = nullptr;
    unsigned long graph = std::strtoul(line.c_str(), &afterGraph, 10);
    size_t g = static_cast<size_t>(afterGraph - line.c_str());
    size_t a = line.find('\t', g + 1), b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (g == 0 || g >= line.size() || line[g] != '\t' || b == std::string::npos)
      continue; // not a record (a stray message): ignored
    Record r;
    r.graph = graph;
    r.kind = line.substr(g + 1, a - g - 1);
    r.what = line.substr(a + 1, b - a - 1);
    r.value = std::strtod(line.c_str() + b + 1, nullptr);
    if (r.kind == "error")
      r.text = r.what;
    records.push_back(std::move(r));
  }
  return records;
}

} // namespace pd::bench
