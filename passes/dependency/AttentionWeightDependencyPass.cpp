// attention-weight-dependency: prints the [q, k, v, o] Linear layers of each
// attention layer.
#include "passes/dependency/AttentionWeightDependency.h"
#include "passes/core/Pass.h"
#include "passes/report/ReportFormat.h"
#include "passes/report/TextStyle.h"

namespace pd {
namespace {

// Names as Symbols (interned for the process), turned into strings only when
// written: a transformer of a million ops has tens of thousands of groups,
// and five strings and a vector per group were most of the pass.
class AttentionResult : public PassResult {
public:
  using Names = std::array<Symbol, 4>; // q, k, v, o
  struct Row {
    Symbol matmul;
    Names layers;
  };
  LargeVector<Row> perMatmul; // graph order (NNI's CSV rows)
  LargeVector<Names> sets;    // distinct, sorted by first member

  static std::vector<std::string> strings(const Names &names) {
    return {std::string(names[0].str()), std::string(names[1].str()), std::string(names[2].str()),
            std::string(names[3].str())};
  }

  void writeJson(JsonWriter &w) const override {
    w.key("sets").beginArray();
    for (const Names &s : sets)
      w.stringArray(strings(s));
    w.endArray();
  }
  void writeText(std::ostream &os) const override {
    os << paint(Paint::Title, "attention-weight-dependency") << ": " << sets.size() << " attention "
       << (sets.size() == 1 ? "group" : "groups") << " (q, k, v -> o)\n";
    for (size_t i = 0; i < sets.size(); ++i) {
      const std::vector<std::string> s = strings(sets[i]);
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
      writeCsvRow(os, {std::string(r.matmul.str()), pythonListRepr(strings(r.layers))});
  }
};

AttentionResult::Names names(const std::array<Layer, 4> &layers) {
  return {layers[0].name, layers[1].name, layers[2].name, layers[3].name};
}

class AttentionWeightDependencyPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    const AttentionWeightDependency &dep = am.getResult<AttentionWeightDependencyAnalysis>();
    auto result = std::make_unique<AttentionResult>();
    result->perMatmul.reserve(dep.groups().size());
    for (const AttentionGroup &g : dep.groups())
      result->perMatmul.push_back({g.matmulName, names(g.layers)});
    result->sets.reserve(dep.distinctSets().size());
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
