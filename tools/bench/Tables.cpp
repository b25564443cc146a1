#include "tools/bench/Tables.h"

#include "tools/bench/GraphMeasure.h"

#include <cstdio>
#include <functional>

namespace pd::bench {
namespace {

std::string fmt(const char *f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// "9.3x (8.7-9.9)", or in a Markdown cell that is already in parentheses
// "9.3x, 8.7-9.9"; one round has no range.
std::string ratioText(const Spread &r, bool inParentheses = false) {
  std::string s = fmt("%.1fx", r.median);
  if (r.draws > 1)
    s += inParentheses ? fmt(", %.1f", r.lo) + fmt("-%.1f", r.hi) : fmt(" (%.1f", r.lo) + fmt("-%.1f)", r.hi);
  return s;
}

const Rounds &roundsOf(const GraphResults &res, const std::string &shape, size_t n) {
  static const Rounds none;
  auto s = res.children.find(shape);
  if (s == res.children.end())
    return none;
  auto r = s->second.find(n);
  return r == s->second.end() ? none : r->second;
}

// The largest size at which the stage ran (channel-groups stops early), as
// an index into sizes; sizes.size() when it never ran.
size_t largestMeasured(const GraphResults &res, const std::string &shape, const std::string &stage) {
  for (size_t i = res.sizes.size(); i-- > 0;)
    if (nsPerOp(roundsOf(res, shape, res.sizes[i]), stage, Clock::Wall))
      return i;
  return res.sizes.size();
}

std::optional<double> opsOf(const Measured &m) {
  auto ops = m.count.find("ops");
  return ops == m.count.end() ? std::nullopt : std::optional<double>(ops->second);
}

std::optional<double> parseMBs(const Measured &m) {
  auto text = m.bytes.find("text");
  auto t = m.time.find("parse");
  if (text == m.bytes.end() || t == m.time.end() || t->second <= 0)
    return std::nullopt;
  return text->second / t->second / 1e6;
}

std::optional<double> wholeRunSeconds(const Measured &m) {
  auto t = m.time.find(kWholeRun);
  return t == m.time.end() ? std::nullopt : std::optional<double>(t->second);
}

std::string cell(const std::optional<Spread> &s, const char *f) { return s ? fmt(f, s->median) : "-"; }

} // namespace

std::string sizeLabel(size_t n) {
  if (n >= 1000000 && n % 1000000 == 0)
    return std::to_string(n / 1000000) + "M";
  if (n >= 1000 && n % 1000 == 0)
    return std::to_string(n / 1000) + "k";
  return std::to_string(n);
}

void printShapeTable(const GraphResults &res, const std::string &shape) {
  const std::vector<size_t> &sizes = res.sizes;
  bool ratio = sizes.size() >= 2;
  std::string ratioHead = ratio ? sizeLabel(sizes.back()) + "/" + sizeLabel(sizes[sizes.size() - 2]) : "";
  std::printf("\n== %s: median of %u round%s ==\n%-40s", shape.c_str(), res.rounds, res.rounds == 1 ? "" : "s",
              "stage (ns per op)");
  for (size_t n : sizes)
    std::printf(" %10s", sizeLabel(n).c_str());
  if (ratio)
    std::printf("  %-22s %s", (ratioHead + " wall (range)").c_str(), ("cpu " + ratioHead).c_str());
  std::printf("\n");
  for (const std::string &stage : res.stages) {
    std::printf("%-40s", stage.c_str());
    for (size_t n : sizes)
      std::printf(" %10s", cell(nsPerOp(roundsOf(res, shape, n), stage, Clock::Wall), "%.0f").c_str());
    if (ratio) {
      const Rounds &big = roundsOf(res, shape, sizes.back()), &small = roundsOf(res, shape, sizes[sizes.size() - 2]);
      std::optional<Spread> wall = roundRatio(big, small, stage, Clock::Wall);
      std::optional<Spread> cpu = roundRatio(big, small, stage, Clock::Cpu);
      std::printf("  %-22s %s", wall ? ratioText(*wall).c_str() : "-", cpu ? ratioText(*cpu).c_str() : "-");
    }
    std::printf("\n");
  }
  auto row = [&](const char *label, const std::function<std::optional<Spread>(const Rounds &)> &value,
                 const char *f) {
    std::printf("%-40s", label);
    for (size_t n : sizes)
      std::printf(" %10s", cell(value(roundsOf(res, shape, n)), f).c_str());
    std::printf("\n");
  };
  row("ops", [](const Rounds &r) { return spreadOver(r, opsOf); }, "%.0f");
  row("parse MB/s", [](const Rounds &r) { return spreadOver(r, parseMBs); }, "%.0f");
  row("IR heap, bytes per op", [](const Rounds &r) { return bytesPerOp(r, kIrHeap); }, "%.0f");
  row("peak RSS parse+verify+pipeline, B/op", [](const Rounds &r) { return bytesPerOp(r, kPeakPipeline); },
      "%.0f");
  row("channel-groups peak over IR, B/op", [](const Rounds &r) { return bytesPerOp(r, kPeakChannelGroups); },
      "%.0f");
  row("parse+verify+pipeline, seconds", [](const Rounds &r) { return spreadOver(r, wholeRunSeconds); }, "%.3f");
  std::fflush(stdout);
}

void printSummaryMarkdown(const GraphResults &res) {
  const std::vector<size_t> &sizes = res.sizes;
  size_t big = sizes.back();
  bool ratio = sizes.size() >= 2;
  std::printf("\n== Summary (Markdown) ==\n\n| stage: median ns per op at %s ops", sizeLabel(big).c_str());
  if (ratio)
    std::printf(" (median of %u per-round %s/%s wall-time ratios, range)", res.rounds, sizeLabel(big).c_str(),
                sizeLabel(sizes[sizes.size() - 2]).c_str());
  std::printf(" |");
  for (const std::string &s : res.shapes)
    std::printf(" %s |", s.c_str());
  std::printf("\n|---|");
  for (size_t i = 0; i < res.shapes.size(); ++i)
    std::printf("---:|");
  std::printf("\n");
  for (const std::string &stage : res.stages) {
    std::printf("| %s |", stage.c_str());
    for (const std::string &s : res.shapes) {
      size_t at = largestMeasured(res, s, stage);
      if (at == sizes.size()) {
        std::printf(" - |");
        continue;
      }
      std::string text = cell(nsPerOp(roundsOf(res, s, sizes[at]), stage, Clock::Wall), "%.0f");
      if (at >= 1)
        if (std::optional<Spread> r =
                roundRatio(roundsOf(res, s, sizes[at]), roundsOf(res, s, sizes[at - 1]), stage, Clock::Wall))
          text += " (" + ratioText(*r, true) + ")";
      if (sizes[at] != big)
        text += " at " + sizeLabel(sizes[at]);
      std::printf(" %s |", text.c_str());
    }
    std::printf("\n");
  }
  auto row = [&](const std::string &label, const std::function<std::optional<Spread>(const Rounds &)> &value,
                 const char *f) {
    std::printf("| %s |", label.c_str());
    for (const std::string &s : res.shapes)
      std::printf(" %s |", cell(value(roundsOf(res, s, big)), f).c_str());
    std::printf("\n");
  };
  row("parse + verify + pipeline, seconds", [](const Rounds &r) { return spreadOver(r, wholeRunSeconds); },
      "%.2f");
  row("parse, MB/s", [](const Rounds &r) { return spreadOver(r, parseMBs); }, "%.0f");
  row("IR heap, bytes per op", [](const Rounds &r) { return bytesPerOp(r, kIrHeap); }, "%.0f");
  row("peak RSS of parse + verify + pipeline, bytes per op",
      [](const Rounds &r) { return bytesPerOp(r, kPeakPipeline); }, "%.0f");
  // channel-groups stops early: its peak at the largest size it ran at.
  std::printf("| channel-groups peak RSS over the IR, bytes per op |");
  for (const std::string &s : res.shapes) {
    std::string text = "-";
    for (size_t i = sizes.size(); i-- > 0;)
      if (std::optional<Spread> b = bytesPerOp(roundsOf(res, s, sizes[i]), kPeakChannelGroups)) {
        text = fmt("%.0f", b->median) + (sizes[i] != big ? " at " + sizeLabel(sizes[i]) : "");
        break;
      }
    std::printf(" %s |", text.c_str());
  }
  std::printf("\n");
}

} // namespace pd::bench
