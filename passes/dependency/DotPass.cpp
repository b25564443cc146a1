// dot{coupled-only=false}: a Graphviz picture of the model at layer level,
// behind `prunedep --format dot`. Nodes are the prunable layers and the ops
// that tie them (add, mul, cat off the channel axis); an edge runs from a
// layer to the first joins its channels reach, and from a join to the next
// joins its channels reach (a chain of residual adds is a chain of edges, not
// every layer above it wired to every add below). Layers of one
// channel-dependency set share a colour; clusters follow the module
// hierarchy. coupled-only keeps only what touches sets with more than one
// member, so a densenet or a ViT stays readable.
#include "passes/dependency/ChannelDependency.h"
#include "passes/index/OpFacts.h"
#include "passes/core/Pass.h"
#include "passes/index/WalkSteps.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace pd {
namespace {

std::string dotId(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') { // a line break inside a label: DOT's escape for it
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string parentModule(std::string_view path) {
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(path.substr(0, dot));
}

class DotResult : public PassResult {
public:
  std::string text;
  void writeJson(JsonWriter &w) const override { w.key("dot").value(text); }
  void writeText(std::ostream &os) const override { os << text; }
  void writeCsv(std::ostream &os) const override { os << text; }
};

class DotPass : public Pass {
public:
  PreservedAnalyses run(Graph &g, AnalysisManager &am, PassContext &ctx) override {
    const LayerIndex &ix = am.getResult<LayerIndexAnalysis>();
    const DependencySets &sets = am.getResult<ChannelDependencyAnalysis>();
    bool coupledOnly = options().get("coupled-only") == "true";
    static const char *palette[] = {"#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4",
                                    "#42d4f4", "#f032e6", "#bfef45", "#fabed4", "#469990",
                                    "#dcbeff", "#9a6324", "#fffac8", "#800000", "#aaffc3",
                                    "#808000", "#ffd8b1", "#000075", "#a9a9a9"};
    // Colour of each layer: its set's, when the set has more than one member.
    std::vector<const char *> colour(ix.numLayers(), nullptr); // by layer id; null: not coupled
    size_t coupledSets = 0;
    for (const auto &set : sets.sets()) {
      if (set.size() < 2)
        continue;
      const char *c = palette[coupledSets++ % (sizeof palette / sizeof *palette)];
      for (const Layer &l : set)
        if (auto id = ix.findLayer(l.name))
          colour[*id] = c;
    }
    StepTable toTargets = channelTargetSteps(ix);
    // Each join walks up to the layers and the joins nearest above it; a join
    // it passes through already stands for everything above that join (it
    // walks through the same ops), so the walk stops there. Every op is thus
    // walked by the joins just below it only: linear on residual chains and
    // dense blocks, where one walk per join to every layer above it was
    // quadratic.
    constexpr uint32_t kNotJoin = ~0u;
    std::vector<uint32_t> joinOf(ix.size(), kNotJoin); // position -> index into joins
    struct Join {
      uint32_t pos;
      std::vector<uint32_t> layers, joinsAbove; // layer ids, indices into joins
      bool coupled = false;                     // ties a set of more than one layer
    };
    std::vector<Join> joins;
    for (uint32_t pos = 0; pos < ix.size(); ++pos)
      if (ix.rule(pos) && isChannelJoin(ix.op(pos), *ix.rule(pos))) {
        joinOf[pos] = static_cast<uint32_t>(joins.size());
        joins.push_back({pos, {}, {}, false});
      }
    EpochMarks seen(ix.size()), seenLayer(ix.numLayers());
    std::vector<uint32_t> work;
    for (Join &join : joins) {
      seen.nextEpoch();
      seenLayer.nextEpoch();
      work.assign(1, join.pos);
      seen.mark(join.pos);
      while (!work.empty()) {
        uint32_t p = work.back();
        work.pop_back();
        Step s = toTargets[p];
        if (s == Step::Collect) {
          if (seenLayer.mark(ix.layerOf(p)))
            join.layers.push_back(ix.layerOf(p));
          continue;
        }
        if (s == Step::Stop && p != join.pos)
          continue;
        if (p != join.pos && joinOf[p] != kNotJoin) {
          join.joinsAbove.push_back(joinOf[p]);
          continue;
        }
        for (uint32_t q : ix.preds(p))
          if (seen.mark(q))
            work.push_back(q);
      }
      std::sort(join.layers.begin(), join.layers.end());
      std::sort(join.joinsAbove.begin(), join.joinsAbove.end());
      // Joins come in graph order, so the joins above are decided already.
      for (uint32_t l : join.layers)
        join.coupled |= colour[l] != nullptr;
      for (uint32_t j : join.joinsAbove)
        join.coupled |= joins[j].coupled;
    }
    auto shown = [&](const Join &j) { return !coupledOnly || j.coupled; };
    // Nodes grouped by module for the clusters.
    std::map<std::string, std::vector<std::string>> byModule;
    for (uint32_t id = 0; id < ix.numLayers(); ++id) {
      const Layer &l = ix.layer(id);
      if (!ix.has(l.position, Trait::ChannelTarget) || (coupledOnly && !colour[id]))
        continue;
      auto ch = outChannels(*l.op, ix.rule(l.position));
      std::string attrs = "label=" + dotId(std::string(l.str()) + "\n" + std::string(l.op->kind().str().substr(3)) +
                                           (ch ? " " + std::to_string(*ch) + " ch" : std::string())) +
                          ", shape=box, style=filled, fillcolor=" +
                          dotId(colour[id] ? colour[id] : "#ffffff");
      byModule[parentModule(l.str())].push_back(dotId(l.str()) + " [" + attrs + "];");
    }
    for (const Join &join : joins) {
      if (!shown(join))
        continue;
      const Op &op = ix.op(join.pos);
      std::string name(op.displayName());
      byModule[std::string(op.modulePath().str())].push_back(
          dotId("op:" + name) + " [label=" + dotId(std::string(op.kind().str())) +
          ", shape=ellipse, style=filled, fillcolor=\"#eeeeee\"];");
    }
    std::ostringstream os;
    os << "digraph " << dotId(g.name().str()) << " {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
    int cluster = 0;
    for (const auto &[module, nodes] : byModule) {
      if (module.empty()) {
        for (const std::string &n : nodes)
          os << "  " << n << "\n";
        continue;
      }
      os << "  subgraph cluster_" << cluster++ << " {\n    label=" << dotId(module)
         << ";\n    style=rounded;\n    color=\"#999999\";\n";
      for (const std::string &n : nodes)
        os << "    " << n << "\n";
      os << "  }\n";
    }
    auto joinId = [&](const Join &j) { return dotId("op:" + std::string(ix.op(j.pos).displayName())); };
    for (const Join &join : joins) {
      if (!shown(join))
        continue;
      for (uint32_t l : join.layers)
        if (!coupledOnly || colour[l])
          os << "  " << dotId(ix.layer(l).str()) << " -> " << joinId(join) << ";\n";
      for (uint32_t j : join.joinsAbove)
        if (shown(joins[j]))
          os << "  " << joinId(joins[j]) << " -> " << joinId(join) << ";\n";
    }
    os << "}\n";
    auto r = std::make_unique<DotResult>();
    r->text = os.str();
    addResult(ctx, *this, std::move(r));
    return PreservedAnalyses::all();
  }
};

} // namespace

std::unique_ptr<Pass> createDotPass() { return std::make_unique<DotPass>(); }
std::vector<PassOptionInfo> DotPassOptions() {
  return {{"coupled-only", "keep only layers and joins of sets with more than one member", "false",
           {"true", "false"}}};
}

} // namespace pd
