#include "passes/prune/PlanJson.h"

#include "passes/report/ReportFormat.h"

#include "ir/Diagnostic.h"
#include "ir/Parser.h"
#include "passes/channels/ChannelPositions.h"

#include <nlohmann/json.hpp>

#include <limits>

namespace pd {
namespace {

using Json = nlohmann::ordered_json;


// "line:col" of byte `byte` (1-based, nlohmann's count of bytes read).
std::string lineCol(std::string_view text, size_t byte) {
  size_t at = std::min(byte ? byte - 1 : 0, text.size());
  size_t line = 1, lineStart = 0;
  for (size_t i = 0; i < at; ++i)
    if (text[i] == '\n') {
      ++line;
      lineStart = i + 1;
    }
  return std::to_string(line) + ":" + std::to_string(at - lineStart + 1);
}

// nlohmann's message without its "[json.exception...] parse error at ...: "
// head: the location is given as file:line:col instead.
std::string parseMessage(const std::string &what) {
  size_t head = what.find("parse error");
  size_t colon = head == std::string::npos ? std::string::npos : what.find(": ", head);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// Schema checks; every message names the file and where in the plan.
class PlanReader {
public:
  explicit PlanReader(std::string file) : file_(std::move(file)) {}

  PrunePlan read(const Json &top) {
    const Json *plan = &top;
    if (!top.is_object())
      fail("", "a plan is a JSON object");
    if (top.contains("results")) // a prunedep --format=json report
      plan = pickFromReport(top);
    else
      requireSchema(top);
    if (plan->contains("pass") && plan->at("pass") != "prune-plan")
      fail("", "\"pass\" is " + plan->at("pass").dump() + ", not \"prune-plan\"");
    PrunePlan out;
    readOptions(*plan, out.options);
    const Json &sets = need(*plan, "sets", "");
    if (!sets.is_array())
      fail("", "\"sets\" must be a list");
    for (size_t i = 0; i < sets.size(); ++i)
      out.sets.push_back(readSet(sets[i], i));
    if (plan->contains("skipped")) {
      const Json &skipped = plan->at("skipped");
      if (!skipped.is_array())
        fail("", "\"skipped\" must be a list");
      for (size_t i = 0; i < skipped.size(); ++i) {
        std::string where = "skipped entry " + std::to_string(i + 1);
        if (!skipped[i].is_object())
          fail(where, "must be an object {\"set\", \"reason\"}");
        PlanSkip s;
        s.set = static_cast<uint32_t>(integer(need(skipped[i], "set", where), "set", where, 1, UINT32_MAX));
        s.reason = string(need(skipped[i], "reason", where), "reason", where);
        out.skipped.push_back(std::move(s));
      }
    }
    return out;
  }

private:
  [[noreturn]] void fail(const std::string &where, const std::string &msg) const {
    throw Error(file_ + ": error: " + (where.empty() ? "" : where + ": ") + msg);
  }

  void requireSchema(const Json &j) const {
    if (!j.contains("schema"))
      fail("", "no \"schema\": a plan starts {\"schema\": \"prunedep/1\", \"pass\": \"prune-plan\", ...}");
    if (j.at("schema") != "prunedep/1")
      fail("", "\"schema\" is " + j.at("schema").dump() + ": this prunedep reads \"prunedep/1\"");
  }

  const Json *pickFromReport(const Json &top) const {
    requireSchema(top);
    const Json &results = top.at("results");
    const Json *found = nullptr;
    if (results.is_array())
      for (const Json &r : results)
        if (r.is_object() && r.contains("pass") && r.at("pass") == "prune-plan") {
          if (found)
            fail("", "the report holds more than one prune-plan result");
          found = &r;
        }
    if (!found)
      fail("", "the report holds no prune-plan result");
    return found;
  }

  const Json &need(const Json &j, const char *key, const std::string &where) const {
    if (!j.is_object() || !j.contains(key))
      fail(where, std::string("no \"") + key + "\"");
    return j.at(key);
  }

  int64_t integer(const Json &j, const char *key, const std::string &where, int64_t lo, int64_t hi) const {
    bool ok = j.is_number_integer() && !(j.is_number_unsigned() && j.get<uint64_t>() > uint64_t(INT64_MAX));
    int64_t v = ok ? j.get<int64_t>() : 0;
    if (!ok || v < lo || v > hi)
      fail(where, std::string("\"") + key + "\" must be an integer in [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "], not " + j.dump());
    return v;
  }

  std::string string(const Json &j, const char *key, const std::string &where) const {
    if (!j.is_string())
      fail(where, std::string("\"") + key + "\" must be a string, not " + j.dump());
    return j.get<std::string>();
  }

  double number(const Json &j, const char *key, const std::string &where) const {
    if (!j.is_number())
      fail(where, std::string("\"") + key + "\" must be a number, not " + j.dump());
    return j.get<double>();
  }

  std::vector<std::string> strings(const Json &j, const char *key) const {
    if (!j.is_array())
      fail("", std::string("\"") + key + "\" must be a list of strings");
    std::vector<std::string> out;
    for (const Json &s : j)
      out.push_back(string(s, key, ""));
    return out;
  }

  // The planning options a plan records (what made it; applying a plan
  // uses its sets only, but the granularity numbers them).
  void readOptions(const Json &j, PlanOptions &o) const {
    if (j.contains("ratio"))
      o.ratio = number(j.at("ratio"), "ratio", "");
    if (j.contains("importance"))
      o.importance = string(j.at("importance"), "importance", "");
    if (j.contains("round_to") && !j.at("round_to").is_null())
      o.roundTo = static_cast<uint32_t>(integer(j.at("round_to"), "round_to", "", 0, UINT32_MAX));
    if (j.contains("ignored_layers"))
      o.ignored = strings(j.at("ignored_layers"), "ignored_layers");
    if (j.contains("ratio_of")) {
      const Json &r = j.at("ratio_of");
      if (!r.is_object())
        fail("", "\"ratio_of\" must be an object {\"layer\": ratio, ...}");
      for (const auto &[layer, ratio] : r.items())
        o.ratioOf.push_back({layer, number(ratio, "ratio_of", "")});
    }
    if (j.contains("global")) {
      if (!j.at("global").is_boolean())
        fail("", "\"global\" must be true or false");
      o.global = j.at("global").get<bool>();
    }
    if (j.contains("keep_outputs")) {
      if (!j.at("keep_outputs").is_boolean())
        fail("", "\"keep_outputs\" must be true or false");
      o.keepOutputs = j.at("keep_outputs").get<bool>();
    }
    if (j.contains("seed")) {
      const Json &s = j.at("seed");
      if (!s.is_number_unsigned() && !(s.is_number_integer() && s.get<int64_t>() >= 0))
        fail("", "\"seed\" must be a non-negative integer, not " + s.dump());
      o.seed = s.get<uint64_t>();
    }
    if (j.contains("granularity")) {
      o.granularity = string(j.at("granularity"), "granularity", "");
      if (o.granularity != "channel" && o.granularity != "head")
        fail("", "\"granularity\" must be \"channel\" or \"head\", not \"" + o.granularity + "\"");
    }
  }

  PlanSet readSet(const Json &j, size_t position) const {
    std::string where = "sets entry " + std::to_string(position + 1);
    if (!j.is_object())
      fail(where, "must be an object {\"set\", \"groups\", \"kept\", \"removed\", \"members\"}");
    PlanSet s;
    s.set = static_cast<uint32_t>(integer(need(j, "set", where), "set", where, 1, UINT32_MAX));
    where = "set " + std::to_string(s.set);
    s.groups = static_cast<uint32_t>(integer(need(j, "groups", where), "groups", where, 0, UINT32_MAX));
    s.kept = static_cast<uint32_t>(integer(need(j, "kept", where), "kept", where, 0, UINT32_MAX));
    const Json &removed = need(j, "removed", where);
    if (!removed.is_array())
      fail(where, "\"removed\" must be a list of group numbers");
    for (const Json &g : removed)
      s.removed.push_back(static_cast<uint32_t>(integer(g, "removed", where, 0, UINT32_MAX)));
    if (j.contains("outputs"))
      s.outputs = strings(j.at("outputs"), "outputs");
    const Json &members = need(j, "members", where);
    if (!members.is_array())
      fail(where, "\"members\" must be a list");
    for (size_t m = 0; m < members.size(); ++m)
      s.members.push_back(readMember(members[m], where + ": member " + std::to_string(m + 1)));
    return s;
  }

  PlanMember readMember(const Json &j, const std::string &where) const {
    if (!j.is_object())
      fail(where, "must be an object {\"layer\", \"role\", \"dim\", \"indices\"}");
    PlanMember m;
    m.layer = string(need(j, "layer", where), "layer", where);
    std::string role = string(need(j, "role", where), "role", where);
    if (role == "out")
      m.role = ChannelMember::Role::Out;
    else if (role == "in")
      m.role = ChannelMember::Role::In;
    else if (role == "param")
      m.role = ChannelMember::Role::Param;
    else
      fail(where, "\"role\" must be \"out\", \"in\" or \"param\", not \"" + role + "\"");
    m.dim = integer(need(j, "dim", where), "dim", where, 0, int64_t(kMaxTensorRank) - 1);
    // At most as many indices as a dim the analysis tracks can hold.
    const int64_t limit = ChannelPositions::kMaxPositions;
    const Json &indices = need(j, "indices", where);
    auto bad = [&] {
      fail(where, "\"indices\" must be a list of [start, end) pairs, ascending and not overlapping, below " +
                      std::to_string(limit));
    };
    if (!indices.is_array())
      bad();
    for (const Json &r : indices) {
      if (!r.is_array() || r.size() != 2 || !r[0].is_number_integer() || !r[1].is_number_integer())
        bad();
      bool big = (r[0].is_number_unsigned() && r[0].get<uint64_t>() > uint64_t(limit)) ||
                 (r[1].is_number_unsigned() && r[1].get<uint64_t>() > uint64_t(limit));
      if (big)
        bad();
      int64_t start = r[0].get<int64_t>(), end = r[1].get<int64_t>();
      if (start < 0 || end <= start || end > limit || (!m.indices.empty() && start <= m.indices.back()))
        bad();
      for (int64_t i = start; i < end; ++i)
        m.indices.push_back(i);
    }
    return m;
  }

  std::string file_;
};

} // namespace

void writePlanFields(JsonWriter &w, const PrunePlan &plan) {
  const PlanOptions &o = plan.options;
  w.key("ratio").value(o.ratio);
  w.key("importance").value(o.importance);
  w.key("round_to");
  if (o.roundTo)
    w.value(static_cast<int64_t>(o.roundTo));
  else
    w.null();
  w.key("ignored_layers").stringArray(o.ignored);
  w.key("ratio_of").beginObject();
  for (const auto &[layer, ratio] : o.ratioOf)
    w.key(layer).value(ratio);
  w.endObject();
  w.key("global").value(o.global);
  w.key("keep_outputs").value(o.keepOutputs);
  w.key("seed").value(static_cast<uint64_t>(o.seed));
  w.key("granularity").value(o.granularity);
  w.key("sets").beginArray();
  for (const PlanSet &s : plan.sets) {
    w.newline().beginObject();
    w.key("set").value(static_cast<uint64_t>(s.set));
    w.key("groups").value(static_cast<uint64_t>(s.groups));
    w.key("kept").value(static_cast<uint64_t>(s.kept));
    w.key("removed").beginArray();
    for (uint32_t g : s.removed)
      w.value(static_cast<uint64_t>(g));
    w.endArray();
    w.key("outputs").stringArray(s.outputs);
    w.key("members").beginArray();
    for (const PlanMember &m : s.members) {
      w.beginObject();
      w.key("layer").value(m.layer);
      w.key("role").value(roleName(m.role));
      w.key("dim").value(m.dim);
      w.key("indices").beginArray();
      for (const auto &[a, b] : indexRuns(m.indices))
        w.beginArray().value(a).value(b).endArray();
      w.endArray();
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }
  w.endArray();
  w.key("skipped").beginArray();
  for (const PlanSkip &s : plan.skipped) {
    w.newline().beginObject();
    w.key("set").value(static_cast<uint64_t>(s.set));
    w.key("reason").value(s.reason);
    w.endObject();
  }
  w.endArray();
}

void writePlanJson(std::ostream &os, const PrunePlan &plan) {
  JsonWriter w(os);
  w.beginObject();
  w.key("schema").value("prunedep/1");
  w.key("pass").value("prune-plan");
  writePlanFields(w, plan);
  w.endObject().newline();
}

PrunePlan readPlanJson(std::string_view text, const std::string &fileName) {
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error &e) {
    throw Error(fileName + ":" + lineCol(text, e.byte) + ": error: " + parseMessage(e.what()));
  }
  return PlanReader(fileName).read(j);
}

PrunePlan readPlanFile(const std::string &path) { return readPlanJson(readFile(path), path); }

} // namespace pd
