#include "passes/core/Pipeline.h"

#include "ir/Diagnostic.h"

namespace pd {

static bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
static bool isValueChar(char c) { return c != ',' && c != '{' && c != '}' && c != '=' && c > ' '; }

std::vector<PipelineEntry> parsePipelineText(std::string_view text) {
  std::vector<PipelineEntry> out;
  size_t i = 0;
  auto fail = [&](const std::string &msg) -> void {
    throw Error("pipeline '" + std::string(text) + "' column " + std::to_string(i + 1) + ": " + msg);
  };
  auto word = [&](bool (*ok)(char)) {
    size_t s = i;
    while (i < text.size() && ok(text[i]))
      ++i;
    return std::string(text.substr(s, i - s));
  };
  if (text.empty())
    fail("empty pipeline");
  while (true) {
    PipelineEntry e;
    e.column = i + 1;
    e.name = word(isNameChar);
    if (e.name.empty())
      fail("expected a pass name");
    if (i < text.size() && text[i] == '{') {
      ++i;
      while (true) {
        std::string key = word(isNameChar);
        if (key.empty())
          fail("expected an option name");
        if (i >= text.size() || text[i] != '=')
          fail("expected '=' after option '" + key + "'");
        ++i;
        std::string value = word(isValueChar);
        if (value.empty())
          fail("expected a value for option '" + key + "'");
        for (const auto &kv : e.options)
          if (kv.first == key)
            fail("option '" + key + "' given twice");
        e.options.emplace_back(std::move(key), std::move(value));
        if (i < text.size() && text[i] == ',') {
          ++i;
          continue;
        }
        if (i < text.size() && text[i] == '}') {
          ++i;
          break;
        }
        fail("expected ',' or '}' in the options of '" + e.name + "'");
      }
    }
    out.push_back(std::move(e));
    if (i == text.size())
      break;
    if (text[i] != ',')
      fail(std::string("unexpected '") + text[i] + "'");
    ++i;
    if (i == text.size())
      fail("expected a pass name after ','");
  }
  return out;
}

std::vector<std::unique_ptr<Pass>> buildPipeline(std::string_view text, const PassRegistry &registry) {
  std::vector<std::unique_ptr<Pass>> passes;
  for (const PipelineEntry &e : parsePipelineText(text)) {
    const PassInfo *info = registry.lookup(e.name);
    if (!info)
      throw Error("unknown pass '" + e.name + "' in pipeline '" + std::string(text) +
                  "' (column " + std::to_string(e.column) + "); --list-passes shows the known passes");
    passes.push_back(registry.create(*info, e.options));
  }
  return passes;
}

} // namespace pd
