// reshape-dependency: prints, per view/reshape op, the conv/linear layers
// directly above it.
#include "passes/core/Pass.h"
#include "passes/report/ReportFormat.h"
#include "passes/report/TextStyle.h"
#include "passes/dependency/ReshapeDependency.h"

namespace pd {
namespace {

// Names as Symbols in two flat arrays, turned into strings only when written:
// a transformer of a million ops has 170k views, and a vector per view was a
// heap block to allocate and free for each.
class ReshapeDependencyResult : public PassResult {
public:
  struct Row {
    Symbol op;
    uint32_t layersBegin, layersEnd; // its layers: layerNames[layersBegin, layersEnd)
    bool hasLayers() const { return layersBegin != layersEnd; }
  };
  LargeVector<Row> rows; // graph order
  LargeVector<Symbol> layerNames;

  llvm::ArrayRef<Symbol> layers(const Row &r) const {
    return {layerNames.data() + r.layersBegin, layerNames.data() + r.layersEnd};
  }
  std::vector<std::string> names(const Row &r) const {
    std::vector<std::string> out;
    for (Symbol l : layers(r))
      out.emplace_back(l.str());
    return out;
  }

  void writeJson(JsonWriter &w) const override {
    w.key("ops").beginObject();
    for (const Row &r : rows) {
      w.key(r.op.str()).beginArray();
      for (Symbol l : layers(r))
        w.value(l.str());
      w.endArray();
    }
    w.endObject();
  }
  void writeText(std::ostream &os) const override {
    size_t withLayers = 0;
    for (const Row &r : rows)
      withLayers += r.hasLayers();
    os << paint(Paint::Title, "reshape-dependency") << ": " << rows.size() << " view/reshape ops, " << withLayers
       << " with conv/linear layers above them\n";
    for (const Row &r : rows)
      if (r.hasLayers())
        writeWrapped(os, "  " + std::string(r.op.str()) + "  <-  ", names(r));
  }
  std::string summary() const override {
    size_t withLayers = 0;
    for (const Row &r : rows)
      withLayers += r.hasLayers();
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
      std::vector<std::string> row = names(r);
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
    const LayerIndex &ix = am.getResult<LayerIndexAnalysis>();
    result->rows.reserve(dep.size());
    for (uint32_t i = 0; i < dep.size(); ++i) {
      const ReshapeEntry e = dep.entry(i);
      auto begin = static_cast<uint32_t>(result->layerNames.size());
      for (uint32_t l : e.layers)
        result->layerNames.push_back(ix.layer(l).name);
      result->rows.push_back({e.name, begin, static_cast<uint32_t>(result->layerNames.size())});
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
