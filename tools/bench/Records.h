// How a measuring child process reports to the bench: one record per line on
// its stdout, `GRAPH<TAB>KIND<TAB>WHAT<TAB>VALUE`, GRAPH the index of the
// graph (of those the child was given) the record is about. Each size's
// memory is measured in a fresh process (its peak memory and its interned
// names are its own), and the parent collects the records into the tables.
#pragma once
#include <string>
#include <vector>

namespace pd::bench {

struct Record {
  size_t graph = 0;
  std::string kind; // "time" (seconds), "bytes", "count", "error"
  std::string what; // the stage or quantity
  double value = 0;
  std::string text; // "error": the message
};

// The graph the records emitted from now on are about (0 at the start).
void setRecordGraph(size_t graph);
void emit(const std::string &kind, const std::string &what, double value);
// An error ends the child: it is about every graph, and recorded as graph 0's.
void emitError(const std::string &message);

std::vector<Record> parseRecords(const std::string &out);

} // namespace pd::bench
