// dot{coupled-only=false}: a Graphviz picture of the model at layer level,
// behind `prunedep --format dot`. Nodes are the prunable layers and the ops
// that tie them (add, mul, cat, a depthwise conv joining itself); an edge
// runs from a layer to each join its channels reach. Layers of one
// channel-dependency set share a colour; clusters follow the module
// hierarchy. coupled-only keeps only what touches sets with more than one
// member, so a densenet or a ViT stays readable.
#include "passes/ChannelDependency.h"
#include "passes/GraphWalk.h"
#include "passes/OpFacts.h"
#include "passes/Pass.h"

#include <map>
#include <set>
#include <sstream>

namespace pd {
namespace {

std::string dotId(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
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
    std::map<uint32_t, std::string> colour; // layer id -> colour
    size_t coupledSets = 0;
    for (const auto &set : sets.sets()) {
      if (set.size() < 2)
        continue;
      const char *c = palette[coupledSets++ % (sizeof palette / sizeof *palette)];
      for (const Layer &l : set)
        if (auto id = ix.findLayer(l.name))
          colour[*id] = c;
    }
    StepTable toTargets(ix, [&](const Op &op, const OpRule *r) {
      if (r && r->has(Trait::ChannelTarget))
        return Step::Collect;
      if (stopsAllWalks(r) || (r && r->has(Trait::Reshape) && !keepsChannelCount(op, *r)))
        return Step::Stop;
      return Step::Pass;
    });
    // Joins and the layers each reaches (the channel-dependency rules).
    std::vector<std::pair<uint32_t, std::set<uint32_t>>> joins;
    EpochMarks seen(ix.size());
    for (uint32_t pos = 0; pos < ix.size(); ++pos) {
      const OpRule *r = ix.rule(pos);
      if (!r)
        continue;
      const Op &op = ix.op(pos);
      bool join = (r->has(Trait::Elementwise) && numTensorOperands(op) >= 2) ||
                  (r->has(Trait::Concat) && !isChannelConcat(op, *r));
      if (!join)
        continue;
      std::set<uint32_t> reached;
      seen.nextEpoch();
      std::vector<uint32_t> work{pos};
      seen.mark(pos);
      while (!work.empty()) {
        uint32_t p = work.back();
        work.pop_back();
        Step s = toTargets[p];
        if (s == Step::Collect) {
          reached.insert(ix.layerOf(p));
          continue;
        }
        if (s == Step::Stop && p != pos)
          continue;
        for (uint32_t q : ix.preds(p))
          if (seen.mark(q))
            work.push_back(q);
      }
      if (coupledOnly) {
        bool touches = false;
        for (uint32_t l : reached)
          touches |= colour.count(l) > 0;
        if (!touches)
          continue;
      }
      joins.push_back({pos, std::move(reached)});
    }
    // Nodes grouped by module for the clusters.
    std::map<std::string, std::vector<std::string>> byModule;
    for (uint32_t id = 0; id < ix.numLayers(); ++id) {
      const Layer &l = ix.layer(id);
      if (!ix.has(l.position, Trait::ChannelTarget) || (coupledOnly && !colour.count(id)))
        continue;
      auto ch = outChannels(*l.op, ix.rule(l.position));
      std::string attrs = "label=" + dotId(std::string(l.str()) + "\\n" + std::string(l.op->kind().str().substr(3)) +
                                           (ch ? " " + std::to_string(*ch) + " ch" : std::string())) +
                          ", shape=box, style=filled, fillcolor=" +
                          dotId(colour.count(id) ? colour[id] : "#ffffff");
      byModule[parentModule(l.str())].push_back(dotId(l.str()) + " [" + attrs + "];");
    }
    for (const auto &[pos, reached] : joins) {
      const Op &op = ix.op(pos);
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
    for (const auto &[pos, reached] : joins)
      for (uint32_t l : reached)
        if (!coupledOnly || colour.count(l))
          os << "  " << dotId(ix.layer(l).str()) << " -> "
             << dotId("op:" + std::string(ix.op(pos).displayName())) << ";\n";
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
