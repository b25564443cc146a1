#include "passes/graph/UnknownOps.h"

#include <map>
#include <set>

namespace pd {

UnknownOpPolicy parseUnknownOpPolicy(const std::string &text) {
  if (text == "error") return UnknownOpPolicy::Error;
  if (text == "warn") return UnknownOpPolicy::Warn;
  if (text == "transparent") return UnknownOpPolicy::Transparent;
  if (text == "barrier") return UnknownOpPolicy::Barrier;
  throw Error("--unknown-ops must be error, warn, transparent or barrier, not '" + text + "'");
}

size_t resolveUnknownOps(const Graph &g, OpRegistry &rules, UnknownOpPolicy policy,
                       std::vector<std::string> &warnings) {
  // kind -> (first op, module paths), in order of first appearance
  std::vector<Symbol> order;
  std::map<uint32_t, std::pair<const Op *, std::set<std::string>>> unknown;
  for (const Op &op : g.ops()) {
    prefetchAhead(op); // the list is a chain of loads from DRAM (Graph.h)
    if (rules.lookup(op.kind()))
      continue;
    auto [it, inserted] = unknown.try_emplace(op.kind().id());
    if (inserted) {
      order.push_back(op.kind());
      it->second.first = &op;
    }
    it->second.second.insert(op.modulePath() ? std::string(op.modulePath().str()) : "<top>");
  }
  for (Symbol kind : order) {
    const auto &[first, where] = unknown[kind.id()];
    // A real model repeats an op in hundreds of modules; name a few.
    constexpr size_t kShown = 4;
    std::string list;
    size_t shown = 0;
    for (const std::string &w : where) {
      if (shown++ == kShown) {
        list += " and " + std::to_string(where.size() - kShown) + " more modules";
        break;
      }
      list += (list.empty() ? "" : ", ") + w;
    }
    std::string what = "op '" + std::string(kind.str()) + "' has no rule (in " + list + ")";
    if (policy == UnknownOpPolicy::Error)
      throw Error(first->loc(), what + "; add one with --rules FILE or a plugin, or choose "
                                       "--unknown-ops=warn|transparent|barrier");
    if (policy == UnknownOpPolicy::Warn)
      warnings.push_back(what + "; treated as a barrier (no dependency crosses it). Teach "
                                "prunedep with --rules FILE, or pass --unknown-ops=transparent");
    OpRule r;
    r.kind = kind;
    r.set(policy == UnknownOpPolicy::Transparent ? Trait::Transparent : Trait::Barrier);
    r.origin = "--unknown-ops";
    rules.add(std::move(r));
  }
  return order.size();
}

} // namespace pd
