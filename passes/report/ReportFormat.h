// Small formatting helpers shared by the analysis printers: CSV rows as
// Python's csv.writer writes them (NNI's export() uses it), Python's repr of a
// list of strings (NNI writes lists into CSV cells), and word-wrapped name
// lists for the text report.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pd {

// One CSV field, quoted like csv.writer's QUOTE_MINIMAL: only when it holds a
// comma, a double quote or a line break; quotes inside are doubled.
std::string csvField(std::string_view s);
// A CSV row of fields, '\n'-terminated.
void writeCsvRow(std::ostream &os, const std::vector<std::string> &fields);

// Ascending indices as [start, end) runs: 0 1 2 5 -> [0,3) [5,6).
std::vector<std::pair<int64_t, int64_t>> indexRuns(const std::vector<int64_t> &indices);

// A number as the reports print it: shortest form of the stream (0.5, 1e-05).
std::string numberText(double x);

// Python's str() of a list of str: ['a', 'b'].
std::string pythonListRepr(const std::vector<std::string> &items);

// Writes `head` then `items` joined by ", " (by " " when `commas` is false),
// wrapping before `width` columns; continuation lines are indented to the
// column where the items began.
void writeWrapped(std::ostream &os, const std::string &head, const std::vector<std::string> &items,
                  bool commas = true, size_t width = 100);

} // namespace pd
