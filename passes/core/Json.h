// A small streaming JSON writer for the `prunedep/1` output: reports of a
// million-op graph write millions of names, and this writes them straight to
// the stream. The one JSON prunedep reads back, a saved pruning plan, is
// parsed with nlohmann_json (passes/prune/PlanJson.cpp).
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

class JsonWriter {
public:
  explicit JsonWriter(std::ostream &os) : os_(os) {}
  JsonWriter &beginObject();
  JsonWriter &endObject();
  JsonWriter &beginArray();
  JsonWriter &endArray();
  JsonWriter &key(std::string_view k);
  JsonWriter &value(std::string_view s);
  JsonWriter &value(const char *s) { return value(std::string_view(s)); }
  JsonWriter &value(int64_t i);
  JsonWriter &value(int i) { return value(static_cast<int64_t>(i)); }
  JsonWriter &value(uint64_t i) { return value(static_cast<int64_t>(i)); }
  JsonWriter &value(bool b);
  // The shortest text that reads back as `d` (0.5, 1e-05); null for a NaN or
  // an infinity, which JSON cannot spell.
  JsonWriter &value(double d);
  JsonWriter &null();
  JsonWriter &stringArray(const std::vector<std::string> &items);
  // Line break (for readability between top-level results); no semantic effect.
  JsonWriter &newline();

private:
  void separate();
  void writeQuoted(std::string_view s);
  std::ostream &os_;
  std::vector<bool> first_; // per open container: nothing written yet
  bool afterKey_ = false;
};

std::string jsonQuote(std::string_view s);

} // namespace pd
