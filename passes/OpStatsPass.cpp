// op-stats: how many ops of each kind the graph has, and which ops no rule
// covers (by name, with the module paths where they occur), so a user sees
// exactly what prunedep could not reason about.
#include "passes/Pass.h"

#include <map>
#include <set>

namespace pd {
namespace {

class OpStatsResult : public PassResult {
public:
  std::map<std::string, size_t> counts;
  std::map<std::string, std::set<std::string>> unknown; // kind -> module paths
  size_t total = 0;

  void writeJson(JsonWriter &w) const override {
    w.key("ops").value(static_cast<int64_t>(total));
    w.key("kinds").beginObject();
    for (const auto &[k, n] : counts)
      w.key(k).value(static_cast<int64_t>(n));
    w.endObject();
    w.key("unknown").beginObject();
    for (const auto &[k, where] : unknown)
      w.key(k).stringArray({where.begin(), where.end()});
    w.endObject();
  }
  void writeText(std::ostream &os) const override {
    os << "op-stats: " << total << " ops of " << counts.size() << " kinds\n";
    for (const auto &[k, n] : counts)
      os << "  " << n << "\t" << k << "\n";
    for (const auto &[k, where] : unknown) {
      os << "  no rule: " << k << " in";
      for (const std::string &w : where)
        os << " " << (w.empty() ? "<top>" : w);
      os << "\n";
    }
  }
  void writeCsv(std::ostream &os) const override {
    os << "Op Kind,Count,Has Rule\n";
    for (const auto &[k, n] : counts)
      os << k << "," << n << "," << (unknown.count(k) ? "no" : "yes") << "\n";
  }
};

class OpStatsPass : public Pass {
public:
  PreservedAnalyses run(Graph &g, AnalysisManager &am, PassContext &ctx) override {
    auto r = std::make_unique<OpStatsResult>();
    for (const Op &op : g.ops()) {
      std::string kind(op.kind().str());
      ++r->counts[kind];
      ++r->total;
      if (!am.registry().lookup(op.kind()))
        r->unknown[kind].insert(std::string(op.modulePath().str()));
    }
    addResult(ctx, *this, std::move(r));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createOpStatsPass() { return std::make_unique<OpStatsPass>(); }
std::vector<PassOptionInfo> OpStatsPassOptions() { return {}; }

} // namespace pd
