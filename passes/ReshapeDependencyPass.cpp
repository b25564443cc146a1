// reshape-dependency: prints, per view/reshape op, the conv/linear layers
// directly above it.
#include "passes/Pass.h"
#include "passes/ReportFormat.h"
#include "passes/TextStyle.h"
#include "passes/ReshapeDependency.h"

namespace pd {
namespace {

class ReshapeDependencyResult : public PassResult {
public:
  struct Row {
    Symbol op;
    std::vector<Symbol> layers;
    std::vector<std::string> names() const {
      std::vector<std::string> out;
      for (Symbol l : layers)
        out.emplace_back(l.str());
      return out;
    }
  };
  std::vector<Row> rows; // graph order

  void writeJson(JsonWriter &w) const override {
    w.key("ops").beginObject();
    for (const Row &r : rows) {
      w.key(r.op.str()).beginArray();
      for (Symbol l : r.layers)
        w.value(l.str());
      w.endArray();
    }
    w.endObject();
  }
  void writeText(std::ostream &os) const override {
    size_t withLayers = 0;
    for (const Row &r : rows)
      withLayers += !r.layers.empty();
    os << paint(Paint::Title, "reshape-dependency") << ": " << rows.size() << " view/reshape ops, " << withLayers
       << " with conv/linear layers above them\n";
    for (const Row &r : rows)
      if (!r.layers.empty())
        writeWrapped(os, "  " + std::string(r.op.str()) + "  <-  ", r.names());
  }
  std::string summary() const override {
    size_t withLayers = 0;
    for (const Row &r : rows)
      withLayers += !r.layers.empty();
    if (withLayers == 0)
      return {};
    return std::to_string(withLayers) + (withLayers == 1 ? " reshape" : " reshapes") +
           " tied to layers";
  }
  // NNI's ReshapeDependency.export() meant to write the op then its layers;
  // it writes `[op].extend(layers)`, i.e. None, so its rows come out empty.
  void writeCsv(std::ostream &os) const override {
    writeCsvRow(os, {"Reshape OP", "Dependent Layers"});
    for (const Row &r : rows) {
      std::vector<std::string> row = r.names();
      row.insert(row.begin(), std::string(r.op.str()));
      writeCsvRow(os, row);
    }
  }
};

class ReshapeDependencyPass : public Pass {
public:
  PreservedAnalyses run(Graph &, AnalysisManager &am, PassContext &ctx) override {
    auto result = std::make_unique<ReshapeDependencyResult>();
    const ReshapeDependency &dep = am.getResult<ReshapeDependencyAnalysis>();
    result->rows.reserve(dep.ops().size());
    for (const ReshapeEntry &e : dep.ops()) {
      ReshapeDependencyResult::Row row{e.name, {}};
      row.layers.reserve(e.layers.size());
      for (const Layer &l : e.layers)
        row.layers.push_back(l.name);
      result->rows.push_back(std::move(row));
    }
    addResult(ctx, *this, std::move(result));
    return PreservedAnalyses::all();
  }
};
} // namespace

std::unique_ptr<Pass> createReshapeDependencyPass() {
  return std::make_unique<ReshapeDependencyPass>();
}
std::vector<PassOptionInfo> ReshapeDependencyPassOptions() { return {}; }

} // namespace pd
