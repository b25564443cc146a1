// JSON (schema prunedep/1), one object in "results":
//
//   {"pass": "channel-groups", "options": {"values": "false"},
//    "summary": {"sets": 12, "groups": 345, "prunable-sets": 10, "prunable-groups": 300},
//    "sets": [
//      {"set": 1, "groups": 64, "prunable": true, "blocked": [], "outputs": [],
//       "members": [
//         {"layer": "conv1", "role": "out", "dim": 0, "per-group": 1, "indices": [[0, 64]]},
//         {"layer": "fc", "role": "in", "dim": 1, "per-group": 49, "indices": [[0, 3136]]}],
//       "values": [{"value": "%conv1", "dim": 1, "per-group": 1, "indices": [[0, 64]]}]}]}
//
// A set is `groups` groups that have the same members. Every member lists its
// indices group after group as half-open runs [start, end) in that order;
// group k is the k-th slice of `per-group` indices. `role` is "out" (the
// layer's output channels, or a norm layer's channels), "in" (its input
// channels) or "param" (a stored tensor a function op uses; `layer` is its
// path); `dim` is the weight dim the indices are on (the tensor's dim for a
// param). Conv weights are [out, in/groups, ...] ([in, out/groups, ...] when
// transposed), so a grouped conv's indices on the per-group dim are offsets
// within each group. When the groups of a set differ in size, "per-group" is
// 0 and "counts" lists them. "blocked" says why the groups cannot be removed
// (not prunable); "outputs" lists the graph outputs whose shape they change.
// "values" (with the option values=true) lists every tensor dim that shrinks
// (activations and stored tensors), like members, group after group.
// "summary" counts sets and groups, all and prunable.
#include "passes/report/ChannelGroupsReport.h"

#include "ir/Printer.h"
#include "passes/report/ReportFormat.h"

namespace pd {
namespace {


struct Listed {
  std::string name;
  std::string role; // empty for a value
  int64_t dim;
  uint32_t perGroup;
  std::vector<uint32_t> counts;
  std::vector<int64_t> indices;
};

Listed listed(const GroupedIndices &g, std::string name, std::string role, int64_t dim) {
  Listed l{std::move(name), std::move(role), dim, g.perGroup(), {}, {g.indices.begin(), g.indices.end()}};
  if (!l.perGroup)
    for (size_t k = 0; k + 1 < g.offsets.size(); ++k)
      l.counts.push_back(g.offsets[k + 1] - g.offsets[k]);
  return l;
}

struct SetRow {
  uint32_t groups;
  std::vector<Listed> members, values;
  std::vector<std::string> blocked, outputs;
};

// A member with its indices: conv1[0:64], fc:in[0:3136],
// encoder.pos_embedding:param@2[0:768].
std::string memberText(const Listed &m, size_t maxRuns) {
  return memberSpelling(m.name, m.role, m.dim) + formatRuns(m.indices, maxRuns);
}

class ChannelGroupsResult : public PassResult {
public:
  std::vector<SetRow> sets;
  bool withValues = false;
  std::string title;

  void writeJson(JsonWriter &w) const override {
    size_t groups = 0, prunableSets = 0, prunableGroups = 0;
    for (const SetRow &s : sets) {
      groups += s.groups;
      prunableSets += s.blocked.empty();
      prunableGroups += s.blocked.empty() ? s.groups : 0;
    }
    w.key("summary").beginObject();
    w.key("sets").value(static_cast<uint64_t>(sets.size()));
    w.key("groups").value(static_cast<uint64_t>(groups));
    w.key("prunable-sets").value(static_cast<uint64_t>(prunableSets));
    w.key("prunable-groups").value(static_cast<uint64_t>(prunableGroups));
    w.endObject();
    w.key("sets").beginArray();
    for (size_t i = 0; i < sets.size(); ++i) {
      const SetRow &s = sets[i];
      w.newline().beginObject();
      w.key("set").value(static_cast<uint64_t>(i + 1));
      w.key("groups").value(static_cast<uint64_t>(s.groups));
      w.key("prunable").value(s.blocked.empty());
      w.key("blocked").stringArray(s.blocked);
      w.key("outputs").stringArray(s.outputs);
      w.key("members").beginArray();
      for (const Listed &m : s.members)
        writeListed(w, m, "layer");
      w.endArray();
      if (withValues) {
        w.key("values").beginArray();
        for (const Listed &v : s.values)
          writeListed(w, v, "value");
        w.endArray();
      }
      w.endObject();
    }
    w.endArray();
  }

