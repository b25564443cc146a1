#include "passes/prune/PlanReport.h"

#include "passes/prune/PlanJson.h"
#include "passes/report/ChannelGroupsReport.h"
#include "passes/report/ReportFormat.h"
#include "passes/report/TextStyle.h"

#include <cmath>
#include <sstream>

namespace pd {
namespace {


std::string plural(size_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "ratio 0.5, importance random, seed 0, round-to 8, global, ignoring fc:out"
std::string optionsText(const PlanOptions &o) {
  std::string s = "ratio " + numberText(o.ratio) + ", importance " + o.importance;
  if (o.importance == "random")
    s += ", seed " + std::to_string(o.seed);
  if (o.roundTo > 1)
    s += ", round-to " + std::to_string(o.roundTo);
  if (o.global)
    s += ", global";
  if (!o.keepOutputs)
    s += ", outputs pruned";
  if (o.granularity != "channel")
    s += ", granularity " + o.granularity;
  for (const auto &[layer, ratio] : o.ratioOf)
    s += ", " + layer + " at " + numberText(ratio);
  for (const std::string &layer : o.ignored)
    s += ", ignoring " + layer;
  return s;
}

class PlanResult : public PassResult {
public:
  PrunePlan plan;
  int64_t macsBefore = 0, macsAfter = 0;
  std::string title, source;

  void writeJson(JsonWriter &w) const override {
    writePlanFields(w, plan);
    w.key("macs_before").value(macsBefore);
    w.key("macs_after").value(macsAfter);
  }

  void writeText(std::ostream &os) const override {
    os << paint(Paint::Title, title) << (source.empty() ? "" : " (" + source + ")") << ": "
       << optionsText(plan.options) << "\n";
    // Pruned and skipped sets, in set order.
    size_t p = 0, s = 0;
    while (p < plan.sets.size() || s < plan.skipped.size()) {
      if (s == plan.skipped.size() || (p < plan.sets.size() && plan.sets[p].set < plan.skipped[s].set)) {
        writeSet(os, plan.sets[p++]);
      } else {
        const PlanSkip &k = plan.skipped[s++];
        os << paint(Paint::Label, "set " + std::to_string(k.set)) << "  skipped: " << k.reason << "\n";
      }
    }
    os << planSummaryLine(plan, macsBefore, macsAfter) << "\n";
  }

  void writeCsv(std::ostream &os) const override {
    writeCsvRow(os, {"Set", "Groups", "Kept", "Layer", "Role", "Dim", "Removed"});
    for (const PlanSet &s : plan.sets)
      for (const PlanMember &m : s.members)
        writeCsvRow(os, {std::to_string(s.set), std::to_string(s.groups), std::to_string(s.kept), m.layer,
                         std::string(roleName(m.role)), std::to_string(m.dim), formatRuns(m.indices)});
  }

  std::string summary() const override { return plural(plan.sets.size(), "set pruned", "sets pruned"); }

private:
  static void writeSet(std::ostream &os, const PlanSet &s) {
    std::vector<int64_t> removed(s.removed.begin(), s.removed.end());
    std::string head = paint(Paint::Label, "set " + std::to_string(s.set)) + "  " +
                       paint(Paint::Count, std::to_string(s.groups) + " -> " + std::to_string(s.kept)) +
                       " groups, removed " + formatRuns(removed, 6) + ": ";
    std::vector<std::string> members;
    for (const PlanMember &m : s.members)
      members.push_back(planMemberName(m) + formatRuns(m.indices, 6));
    writeWrapped(os, head, members);
    if (!s.outputs.empty()) {
      std::string outs;
      for (const std::string &o : s.outputs)
        outs += (outs.empty() ? "" : ", ") + o;
      os << "      changes the model's output " << outs << "\n";
    }
  }
};

} // namespace

std::string planSummaryLine(const PrunePlan &plan, int64_t macsBefore, int64_t macsAfter) {
  size_t groups = 0;
  for (const PlanSet &s : plan.sets)
    groups += s.removed.size();
  std::string line = plural(plan.sets.size(), "set", "sets") + " pruned, " +
                     plural(groups, "group", "groups") + " removed, " +
                     plural(plan.skipped.size(), "set", "sets") + " skipped; MACs " +
                     std::to_string(macsBefore) + " -> " + std::to_string(macsAfter);
  if (macsBefore > 0)
    line += " (" + numberText(std::round(1000.0 * macsAfter / macsBefore) / 10) + "%)";
  return line;
}

std::unique_ptr<PassResult> makePlanResult(PrunePlan plan, int64_t macsBefore, int64_t macsAfter,
                                           std::string title, std::string source) {
  auto r = std::make_unique<PlanResult>();
  r->plan = std::move(plan);
  r->macsBefore = macsBefore;
  r->macsAfter = macsAfter;
  r->title = std::move(title);
  r->source = std::move(source);
  return r;
}

} // namespace pd
