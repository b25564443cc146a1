// How a measuring child process reports to the bench: one record per line on
// its stdout, `KIND<TAB>WHAT<TAB>VALUE`. Each size is measured in a fresh
// process (its peak memory and its interned names are its own), and the
// parent collects the records into the tables.
#pragma once
#include <string>
#include <vector>

namespace pd::bench {

struct Record {
  std::string kind; // "time" (seconds), "bytes", "count", "error"
  std::string what; // the stage or quantity
  double value = 0;
  std::string text; // "error": the message
};

void emit(const std::string &kind, const std::string &what, double value);
void emitError(const std::string &message);

std::vector<Record> parseRecords(const std::string &out);

} // namespace pd::bench
