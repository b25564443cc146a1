// What the measuring children reported, across rounds, and the statistics the
// bench prints from it.
//
// A child's heap and page layout are its own draw, and at 5-50 ns per op one
// unlucky child moves the 1M/100k ratio by 2x. So the bench measures every
// size in every one of several rounds (the two largest sizes in one child,
// their draws alternating), pairs the sizes of one round, and reports the
// median ns per op, the median of the per-round ratios and their range,
// never a single draw.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pd::bench {

// What one child reported.
struct Measured {
  // time: wall seconds; cpu: the measuring thread's CPU seconds (the same on
  // an idle machine, the comparable one on a shared machine).
  std::map<std::string, double> time, cpu, bytes, count;
  std::string error;
};

// One size's children, in round order (round r of every size ran in the
// same pass over the sizes).
using Rounds = std::vector<Measured>;

// The median of some draws and their range.
struct Spread {
  double median = 0, lo = 0, hi = 0;
  size_t draws = 0;
};

// Median (mean of the middle two for an even count), minimum and maximum;
// nullopt for no draws.
std::optional<Spread> spreadOf(std::vector<double> draws);

enum class Clock { Wall, Cpu };

// The stage's ns per op over the rounds that measured it.
std::optional<Spread> nsPerOp(const Rounds &rounds, const std::string &stage, Clock clock);

// The per-round ratio time(big) / time(small) of a stage, over the rounds
// in which both children measured it.
std::optional<Spread> roundRatio(const Rounds &big, const Rounds &small, const std::string &stage,
                                 Clock clock);

// A byte count per op (kind "bytes") over the rounds, median.
std::optional<Spread> bytesPerOp(const Rounds &rounds, const std::string &what);

// `value` over the rounds, for the children it has a value for.
std::optional<Spread> spreadOver(const Rounds &rounds,
                                 const std::function<std::optional<double>(const Measured &)> &value);

} // namespace pd::bench
