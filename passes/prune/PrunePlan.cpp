#include "passes/prune/PrunePlan.h"

#include "passes/report/ReportFormat.h"

#include "ir/Diagnostic.h"
#include "ir/Printer.h"
#include "ir/Printer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

namespace pd {
namespace {


void checkRatio(double r, const std::string &what) {
  if (!(r >= 0 && r < 1))
    throw Error(what + " " + numberText(r) + ": expected a number in [0, 1)");
}

// "fc:out" -> ("fc", Out); "fc" -> ("fc", none).
struct LayerRef {
  std::string name;
  std::optional<ChannelMember::Role> role;
};
LayerRef parseLayerRef(const std::string &s) {
  size_t colon = s.rfind(':');
  if (colon != std::string::npos) {
    std::string role = s.substr(colon + 1);
    if (role == "out")
      return {s.substr(0, colon), ChannelMember::Role::Out};
    if (role == "in")
      return {s.substr(0, colon), ChannelMember::Role::In};
    if (role == "param")
      return {s.substr(0, colon), ChannelMember::Role::Param};
  }
  return {s, std::nullopt};
}

// The layer itself or one under it (features matches features.0.conv).
bool under(const std::string &member, const std::string &layer) {
  return member == layer || (member.size() > layer.size() && member.compare(0, layer.size(), layer) == 0 &&
                             member[layer.size()] == '.');
}

bool matches(const ChannelMember &m, const LayerRef &r) {
  return under(m.name, r.name) && (!r.role || *r.role == m.role);
}

std::vector<uint32_t> groupSlice(const GroupedIndices &g, uint32_t group) {
  return std::vector<uint32_t>(g.indices.begin() + g.offsets[group], g.indices.begin() + g.offsets[group + 1]);
}

// Every member's indices of the removed groups, ascending.
std::vector<PlanMember> membersOf(const ChannelSet &set, const std::vector<uint32_t> &removed) {
  std::vector<PlanMember> out;
  for (const ChannelMember &cm : set.members) {
    PlanMember pm{cm.name, cm.role, cm.dim, {}};
    for (uint32_t g : removed)
      for (uint32_t i : groupSlice(cm, g))
        pm.indices.push_back(i);
    std::sort(pm.indices.begin(), pm.indices.end());
    out.push_back(std::move(pm));
  }
  return out;
}

std::string setName(uint32_t number, const ChannelSet &set) {
  std::string s = "set " + std::to_string(number);
  if (!set.members.empty())
    s += " (" + set.members[0].name + (set.members.size() > 1 ? ", ..." : "") + ")";
  return s;
}

// Groups a set keeps at `ratio`, rounded so that every member keeps a
// multiple of `roundTo` channels when the set has room for it.
uint32_t keepCount(uint32_t groups, double ratio, uint32_t step) {
  uint32_t keep = std::max<uint32_t>(1, groups - static_cast<uint32_t>(std::floor(ratio * groups)));
  if (step > 1 && keep % step) {
    uint32_t up = (keep / step + 1) * step;
    keep = up <= groups ? up : std::max(step, keep / step * step);
  }
  return keep;
}

// Groups per rounding step: the smallest count of groups whose channels are
// a multiple of `roundTo` in every member. More than the set has: the set
// cannot be rounded (a small set is left whole by the caller); when its
// groups hold several channels each (whole heads, one channel per conv group)
// that `roundTo` cuts across, that is a conflict the user must hear about.
uint64_t roundingStep(const ChannelSet &set, uint32_t roundTo, uint32_t number) {
  if (roundTo <= 1)
    return 1;
  uint64_t step = 1;
  bool crossesDivisor = false;
  for (const ChannelMember &m : set.members) {
    uint32_t per = m.perGroup();
    if (per == 0)
      continue;
    uint64_t s = roundTo / std::gcd(roundTo, per);
    step = std::lcm(step, s);
    crossesDivisor |= per > 1 && roundTo % per != 0 && per % roundTo != 0;
  }
  if (step > set.groups && crossesDivisor)
    throw Error("round-to " + std::to_string(roundTo) + " conflicts with " + setName(number, set) + ": its " +
                std::to_string(set.groups) + " groups hold " + std::to_string(set.members[0].perGroup()) +
                " channel(s) each in " + set.members[0].name + ", and a multiple of " + std::to_string(roundTo) +
                " needs " + std::to_string(step) + " groups");
  return step;
}

// The `count` lowest-scored groups, lowest index first on ties; ascending.
std::vector<uint32_t> lowest(const std::vector<double> &scores, uint32_t count) {
  std::vector<uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return scores[a] < scores[b]; });
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

struct Candidate {
  uint32_t index; // into groups.sets
  double ratio;
  bool fixedRatio; // a --ratio-of applies: not ranked globally
  uint32_t step;
  std::vector<double> scores;
};

} // namespace

