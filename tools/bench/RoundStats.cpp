#include "tools/bench/RoundStats.h"

#include <algorithm>

namespace pd::bench {
namespace {

const std::map<std::string, double> &times(const Measured &m, Clock clock) {
  return clock == Clock::Wall ? m.time : m.cpu;
}

std::optional<double> opsOf(const Measured &m) {
  auto ops = m.count.find("ops");
  if (ops == m.count.end() || ops->second <= 0)
    return std::nullopt;
  return ops->second;
}

} // namespace

std::optional<Spread> spreadOf(std::vector<double> draws) {
  if (draws.empty())
    return std::nullopt;
  std::sort(draws.begin(), draws.end());
  size_t n = draws.size();
  Spread s;
  s.median = n % 2 ? draws[n / 2] : (draws[n / 2 - 1] + draws[n / 2]) / 2;
  s.lo = draws.front();
  s.hi = draws.back();
  s.draws = n;
  return s;
}

std::optional<Spread> nsPerOp(const Rounds &rounds, const std::string &stage, Clock clock) {
  std::vector<double> draws;
  for (const Measured &m : rounds) {
    auto t = times(m, clock).find(stage);
    std::optional<double> ops = opsOf(m);
    if (t != times(m, clock).end() && ops)
      draws.push_back(t->second * 1e9 / *ops);
  }
  return spreadOf(std::move(draws));
}

std::optional<Spread> roundRatio(const Rounds &big, const Rounds &small, const std::string &stage,
                                 Clock clock) {
  std::vector<double> draws;
  for (size_t r = 0; r < big.size() && r < small.size(); ++r) {
    auto b = times(big[r], clock).find(stage), s = times(small[r], clock).find(stage);
    if (b != times(big[r], clock).end() && s != times(small[r], clock).end() && s->second > 0)
      draws.push_back(b->second / s->second);
  }
  return spreadOf(std::move(draws));
}

std::optional<Spread> bytesPerOp(const Rounds &rounds, const std::string &what) {
  std::vector<double> draws;
  for (const Measured &m : rounds) {
    auto b = m.bytes.find(what);
    std::optional<double> ops = opsOf(m);
    if (b != m.bytes.end() && ops)
      draws.push_back(b->second / *ops);
  }
  return spreadOf(std::move(draws));
}

std::optional<Spread> spreadOver(const Rounds &rounds,
                                 const std::function<std::optional<double>(const Measured &)> &value) {
  std::vector<double> draws;
  for (const Measured &m : rounds)
    if (std::optional<double> v = value(m))
      draws.push_back(*v);
  return spreadOf(std::move(draws));
}

} // namespace pd::bench
