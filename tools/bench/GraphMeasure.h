// The measuring child for one or more synthetic graphs: reads their .pdir
// texts, reads the first graph's IR heap and peak memory, then times print,
// parse, verify, the layer index, each pass of the default pipeline and
// channel-groups alone, the whole default pipeline, and parse + verify +
// pipeline together, on every graph. Every time is the minimum over `reps`
// draws, as many at every size, each draw the mean of as many back-to-back
// runs as fill `interval` seconds; with several graphs their draws alternate,
// so that each graph's times come from the same minutes of a shared host (see
// IntervalTimer and alternatingMinOf in GraphMeasure.cpp). Writes records
// (Records.h), each about one graph.
#pragma once
#include <string>
#include <vector>

namespace pd::bench {

// The stages the child reports times for, in table order.
std::vector<std::string> graphStages(const std::string &defaultPipeline);
// Names of the memory records (bytes).
inline constexpr const char *kIrHeap = "IR heap";
inline constexpr const char *kPeakPipeline = "peak RSS, parse+verify+pipeline";
inline constexpr const char *kPeakChannelGroups = "peak RSS over the IR, channel-groups";
inline constexpr const char *kWholeRun = "parse + verify + pipeline";

// A graph to measure. channel-groups is left out of graphs without
// `channelGroups` (it tracks every channel: gigabytes at a million ops).
struct GraphFile {
  std::string path;
  bool channelGroups = false;
};

// Returns the process exit code. A non-empty `onlyStages` times only those
// stages (names of graphStages); the graphs are still parsed and the memory
// records are still read. `reps` 0 times nothing: memory and op counts only.
int measureGraphFiles(const std::vector<GraphFile> &files, unsigned reps, double interval,
                      const std::string &defaultPipeline, const std::vector<std::string> &onlyStages);

} // namespace pd::bench
