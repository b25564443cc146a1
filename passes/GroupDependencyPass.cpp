// group-dependency: prints, per grouped layer and per conv/linear layer above
// one, the number its channel count must stay divisible by.
#include "passes/GroupDependency.h"
#include "passes/Pass.h"
#include "passes/ReportFormat.h"
#include "passes/SortByName.h"

#include <algorithm>

namespace pd {
namespace {

class GroupDependencyResult : public PassResult {
public:
  struct Row {
    Symbol layer;
    int64_t divisor, minGroups;
  };
  std::vector<Row> rows; // graph order

  void writeJson(JsonWriter &w) const override {
    // Sorted by layer name, like the sets of the other analyses.
    std::vector<std::pair<std::string_view, uint32_t>> sorted;
    for (uint32_t i = 0; i < rows.size(); ++i)
      sorted.emplace_back(rows[i].layer.str(), i);
    sortByName(sorted);
    w.key("layers").beginObject();
    for (const auto &entry : sorted) {
      const Row &r = rows[entry.second];
      w.key(entry.first).beginObject();
      w.key("divisor").value(r.divisor);
      w.key("min_groups").value(r.minGroups);
      w.endObject();
    }
    w.endObject();
  }
  void writeText(std::ostream &os) const override {
    size_t constrained = std::count_if(rows.begin(), rows.end(),
                                       [](const Row &r) { return r.divisor != 1; });
    os << "group-dependency: " << constrained << " of " << rows.size()
       << " layers must keep a channel count divisible by more than 1\n";
    for (const Row &r : rows)
      if (r.divisor != 1)
        os << "  " << r.layer.str() << "  divisor " << r.divisor << "  min_groups " << r.minGroups
           << "\n";
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
    for (const GroupConstraint &c : am.getResult<GroupDependencyAnalysis>().layers())
      result->rows.push_back({c.layer.name, c.divisor, c.minGroups});
    addResult(ctx, *this, std::move(result));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createGroupDependencyPass() { return std::make_unique<GroupDependencyPass>(); }
std::vector<PassOptionInfo> GroupDependencyPassOptions() { return {}; }

} // namespace pd
