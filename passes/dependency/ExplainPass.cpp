// explain{layer=NAME}: the report behind `prunedep --explain NAME`.
#include "passes/dependency/Explain.h"
#include "passes/core/Pass.h"
#include "passes/report/TextStyle.h"

namespace pd {
namespace {

class ExplainResult : public PassResult {
public:
  Explanation ex;

  void writeJson(JsonWriter &w) const override {
    w.key("layer").value(ex.layer);
    w.key("found").value(ex.found);
    w.key("set").stringArray(ex.setMembers);
    w.key("ties").beginArray();
    for (const TieExplanation &t : ex.ties) {
      w.beginObject();
      w.key("with").value(t.with);
      w.key("chains").stringArray(t.chains);
      w.endObject();
    }
    w.endArray();
    w.key("constraints").beginArray();
    for (const ConstraintExplanation &c : ex.constraints) {
      w.beginObject();
      w.key("from").value(c.from);
      w.key("divisible_by").value(c.groups);
      w.key("chain").value(c.chain);
      w.endObject();
    }
    w.endArray();
  }
  void writeText(std::ostream &os) const override {
    if (!ex.found) {
      os << "explain: no layer named '" << ex.layer << "'\n";
      return;
    }
    if (ex.ties.empty())
      os << paint(Paint::Emphasis, ex.layer) << ": no other layer shares its output channels\n";
    else
      os << paint(Paint::Emphasis, ex.layer) << " is tied to " << ex.ties.size() << " layer"
         << (ex.ties.size() == 1 ? "" : "s") << ":\n";
    for (const TieExplanation &t : ex.ties) {
      os << "  " << paint(Paint::Label, t.with) << "\n";
      for (const std::string &c : t.chains)
        os << "    " << c << "\n";
    }
    for (const ConstraintExplanation &c : ex.constraints)
      os << "  " << paint(Paint::Count, "keep a multiple of " + std::to_string(c.groups))
         << " channels, for " << c.from << ": " << c.chain
         << "\n";
  }
  void writeCsv(std::ostream &os) const override {
    os << "Layer,Tied With,Chain\n";
    for (const TieExplanation &t : ex.ties)
      for (const std::string &c : t.chains)
        os << ex.layer << "," << t.with << ",\"" << c << "\"\n";
  }
};

class ExplainPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    auto r = std::make_unique<ExplainResult>();
    const std::string &name = options().get("layer");
    r->ex = explainLayer(am.getResult<LayerIndexAnalysis>(), Symbol::get(name));
    if (!r->ex.found) {
      std::string known;
      const LayerIndex &ix = am.getResult<LayerIndexAnalysis>();
      for (size_t i = 0; i < ix.numLayers() && i < 8; ++i)
        known += (known.empty() ? "" : ", ") + std::string(ix.layer(i).str());
      throw Error("error: --explain: the model has no layer named '" + name + "' (layers: " + known +
                  (ix.numLayers() > 8 ? ", ..." : "") + ")");
    }
    addResult(ctx, *this, std::move(r));
    return PreservedAnalyses::all();
  }
};

} // namespace

std::unique_ptr<Pass> createExplainPass() { return std::make_unique<ExplainPass>(); }
std::vector<PassOptionInfo> ExplainPassOptions() {
  return {{"layer", "the layer (module path) to explain", "", {}}};
}

} // namespace pd