GroupScorer randomScorer(uint64_t seed) {
  return [seed](const ChannelSet &set, uint32_t number) {
    // One stream per set, so a set's scores do not depend on the others.
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + number);
    std::vector<double> out(set.groups);
    for (double &x : out)
      x = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    return out;
  };
}

PrunePlan planPruning(const ChannelGroups &groups, const PlanOptions &o, const GroupScorer &score,
                      const NameExists &exists) {
  checkRatio(o.ratio, "ratio");
  std::vector<LayerRef> ignored, ratioLayers;
  for (const std::string &name : o.ignored) {
    LayerRef r = parseLayerRef(name);
    if (exists && !exists(r.name))
      throw Error("ignored layer '" + name + "': no layer or stored tensor of that name in the model");
    ignored.push_back(r);
  }
  for (const auto &[name, ratio] : o.ratioOf) {
    checkRatio(ratio, "ratio of " + name);
    LayerRef r = parseLayerRef(name);
    if (exists && !exists(r.name))
      throw Error("ratio of '" + name + "': no layer or stored tensor of that name in the model");
    ratioLayers.push_back(r);
  }

  PrunePlan plan;
  plan.options = o;
  std::vector<Candidate> candidates;
  // A layer given its own ratio that is only in blocked sets cannot get it:
  // the first such set, per --ratio-of entry, to name in the error.
  std::vector<bool> ratioPrunable(ratioLayers.size(), false);
  std::vector<std::string> ratioBlocked(ratioLayers.size());
  for (uint32_t i = 0; i < groups.sets.size(); ++i) {
    const ChannelSet &set = groups.sets[i];
    uint32_t num = i + 1;
    for (size_t k = 0; k < ratioLayers.size(); ++k)
      for (const ChannelMember &m : set.members)
        if (matches(m, ratioLayers[k])) {
          if (set.prunable())
            ratioPrunable[k] = true;
          else if (ratioBlocked[k].empty())
            ratioBlocked[k] = setName(num, set) + " cannot be pruned: " + set.blocked.front();
          break;
        }
    if (!set.prunable()) {
      std::string why;
      for (const std::string &b : set.blocked)
        why += (why.empty() ? "" : "; ") + b;
      plan.skipped.push_back({num, "blocked: " + why});
      continue;
    }
    const ChannelMember *hit = nullptr;
    const std::string *by = nullptr;
    for (const ChannelMember &m : set.members)
      for (size_t k = 0; k < ignored.size() && !hit; ++k)
        if (matches(m, ignored[k])) {
          hit = &m;
          by = &o.ignored[k];
        }
    if (hit) {
      plan.skipped.push_back({num, "ignored layer " + *by + " (" + hit->name + ", " +
                                       std::string(roleName(hit->role)) + ")"});
      continue;
    }
    if (o.keepOutputs && !set.outputs.empty()) {
      plan.skipped.push_back({num, "changes the model's output " + valueRef(set.outputs[0]) +
                                       " (its shape is kept)"});
      continue;
    }
    uint64_t step = roundingStep(set, o.roundTo, num);
    if (step > set.groups) {
      plan.skipped.push_back({num, "round-to " + std::to_string(o.roundTo) + ": its " +
                                       std::to_string(set.groups) + " group(s) cannot keep a multiple of " +
                                       std::to_string(o.roundTo) + " channels"});
      continue;
    }
    Candidate c{i, o.ratio, false, static_cast<uint32_t>(step), {}};
    for (size_t k = 0; k < ratioLayers.size() && !c.fixedRatio; ++k)
      for (const ChannelMember &m : set.members)
        if (matches(m, ratioLayers[k])) {
          c.ratio = o.ratioOf[k].second;
          c.fixedRatio = true;
          break;
        }
    if (keepCount(set.groups, c.ratio, c.step) >= set.groups && !(o.global && !c.fixedRatio))
      continue; // nothing to remove
    c.scores = score(set, num);
    if (c.scores.size() != set.groups)
      throw Error("importance: " + std::to_string(c.scores.size()) + " score(s) for " + setName(num, set) +
                  " of " + std::to_string(set.groups) + " groups");
    candidates.push_back(std::move(c));
  }

  for (size_t k = 0; k < ratioLayers.size(); ++k)
    if (!ratioPrunable[k] && !ratioBlocked[k].empty())
      throw Error("ratio of '" + o.ratioOf[k].first + "': " + ratioBlocked[k]);

  // How many groups each candidate keeps.
  std::vector<uint32_t> keep(candidates.size());
  for (size_t k = 0; k < candidates.size(); ++k)
    keep[k] = keepCount(groups.sets[candidates[k].index].groups, candidates[k].ratio, candidates[k].step);
  if (o.global) {
    // Scores divided by their set's mean, so sets of different sizes and
    // member counts compare; then the lowest go over all ranked sets, each
    // keeping at least one group.
    struct Ranked {
      double score;
      size_t candidate;
    };
    std::vector<Ranked> all;
    uint64_t total = 0;
    for (size_t k = 0; k < candidates.size(); ++k) {
      if (candidates[k].fixedRatio)
        continue;
      const std::vector<double> &s = candidates[k].scores;
      double mean = std::accumulate(s.begin(), s.end(), 0.0) / s.size();
      for (double x : s)
        all.push_back({mean > 0 ? x / mean : 0.0, k});
      total += s.size();
      keep[k] = static_cast<uint32_t>(s.size());
    }
    std::stable_sort(all.begin(), all.end(), [](const Ranked &a, const Ranked &b) { return a.score < b.score; });
    uint64_t toRemove = static_cast<uint64_t>(std::floor(o.ratio * total));
    for (const Ranked &r : all) {
      if (toRemove == 0)
        break;
      if (keep[r.candidate] > 1) {
        --keep[r.candidate];
        --toRemove;
      }
    }
    for (size_t k = 0; k < candidates.size(); ++k)
      if (!candidates[k].fixedRatio) {
        uint32_t g = static_cast<uint32_t>(candidates[k].scores.size()), step = candidates[k].step;
        if (step > 1 && keep[k] % step)
          keep[k] = std::min(g, (keep[k] / step + 1) * step);
      }
  }
  for (size_t k = 0; k < candidates.size(); ++k) {
    const ChannelSet &set = groups.sets[candidates[k].index];
    if (keep[k] >= set.groups)
      continue;
    PlanSet ps;
    ps.set = candidates[k].index + 1;
    ps.groups = set.groups;
    ps.kept = keep[k];
    ps.removed = lowest(candidates[k].scores, set.groups - keep[k]);
    ps.members = membersOf(set, ps.removed);
    for (const Value *v : set.outputs)
      ps.outputs.push_back(valueRef(v));
    plan.sets.push_back(std::move(ps));
  }
  return plan;
}

