#include "tools/prunedep/Report.h"

#include "passes/report/ReportFormat.h"
#include "passes/core/Session.h"
#include "passes/report/TextStyle.h"

namespace pd {

static void writeSummaryLine(const PassContext &ctx, const ReportSummary &summary,
                             std::ostream &os) {
  std::vector<std::string> parts;
  parts.push_back(std::to_string(summary.prunableLayers) + " prunable layers");
  for (const auto &r : ctx.results) {
    std::string s = r->summary();
    if (!s.empty())
      parts.push_back(std::move(s));
  }
  if (parts.size() == 1)
    return; // nothing in this pipeline summarises itself (explain, dot, ...)
  size_t unknown = summary.opKindsWithoutRules;
  std::string ops = std::to_string(unknown) + (unknown == 1 ? " op kind" : " op kinds") +
                    " without rules";
  parts.push_back(unknown ? paint(Paint::Warning, ops) : ops);
  writeWrapped(os, paint(Paint::Title, "summary") + ": ", parts);
}

void writeReport(const PassContext &ctx, const std::string &model, OutputFormat format,
                 std::ostream &os, const ReportSummary *summary) {
  switch (format) {
  case OutputFormat::Json:
    writeJsonReport(ctx, model, os);
    return;
  case OutputFormat::Csv: {
    bool first = true;
    for (const auto &r : ctx.results) {
      if (!first)
        os << '\n';
      first = false;
      r->writeCsv(os);
    }
    return;
  }
  case OutputFormat::Dot:
  case OutputFormat::Text:
    for (const auto &r : ctx.results)
      r->writeText(os);
    if (summary && format == OutputFormat::Text)
      writeSummaryLine(ctx, *summary, os);
    return;
  }
}

} // namespace pd
