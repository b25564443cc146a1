#include "passes/prune/PlanForGraph.h"

#include "ir/Diagnostic.h"
#include "passes/channels/ChannelGroups.h"
#include "passes/channels/HeadGroups.h"
#include "passes/prune/PlanJson.h"

#include <charconv>
#include <memory>
#include <unordered_set>

namespace pd {
namespace {

// "a;b;;c" -> a, b, c
std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = std::min(text.find(';', start), text.size());
    if (end > start)
      out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A name and every module above it: layer1.0.conv1 -> layer1, layer1.0, layer1.0.conv1.
void addWithParents(std::unordered_set<std::string> &names, std::string_view name) {
  for (size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.', dot + 1))
    names.emplace(name.substr(0, dot));
  if (!name.empty())
    names.emplace(name);
}

} // namespace

const ChannelGroups &planGroups(AnalysisManager &am, const std::string &granularity) {
  if (granularity == "head")
    return am.getResult<HeadChannelGroupsAnalysis>();
  if (granularity != "channel")
    throw Error("error: granularity '" + granularity + "': expected channel or head");
  return am.getResult<ChannelGroupsAnalysis>();
}

NameExists namesInGraph(const Graph &g, const OpRegistry &registry) {
  auto names = std::make_shared<std::unordered_set<std::string>>();
  for (const Op &op : g.ops()) {
    addWithParents(*names, op.modulePath().str());
    const OpRule *rule = registry.lookup(op.kind());
    if (rule && rule->channelMap && rule->channelMap->kind == ChannelMapKind::Parameter)
      if (const Attribute *name = rule->channelMap->attrArg(op, ChannelMapKey::Name))
        if (name->isStr())
          addWithParents(*names, name->getStr());
  }
  return [names](std::string_view n) { return names->count(std::string(n)) > 0; };
}

PrunePlan planForGraph(Graph &g, AnalysisManager &am, const PlanOptions &o, const std::string &planIn) {
  if (!planIn.empty()) {
    PrunePlan plan = readPlanFile(planIn);
    const ChannelGroups &groups = planGroups(am, plan.options.granularity);
    try {
      checkPlan(groups, plan);
    } catch (const Error &e) {
      throw Error(planIn + ": error: " + e.what());
    }
    return plan;
  }
  if (o.importance == "l1" || o.importance == "l2")
    throw Error("error: importance " + o.importance +
                " ranks groups by the model's weights, and IR carries none: prune the TorchScript "
                "model (prunedep prune MODEL.pt) or use importance random");
  if (o.importance != "random")
    throw Error("error: importance '" + o.importance + "': expected l1, l2 or random");
  const ChannelGroups &groups = planGroups(am, o.granularity);
  try {
    return planPruning(groups, o, randomScorer(o.seed), namesInGraph(g, am.registry()));
  } catch (const Error &e) {
    throw Error(std::string("error: ") + e.what());
  }
}

double parseRatio(std::string_view text, const std::string &what) {
  double r = 0;
  std::from_chars_result res{text.data(), std::errc::invalid_argument};
  if (!text.empty())
    res = std::from_chars(text.data(), text.data() + text.size(), r);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size())
    throw Error("error: " + what + " '" + std::string(text) + "': expected a number in [0, 1)");
  return r;
}

std::vector<PassOptionInfo> planPassOptions() {
  return {{"ratio", "share of each set's groups to remove, in [0, 1)", "0.5", {}},
          {"importance",
           "how groups are ranked: random (seeded); l1 and l2 need the weights (prunedep prune MODEL.pt)",
           "random",
           {"random", "l1", "l2"}},
          {"seed", "seed of importance=random", "0", {}},
          {"round-to", "keep a multiple of N channels per member where the set allows (0: no rounding)", "0", {}},
          {"global",
           "rank the groups of all sets together (scores normalized per set)",
           "false",
           {"false", "true"}},
          {"keep-outputs",
           "skip the sets that change a model output's shape (a classifier's classes)",
           "true",
           {"true", "false"}},
          {"ignore", "layers kept whole, ';'-separated: NAME, or NAME:out / NAME:in for one role", "", {}},
          {"ratio-of", "per-layer ratios, ';'-separated LAYER:R (a set with that layer uses R)", "", {}},
          {"granularity",
           "channel: the finest groups; head: whole attention heads",
           "channel",
           {"channel", "head"}},
          {"plan-in", "apply the plan saved in this JSON file (checked against the model) instead", "", {}}};
}

PlanOptions planOptionsFromPass(const PassOptions &opts) {
  PlanOptions o;
  o.ratio = parseRatio(opts.get("ratio"), "ratio");
  o.importance = opts.get("importance");
  const std::string &seed = opts.get("seed"), &roundTo = opts.get("round-to");
  auto [se, sec] = std::from_chars(seed.data(), seed.data() + seed.size(), o.seed);
  if (seed.empty() || sec != std::errc() || se != seed.data() + seed.size())
    throw Error("error: seed '" + seed + "': expected a non-negative integer");
  auto [re, rec] = std::from_chars(roundTo.data(), roundTo.data() + roundTo.size(), o.roundTo);
  if (roundTo.empty() || rec != std::errc() || re != roundTo.data() + roundTo.size())
    throw Error("error: round-to '" + roundTo + "': expected a non-negative integer");
  o.global = opts.get("global") == "true";
  o.keepOutputs = opts.get("keep-outputs") == "true";
  o.ignored = splitList(opts.get("ignore"));
  for (const std::string &item : splitList(opts.get("ratio-of"))) {
    size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0)
      throw Error("error: ratio-of '" + item + "': expected LAYER:RATIO");
    o.ratioOf.push_back({item.substr(0, colon), parseRatio(std::string_view(item).substr(colon + 1),
                                                          "ratio of " + item.substr(0, colon))});
  }
  o.granularity = opts.get("granularity");
  return o;
}

} // namespace pd
