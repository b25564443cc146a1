// JSON (schema prunedep/1), one object in "results":
//
//   {"pass": "attention-heads",
//    "summary": {"attentions": 1, "read": 1},
//    "attentions": [
//      {"attention": 1, "scope": "", "score": "%matmul", "context": "%matmul_1", "read": true,
//       "num-heads": 8, "head-dim": 8, "kv-heads": 2, "v-head-dim": 8,
//       "q": {"layer": "q_proj", "role": "out", "dim": 0, "indices": [[0, 64]]},
//       "k": {...}, "v": {...}, "o": {"layer": "o_proj", "role": "in", "dim": 1, "indices": [[0, 64]]},
//       "kv-serves": [[0, 1, 2, 3], [4, 5, 6, 7]],
//       "head-groups": {"set": 3, "groups": 2, "prunable": true, "blocked": [],
//                       "query-heads": [[0, 1, 2, 3], [4, 5, 6, 7]], "kv-heads": [[0], [1]],
//                       "others": [], "problem": ""}}]}
//
// An attention is a score product whose result reaches a context product
// (AttentionHeads.h); "scope" is the module the score runs in. q, k and v
// are the output channels of their projections ("role": "out" for a Linear
// layer, "param" with the weight's path as "layer" for a function linear on
// stored weights such as torch's packed in_proj_weight) and o the input
// channels of the layer the context feeds; "indices" are the channels of
// that role as [start, end) runs (q's third of a packed projection); "dim"
// is the weight dim holding them. "o" is null, with "o-missing" saying why,
// when the context reaches no single layer. "kv-serves" lists per key/value
// head the query heads that read it. "head-groups" is the set of
// channel-groups{granularity=head} holding q's channels ("set": 0 when none
// does): per group, the query heads and key/value heads it removes (which
// channels those are is in that set's members), the set's other members (a
// per-head bias), and "problem" when the groups do not match the heads. An
// attention the analysis cannot read has "read": false and "reason", and
// nothing else.
#include "passes/report/AttentionHeadsReport.h"

#include "ir/Printer.h"
#include "passes/report/ChannelGroupsReport.h"
#include "passes/report/ReportFormat.h"
#include "passes/report/TextStyle.h"

#include <algorithm>

namespace pd {
namespace {

struct Channels {
  bool found = false;
  std::string name, role, missing;
  int64_t dim = 0;
  std::vector<int64_t> rows;
};

Channels channels(const HeadProjection &p) {
  Channels c;
  c.found = p.op != nullptr;
  c.missing = p.missing;
  c.name = p.name;
  c.role = p.weight ? "param" : p.input ? "in" : "out";
  c.dim = p.weightDim;
  c.rows = p.rows;
  return c;
}

// A member as channel-groups' text spells it: q_proj[0:64], o_proj:in[0:64],
// attn.in_proj_weight:param@0[0:768].
std::string spelled(const Channels &c) { return memberSpelling(c.name, c.role, c.dim) + formatRuns(c.rows); }

struct Row {
  std::string scope, score, context, reason;
  bool read = false;
  Channels q, k, v, o;
  int64_t numHeads = 0, headDim = 0, kvHeads = 0, vHeadDim = 0;
  std::vector<std::vector<int64_t>> serves; // per kv head: its query heads
  // The head groups.
  int64_t set = -1;
  uint32_t groups = 0;
  std::vector<std::string> blocked, others;
  std::vector<std::vector<int64_t>> groupQuery, groupKv;
  std::vector<std::tuple<std::string, std::string, int64_t>> otherMembers;
  std::string problem;
};

class AttentionHeadsResultPrinter : public PassResult {
public:
  std::vector<Row> rows;

  size_t numRead() const {
    return static_cast<size_t>(std::count_if(rows.begin(), rows.end(), [](const Row &r) { return r.read; }));
  }

