// The measuring child for one synthetic graph: reads its .pdir text, then
// times print, parse, verify, the layer index, each pass of the default
// pipeline and channel-groups alone, the whole default pipeline, and parse +
// verify + pipeline together; and reads the IR's heap and the peak memory.
// Every time is the minimum over `reps` draws, as many at every size, each
// draw the mean of as many back-to-back runs as fill `interval` seconds (see
// IntervalTimer and minOf in GraphMeasure.cpp). Writes records (Records.h).
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

// Returns the process exit code. Without `channelGroups`, channel-groups is
// left out (it tracks every channel: gigabytes at a million ops). A non-empty
// `onlyStages` times only those stages (names of graphStages); the graph is
// still parsed and the memory records are still read.
int measureGraphFile(const std::string &path, unsigned reps, double interval,
                     const std::string &defaultPipeline, bool channelGroups,
                     const std::vector<std::string> &onlyStages);

} // namespace pd::bench
