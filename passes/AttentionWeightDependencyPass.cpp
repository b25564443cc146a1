// attention-weight-dependency: prints the [q, k, v, o] Linear layers of each
// attention layer.
#include "passes/AttentionWeightDependency.h"
#include "passes/Pass.h"
#include "passes/ReportFormat.h"
#include "passes/TextStyle.h"

namespace pd {
namespace {

class AttentionResult : public PassResult {
public:
  struct Row {
    std::string matmul;
    std::vector<std::string> layers; // q, k, v, o
  };
  std::vector<Row> perMatmul;                 // graph order (NNI's CSV rows)
  std::vector<std::vector<std::string>> sets; // distinct, sorted by first member

  void writeJson(JsonWriter &w) const override {
    w.key("sets").beginArray();
    for (const auto &s : sets)
      w.stringArray(s);
    w.endArray();
  }
  void writeText(std::ostream &os) const override {
    os << paint(Paint::Title, "attention-weight-dependency") << ": " << sets.size() << " attention "
       << (sets.size() == 1 ? "group" : "groups") << " (q, k, v -> o)\n";
    for (size_t i = 0; i < sets.size(); ++i) {
      const auto &s = sets[i];
      writeWrapped(os, paint(Paint::Label, "group " + std::to_string(i + 1)) + "  ",
                   {s[0] + ",", s[1] + ",", s[2], "->", s[3]}, /*commas=*/false);
    }
  }
  std::string summary() const override {
    if (sets.empty())
      return {};
    return std::to_string(sets.size()) + (sets.size() == 1 ? " attention group" : " attention groups");
  }
  // NNI's AttentionWeightDependency.export(): the matmul and str() of its
  // group list, one row per matmul that has a group.
  void writeCsv(std::ostream &os) const override {
    writeCsvRow(os, {"Attention layer matmul op", "Group"});
    for (const Row &r : perMatmul)
      writeCsvRow(os, {r.matmul, pythonListRepr(r.layers)});
  }
};

std::vector<std::string> names(const std::array<Layer, 4> &layers) {
  std::vector<std::string> out;
  for (const Layer &l : layers)
    out.emplace_back(l.str());
  return out;
}

class AttentionWeightDependencyPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    const AttentionWeightDependency &dep = am.getResult<AttentionWeightDependencyAnalysis>();
    auto result = std::make_unique<AttentionResult>();
    for (const AttentionGroup &g : dep.groups())
      result->perMatmul.push_back({std::string(g.matmulName.str()), names(g.layers)});
    for (const auto &s : dep.distinctSets())
      result->sets.push_back(names(s));
    addResult(ctx, *this, std::move(result));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createAttentionWeightDependencyPass() {
  return std::make_unique<AttentionWeightDependencyPass>();
}
std::vector<PassOptionInfo> AttentionWeightDependencyPassOptions() { return {}; }

} // namespace pd