void checkPlan(const ChannelGroups &groups, const PrunePlan &plan) {
  uint32_t last = 0;
  for (const PlanSet &ps : plan.sets) {
    std::string where = "plan set " + std::to_string(ps.set);
    if (ps.set == 0 || ps.set > groups.sets.size())
      throw Error(where + ": the model has " + std::to_string(groups.sets.size()) + " channel-groups sets");
    if (ps.set <= last)
      throw Error(where + ": sets must be listed once each, in ascending order");
    last = ps.set;
    const ChannelSet &set = groups.sets[ps.set - 1];
    where = "plan " + setName(ps.set, set);
    if (!set.prunable())
      throw Error(where + ": the set cannot be pruned: " + set.blocked.front());
    if (ps.groups != set.groups)
      throw Error(where + ": the plan says " + std::to_string(ps.groups) + " groups, the model has " +
                  std::to_string(set.groups));
    for (size_t k = 0; k < ps.removed.size(); ++k) {
      if (ps.removed[k] >= set.groups)
        throw Error(where + ": group " + std::to_string(ps.removed[k]) + " does not exist (" +
                    std::to_string(set.groups) + " groups)");
      if (k && ps.removed[k] <= ps.removed[k - 1])
        throw Error(where + ": removed groups must be ascending and distinct");
    }
    if (ps.removed.size() >= set.groups)
      throw Error(where + ": removing all " + std::to_string(set.groups) + " groups would empty " +
                  set.members[0].name);
    if (ps.kept != set.groups - ps.removed.size())
      throw Error(where + ": kept " + std::to_string(ps.kept) + " is not groups minus removed (" +
                  std::to_string(set.groups - ps.removed.size()) + ")");
    std::vector<PlanMember> expected = membersOf(set, ps.removed);
    if (ps.members.size() != expected.size())
      throw Error(where + ": " + std::to_string(ps.members.size()) + " member(s), the model's set has " +
                  std::to_string(expected.size()));
    for (size_t m = 0; m < expected.size(); ++m) {
      const PlanMember &got = ps.members[m], &want = expected[m];
      if (got.layer != want.layer || got.role != want.role || got.dim != want.dim)
        throw Error(where + ": member " + std::to_string(m + 1) + " is " + planMemberName(got) + " (dim " +
                    std::to_string(got.dim) + "), the model's is " + planMemberName(want) + " (dim " +
                    std::to_string(want.dim) + ")");
      if (got.indices != want.indices)
        throw Error(where + ": member " + planMemberName(got) +
                    ": its indices are not those of the removed groups");
    }
  }
}

} // namespace pd
