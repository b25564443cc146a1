// Example pass plugin: channel-budget.
//
// For each channel-dependency set (layers whose output channels must be
// pruned together) it reports how many channels the set holds, the number the
// remaining count must stay divisible by (the lcm of the group-dependency
// divisors of its members), and so the largest number of channels that can be
// removed from the whole set. It reuses two cached analyses of the built-in
// passes, so it adds no graph walk of its own. docs/writing-a-pass.md writes
// a new analysis (with a walk of its own) from scratch.
#include "passes/dependency/ChannelDependency.h"
#include "passes/dependency/GroupDependency.h"
#include "passes/core/Plugin.h"

#include <numeric>
#include <optional>

namespace {

using namespace pd;

struct SetBudget {
  std::vector<std::string> layers;
  std::optional<int64_t> channels; // unknown when a member has no channel count
  int64_t divisor = 1;
  std::optional<int64_t> maxRemovable;
};

class ChannelBudgetResult : public PassResult {
public:
  std::vector<SetBudget> sets;

  void writeJson(JsonWriter &w) const override {
    w.key("sets").beginArray();
    for (const SetBudget &s : sets) {
      w.beginObject();
      w.key("layers").stringArray(s.layers);
      w.key("channels");
      s.channels ? w.value(*s.channels) : w.null();
      w.key("divisor").value(s.divisor);
      w.key("max_removable");
      s.maxRemovable ? w.value(*s.maxRemovable) : w.null();
      w.endObject();
    }
    w.endArray();
  }
  void writeText(std::ostream &os) const override {
    os << "channel-budget (sets with more than one layer or a divisor above 1):\n";
    for (const SetBudget &s : sets) {
      if (s.layers.size() < 2 && s.divisor == 1)
        continue;
      os << "  " << (s.channels ? std::to_string(*s.channels) : "?") << " ch, keep a multiple of "
         << s.divisor << ", remove at most "
         << (s.maxRemovable ? std::to_string(*s.maxRemovable) : "?") << ":";
      for (const std::string &l : s.layers)
        os << " " << l;
      os << "\n";
    }
  }
  void writeCsv(std::ostream &os) const override {
    os << "Layers,Channels,Divisor,Max Removable\n";
    for (const SetBudget &s : sets) {
      std::string joined;
      for (const std::string &l : s.layers)
        joined += (joined.empty() ? "" : " ") + l;
      os << joined << "," << (s.channels ? std::to_string(*s.channels) : "") << "," << s.divisor
         << "," << (s.maxRemovable ? std::to_string(*s.maxRemovable) : "") << "\n";
    }
  }
};

// The output channel count of a layer, from the attribute its rule names.
std::optional<int64_t> outChannels(const Layer &layer, const OpRegistry &rules) {
  const OpRule *rule = rules.lookup(layer.op->kind());
  if (!rule || rule->outChannelsAttr.empty())
    return std::nullopt;
  return layer.op->intAttr(rule->outChannelsAttr.str());
}

class ChannelBudgetPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    const DependencySets &sets = am.getResult<ChannelDependencyAnalysis>();
    const GroupDependency &groups = am.getResult<GroupDependencyAnalysis>();
    auto result = std::make_unique<ChannelBudgetResult>();
    for (const DependencySets::Set &set : sets.sets()) {
      SetBudget b;
      std::optional<int64_t> channels;
      bool known = true;
      for (const Layer &l : set) {
        b.layers.emplace_back(l.str());
        std::optional<int64_t> c = outChannels(l, am.registry());
        if (!c)
          known = false;
        else
          channels = channels ? std::min(*channels, *c) : *c;
        if (const GroupConstraint *g = groups.find(l.name))
          b.divisor = std::lcm(b.divisor, g->divisor);
      }
      if (known && channels) {
        b.channels = channels;
        // At least one multiple of the divisor must remain.
        b.maxRemovable = *channels >= b.divisor ? *channels - b.divisor : 0;
      }
      result->sets.push_back(std::move(b));
    }
    addResult(ctx, *this, std::move(result));
    return PreservedAnalyses::all(); // reads only
  }
};

void registerChannelBudget(PluginRegistrar &r) {
  r.addPass({"channel-budget",
             "per channel-dependency set: channels, divisor, and how many can be removed",
             {},
             [] { return std::make_unique<ChannelBudgetPass>(); },
             ""});
}

} // namespace

PRUNEDEP_PLUGIN("channel-budget", "1.0", registerChannelBudget)
