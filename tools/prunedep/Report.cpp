#include "tools/prunedep/Report.h"

namespace pd {

static void writeJsonReport(const PassContext &ctx, const std::string &model, std::ostream &os) {
  JsonWriter w(os);
  w.beginObject();
  w.key("schema").value("prunedep/1");
  w.key("model").value(model);
  w.key("results").beginArray();
  for (const auto &r : ctx.results) {
    w.newline();
    w.beginObject();
    w.key("pass").value(r->pass);
    if (!r->options.items().empty()) {
      w.key("options").beginObject();
      for (const auto &[k, v] : r->options.items())
        w.key(k).value(v);
      w.endObject();
    }
    r->writeJson(w);
    w.endObject();
  }
  w.endArray();
  w.endObject();
  os << '\n';
}

void writeReport(const PassContext &ctx, const std::string &model, OutputFormat format,
                 std::ostream &os) {
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
    return;
  }
}

} // namespace pd