  void writeJson(JsonWriter &w) const override {
    w.key("summary").beginObject();
    w.key("attentions").value(static_cast<uint64_t>(rows.size()));
    w.key("read").value(static_cast<uint64_t>(numRead()));
    w.endObject();
    w.key("attentions").beginArray();
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row &r = rows[i];
      w.newline().beginObject();
      w.key("attention").value(static_cast<uint64_t>(i + 1));
      w.key("scope").value(r.scope);
      w.key("score").value(r.score);
      w.key("context").value(r.context);
      w.key("read").value(r.read);
      if (!r.read) {
        w.key("reason").value(r.reason);
        w.endObject();
        continue;
      }
      w.key("num-heads").value(r.numHeads);
      w.key("head-dim").value(r.headDim);
      w.key("kv-heads").value(r.kvHeads);
      w.key("v-head-dim").value(r.vHeadDim);
      for (auto [key, c] : {std::pair{"q", &r.q}, {"k", &r.k}, {"v", &r.v}, {"o", &r.o}})
        writeChannels(w, key, *c);
      if (!r.o.found)
        w.key("o-missing").value(r.o.missing);
      w.key("kv-serves");
      writeLists(w, r.serves);
      w.key("head-groups").beginObject();
      w.key("set").value(r.set + 1);
      w.key("groups").value(static_cast<uint64_t>(r.groups));
      w.key("prunable").value(r.set >= 0 && r.blocked.empty());
      w.key("blocked").stringArray(r.blocked);
      w.key("query-heads");
      writeLists(w, r.groupQuery);
      w.key("kv-heads");
      writeLists(w, r.groupKv);
      w.key("others").beginArray();
      for (const auto &[name, role, dim] : r.otherMembers) {
        w.beginObject();
        w.key("layer").value(name);
        w.key("role").value(role);
        w.key("dim").value(dim);
        w.endObject();
      }
      w.endArray();
      w.key("problem").value(r.problem);
      w.endObject();
      w.endObject();
    }
    w.endArray();
  }

  void writeText(std::ostream &os) const override {
    os << paint(Paint::Title, "attention-heads") << ": " << rows.size()
       << (rows.size() == 1 ? " attention, " : " attentions, ") << numRead() << " read\n";
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row &r = rows[i];
      std::vector<std::string> where{r.score, "->", r.context};
      if (!r.scope.empty())
        where.insert(where.begin(), r.scope + ":");
      writeWrapped(os, paint(Paint::Label, "attention " + std::to_string(i + 1)) + "  ", where, /*commas=*/false);
      if (!r.read) {
        os << "  not read: " << r.reason << "\n";
        continue;
      }
      std::string sizes = "num_heads=" + std::to_string(r.numHeads) + " head_dim=" + std::to_string(r.headDim) +
                          " kv_heads=" + std::to_string(r.kvHeads);
      if (r.vHeadDim != r.headDim)
        sizes += " v_head_dim=" + std::to_string(r.vHeadDim);
      writeWrapped(os, "  " + sizes + "  ", relation(r), /*commas=*/false);
      writeWrapped(os, "  ", {"q " + spelled(r.q), "k " + spelled(r.k), "v " + spelled(r.v),
                              r.o.found ? "o " + spelled(r.o) : "o: none (" + r.o.missing + ")"},
                   /*commas=*/false);
      os << "  head groups: " << headSet(r) << "\n";
      if (std::vector<std::string> g = groupWords(r); !g.empty())
        writeWrapped(os, "    ", g, /*commas=*/false);
      if (!r.others.empty())
        writeWrapped(os, "    each also removes from ", r.others);
      for (const std::string &b : r.blocked)
        os << "    blocked: " << b << "\n";
      if (!r.problem.empty())
        os << "    the groups do not match the heads: " << r.problem << "\n";
    }
  }

  std::string summary() const override {
    size_t n = numRead();
    if (!n)
      return {};
    return std::to_string(n) + (n == 1 ? " attention with heads" : " attentions with heads");
  }

  void writeCsv(std::ostream &os) const override {
    writeCsvRow(os, {"Attention", "Score", "Read", "Q", "K", "V", "O", "Num heads", "Head dim", "KV heads",
                     "Head set", "Prunable", "Reason"});
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row &r = rows[i];
      if (!r.read) {
        writeCsvRow(os, {std::to_string(i + 1), r.score, "no", "", "", "", "", "", "", "", "", "", r.reason});
        continue;
      }
      writeCsvRow(os, {std::to_string(i + 1), r.score, "yes", spelled(r.q), spelled(r.k), spelled(r.v),
                       r.o.found ? spelled(r.o) : "", std::to_string(r.numHeads), std::to_string(r.headDim),
                       std::to_string(r.kvHeads), std::to_string(r.set + 1),
                       r.set >= 0 && r.blocked.empty() ? "yes" : "no", r.problem});
    }
  }

