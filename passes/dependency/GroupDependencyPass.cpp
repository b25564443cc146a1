// group-dependency: prints, per grouped layer and per conv/linear layer above
// one, the number its channel count must stay divisible by.
#include "passes/dependency/GroupDependency.h"
#include "passes/core/Pass.h"
#include "passes/report/ReportFormat.h"
#include "passes/report/TextStyle.h"

#include <algorithm>

namespace pd {
namespace {

class GroupDependencyResult : public PassResult {
public:
  struct Row {
    Symbol layer;
    int64_t divisor, minGroups;
  };
  // LargeVectors: hundreds of thousands of rows at a million ops, not fresh
  // pages on every run.
  LargeVector<Row> rows;         // graph order
  LargeVector<uint32_t> byName;  // indices into rows, sorted by layer name

  void writeJson(JsonWriter &w) const override {
    // Sorted by layer name, like the sets of the other analyses.
    w.key("layers").beginObject();
    for (uint32_t i : byName) {
      const Row &r = rows[i];
      w.key(r.layer.str()).beginObject();
      w.key("divisor").value(r.divisor);
      w.key("min_groups").value(r.minGroups);
      w.endObject();
    }
    w.endObject();
  }
  void writeText(std::ostream &os) const override {
    size_t constrained = std::count_if(rows.begin(), rows.end(),
                                       [](const Row &r) { return r.divisor != 1; });
    os << paint(Paint::Title, "group-dependency") << ": " << constrained << " of " << rows.size()
       << " layers must keep a channel count divisible by more than 1\n";
    for (const Row &r : rows)
      if (r.divisor != 1)
        os << "  " << r.layer.str() << "  " << paint(Paint::Count, "divisor " + std::to_string(r.divisor))
           << "  min_groups " << r.minGroups << "\n";
  }
  std::string summary() const override {
    size_t constrained = std::count_if(rows.begin(), rows.end(),
                                       [](const Row &r) { return r.divisor != 1; });
    if (constrained == 0)
      return {};
    return std::to_string(constrained) + (constrained == 1 ? " layer" : " layers") +
           " with a group constraint";
  }
  // NNI's GroupDependency.export(): layer name and its divisor.
  void writeCsv(std::ostream &os) const override {
    writeCsvRow(os, {"Conv Layer Name", "Group"});
    for (const Row &r : rows)
      writeCsvRow(os, {std::string(r.layer.str()), std::to_string(r.divisor)});
  }
};

class GroupDependencyPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    auto result = std::make_unique<GroupDependencyResult>();
    const GroupDependency &dep = am.getResult<GroupDependencyAnalysis>();
    result->rows.reserve(dep.layers().size());
    for (const GroupConstraint &c : dep.layers())
      result->rows.push_back({c.layer.name, c.divisor, c.minGroups});
    result->byName.assign(dep.byName().begin(), dep.byName().end());
    addResult(ctx, *this, std::move(result));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createGroupDependencyPass() { return std::make_unique<GroupDependencyPass>(); }
std::vector<PassOptionInfo> GroupDependencyPassOptions() { return {}; }

} // namespace pd
