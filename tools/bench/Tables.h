// The bench's printed tables: per shape, every stage's median ns per op at
// each size with the median and range of the per-round ratio of the two
// largest sizes; then one Markdown summary for docs/performance.md.
#pragma once
#include "tools/bench/RoundStats.h"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace pd::bench {

struct GraphResults {
  std::vector<size_t> sizes;       // ascending
  std::vector<std::string> shapes; // in the order run
  std::vector<std::string> stages; // in table order
  unsigned rounds = 1;
  // children[shape][size]: one Measured per round.
  std::map<std::string, std::map<size_t, Rounds>> children;
};

std::string sizeLabel(size_t n);

// The table of one shape, plain text.
void printShapeTable(const GraphResults &results, const std::string &shape);

// The stages and memory rows of every shape at the largest size, Markdown.
void printSummaryMarkdown(const GraphResults &results);

} // namespace pd::bench