  void writeText(std::ostream &os) const override {
    size_t groups = 0, prunable = 0;
    for (const SetRow &s : sets) {
      groups += s.groups;
      prunable += s.blocked.empty();
    }
    os << title << ": " << sets.size() << " sets of " << groups << " groups; " << prunable
       << " prunable, " << sets.size() - prunable << " blocked\n";
    for (size_t i = 0; i < sets.size(); ++i) {
      const SetRow &s = sets[i];
      std::string line = "set " + std::to_string(i + 1) + "  " + std::to_string(s.groups) +
                         (s.groups == 1 ? " group" : " groups") + (s.blocked.empty() ? "" : "  blocked") +
                         "  ";
      std::vector<std::string> items;
      for (const Listed &m : s.members)
        items.push_back(memberText(m, 6));
      writeTilde(os, line, items);
      for (const std::string &b : s.blocked)
        os << "      blocked: " << b << "\n";
      if (!s.outputs.empty()) {
        std::string outs;
        for (const std::string &o : s.outputs)
          outs += (outs.empty() ? "" : ", ") + o;
        os << "      changes the model's output " << outs << "\n";
      }
      if (withValues) {
        std::vector<std::string> vs;
        for (const Listed &v : s.values)
          vs.push_back(v.name + "@" + std::to_string(v.dim) + formatRuns(v.indices, 6));
        writeTilde(os, "      tensors ", vs);
      }
    }
  }

  // One row per member: the set, its groups, whether it is prunable, and
  // the member's indices as runs.
  void writeCsv(std::ostream &os) const override {
    writeCsvRow(os, {"Set", "Groups", "Prunable", "Layer", "Role", "Dim", "Per group", "Indices"});
    for (size_t i = 0; i < sets.size(); ++i)
      for (const Listed &m : sets[i].members)
        writeCsvRow(os, {std::to_string(i + 1), std::to_string(sets[i].groups),
                         sets[i].blocked.empty() ? "yes" : "no", m.name, m.role, std::to_string(m.dim),
                         std::to_string(m.perGroup), formatRuns(m.indices)});
  }

private:
  static void writeListed(JsonWriter &w, const Listed &l, const char *nameKey) {
    w.beginObject();
    w.key(nameKey).value(l.name);
    if (!l.role.empty())
      w.key("role").value(l.role);
    w.key("dim").value(l.dim);
    w.key("per-group").value(static_cast<uint64_t>(l.perGroup));
    if (!l.counts.empty()) {
      w.key("counts").beginArray();
      for (uint32_t c : l.counts)
        w.value(static_cast<uint64_t>(c));
      w.endArray();
    }
    w.key("indices").beginArray();
    for (const auto &[a, b] : indexRuns(l.indices))
      w.beginArray().value(a).value(b).endArray();
    w.endArray();
    w.endObject();
  }

  // `head` then the items joined by " ~ ", wrapped before 100 columns.
  static void writeTilde(std::ostream &os, const std::string &head, const std::vector<std::string> &items) {
    const size_t width = 100, indent = 6;
    std::string line = head;
    bool first = true;
    for (const std::string &item : items) {
      std::string piece = (first ? "" : " ~ ") + item;
      if (!first && line.size() + piece.size() > width) {
        os << line << " ~\n";
        line = std::string(indent, ' ') + item;
      } else {
        line += piece;
      }
      first = false;
    }
    os << line << "\n";
  }
};

} // namespace

std::string memberSpelling(const std::string &name, const std::string &role, int64_t dim) {
  if (role == "out" && dim == 0)
    return name;
  if (role == "in" && dim == 1)
    return name + ":in";
  return name + ":" + role + "@" + std::to_string(dim);
}

std::string formatRuns(const std::vector<int64_t> &indices, size_t maxRuns) {
  std::vector<std::pair<int64_t, int64_t>> rs = indexRuns(indices);
  std::string out = "[";
  for (size_t i = 0; i < rs.size(); ++i) {
    if (maxRuns && i == maxRuns) {
      out += ",... " + std::to_string(rs.size() - maxRuns) + " more";
      break;
    }
    out += (i ? "," : "") + std::to_string(rs[i].first);
    if (rs[i].second != rs[i].first + 1)
      out += ":" + std::to_string(rs[i].second);
  }
  return out + "]";
}

std::unique_ptr<PassResult> makeChannelGroupsResult(const ChannelGroups &groups, bool withValues,
                                                    std::string title) {
  auto r = std::make_unique<ChannelGroupsResult>();
  r->withValues = withValues;
  r->title = std::move(title);
  for (const ChannelSet &s : groups.sets) {
    SetRow row;
    row.groups = s.groups;
    row.blocked = s.blocked;
    for (const Value *o : s.outputs)
      row.outputs.push_back(valueRef(o));
    for (const ChannelMember &m : s.members)
      row.members.push_back(listed(m, m.name, std::string(roleName(m.role)), m.dim));
    if (withValues)
      for (const ChannelValue &v : s.values)
        row.values.push_back(listed(v, valueRef(v.value), "", v.dim));
    r->sets.push_back(std::move(row));
  }
  return r;
}

} // namespace pd