private:
  static void writeChannels(JsonWriter &w, const char *key, const Channels &c) {
    w.key(key);
    if (!c.found) {
      w.null();
      return;
    }
    w.beginObject();
    w.key("layer").value(c.name);
    w.key("role").value(c.role);
    w.key("dim").value(c.dim);
    w.key("indices").beginArray();
    for (const auto &[a, b] : indexRuns(c.rows))
      w.beginArray().value(a).value(b).endArray();
    w.endArray();
    w.endObject();
  }

  static void writeLists(JsonWriter &w, const std::vector<std::vector<int64_t>> &lists) {
    w.beginArray();
    for (const std::vector<int64_t> &l : lists) {
      w.beginArray();
      for (int64_t x : l)
        w.value(x);
      w.endArray();
    }
    w.endArray();
  }

  // Which query heads read which key/value head, as items to wrap.
  static std::vector<std::string> relation(const Row &r) {
    if (r.kvHeads == 1 && r.numHeads > 1)
      return {"(one key/value head serves all query heads)"};
    bool identity = r.kvHeads == r.numHeads;
    for (int64_t j = 0; identity && j < r.kvHeads; ++j)
      identity = r.serves[j] == std::vector<int64_t>{j};
    if (identity)
      return {"(query head h reads key/value head h)"};
    std::vector<std::string> out;
    for (size_t j = 0; j < r.serves.size(); ++j)
      out.push_back("kv head " + std::to_string(j) + " serves query heads " + formatRuns(r.serves[j]) +
                    (j + 1 < r.serves.size() ? ";" : ""));
    return out;
  }

  // The head set: which set, how many groups, whether they can be removed.
  static std::string headSet(const Row &r) {
    if (r.set < 0)
      return "none (" + r.problem + ")";
    return "set " + std::to_string(r.set + 1) + " of channel-groups{granularity=head}, " +
           std::to_string(r.groups) + (r.groups == 1 ? " group" : " groups") +
           (r.blocked.empty() ? ", prunable" : ", blocked");
  }

  // What a head group removes, as items to wrap: one sentence when the
  // groups follow the heads in order, else the heads of each group.
  static std::vector<std::string> groupWords(const Row &r) {
    if (r.set < 0 || !r.problem.empty())
      return {};
    bool byKv = r.groups == static_cast<uint32_t>(r.kvHeads) && r.kvHeads > 1;
    for (uint32_t g = 0; byKv && g < r.groups; ++g)
      byKv = r.groupKv[g] == std::vector<int64_t>{g} && r.groupQuery[g] == r.serves[g];
    if (byKv && r.kvHeads == r.numHeads)
      return {"group h removes head h of q, k, v and o"};
    if (byKv)
      return {"group j removes key/value head j and the query heads it serves"};
    bool byQuery = r.kvHeads == 1 && r.groups == static_cast<uint32_t>(r.numHeads);
    for (uint32_t g = 0; byQuery && g < r.groups; ++g)
      byQuery = r.groupQuery[g] == std::vector<int64_t>{g};
    if (byQuery)
      return {"group h removes query head h (k and v stay)"};
    std::vector<std::string> out;
    for (uint32_t g = 0; g < r.groups; ++g)
      out.push_back("group " + std::to_string(g + 1) + ": query heads " + formatRuns(r.groupQuery[g]) +
                    ", kv heads " + formatRuns(r.groupKv[g]) + (g + 1 < r.groups ? ";" : ""));
    return out;
  }
};

std::string scopeOf(const Op &op) { return op.isModuleCall() ? "" : std::string(op.modulePath().str()); }

} // namespace

std::unique_ptr<PassResult> makeAttentionHeadsResult(const AttentionHeadsResult &heads,
                                                     const ChannelGroups &byHead) {
  auto out = std::make_unique<AttentionHeadsResultPrinter>();
  std::vector<AttentionHeadGroups> groups = readHeadGroups(heads, byHead);
  for (size_t i = 0; i < heads.attentions.size(); ++i) {
    const AttentionHeads &a = heads.attentions[i];
    Row r;
    r.scope = scopeOf(*a.score);
    r.score = valueRef(a.score->result());
    r.context = valueRef(a.context->result());
    r.read = a.read;
    r.reason = a.reason;
    if (a.read) {
      r.q = channels(a.q);
      r.k = channels(a.k);
      r.v = channels(a.v);
      r.o = channels(a.o);
      r.numHeads = a.numHeads;
      r.headDim = a.headDim;
      r.kvHeads = a.kvHeads;
      r.vHeadDim = a.vHeadDim;
      r.serves.resize(a.kvHeads);
      for (int64_t h = 0; h < a.numHeads; ++h)
        r.serves[a.kvOfQuery[h]].push_back(h);
      const AttentionHeadGroups &g = groups[i];
      r.set = g.set;
      r.problem = g.problem;
      r.groupQuery = g.queryHeads;
      r.groupKv = g.kvHeads;
      if (g.set >= 0) {
        const ChannelSet &s = byHead.sets[g.set];
        r.groups = s.groups;
        r.blocked = s.blocked;
      }
      for (const ChannelMember *m : g.others) {
        r.others.push_back(memberSpelling(m->name, std::string(roleName(m->role)), m->dim));
        r.otherMembers.emplace_back(m->name, std::string(roleName(m->role)), m->dim);
      }
    }
    out->rows.push_back(std::move(r));
  }
  return out;
}

} // namespace pd
