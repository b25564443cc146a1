// op-stats: how many ops of each kind the graph has, which ops no rule
// covers, and which ops on tensors have no channel map (by name, with the
// module paths where they occur), so a user sees exactly what prunedep could
// not reason about.
#include "passes/channels/ChannelMaps.h"
#include "passes/core/Pass.h"

#include <map>
#include <set>

namespace pd {
namespace {

class OpStatsResult : public PassResult {
public:
  std::map<std::string, size_t> counts;
  std::map<std::string, std::set<std::string>> unknown;  // kind -> module paths
  std::map<std::string, std::set<std::string>> unmapped; // ops on tensors without a channel map
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
    w.key("no-channel-map").beginObject();
    for (const auto &[k, where] : unmapped)
      w.key(k).stringArray({where.begin(), where.end()});
    w.endObject();
  }
  void writeText(std::ostream &os) const override {
    os << "op-stats: " << total << " ops of " << counts.size() << " kinds\n";
    for (const auto &[k, n] : counts)
      os << "  " << n << "\t" << k << "\n";
    auto list = [&](const char *what, const std::map<std::string, std::set<std::string>> &ops) {
      for (const auto &[k, where] : ops) {
        os << "  " << what << ": " << k << " in";
        for (const std::string &w : where)
          os << " " << (w.empty() ? "<top>" : w);
        os << "\n";
      }
    };
    list("no rule", unknown);
    list("no channel map", unmapped);
  }
  void writeCsv(std::ostream &os) const override {
    os << "Op Kind,Count,Has Rule\n";
    for (const auto &[k, n] : counts)
      os << k << "," << n << "," << (unknown.count(k) ? "no" : "yes") << "\n";
  }
};

// Channel groups reach an op through its tensors: an op on scalars, lists or
// strings only (x.size(1), int arithmetic) needs no map.
bool touchesTensors(const Op &op) {
  for (const Value *v : op.operands())
    if (v && v->type()->isTensor())
      return true;
  for (const Value *v : op.results())
    if (v->type()->isTensor())
      return true;
  return false;
}

class OpStatsPass : public Pass {
public:
  PreservedAnalyses run(Graph &g, AnalysisManager &am, PassContext &ctx) override {
    auto r = std::make_unique<OpStatsResult>();
    for (const Op &op : g.ops()) {
      std::string kind(op.kind().str());
      ++r->counts[kind];
      ++r->total;
      const OpRule *rule = am.registry().lookup(op.kind());
      if (!rule)
        r->unknown[kind].insert(std::string(op.modulePath().str()));
      else if (touchesTensors(op) && !channelMapOf(rule))
        r->unmapped[kind].insert(std::string(op.modulePath().str()));
    }
    addResult(ctx, *this, std::move(r));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createOpStatsPass() { return std::make_unique<OpStatsPass>(); }
std::vector<PassOptionInfo> OpStatsPassOptions() { return {}; }

} // namespace pd
