#include "passes/index/LayerIndex.h"

#include "passes/index/OpFacts.h"
#include "passes/index/SortByName.h"
#include "passes/index/WalkSteps.h"

namespace pd {

AnalysisKey LayerIndexAnalysis::Key;

LayerIndex LayerIndexAnalysis::run(Graph &g, AnalysisManager &am) {
  return LayerIndex::build(g, am.registry());
}

// A layer is a module call, named by its module path. A function op is never
// one, even when the op table gives it a layer's traits (F.linear on a
// module's weight): the walks stop there, but there is no module to prune.
static bool isLayerOp(const Op &op) { return op.isModuleCall() && op.modulePath(); }

// Appends `op` at the next position: its predecessor edges, rule and layer.
// Returns false when an operand's producer has no position yet (the order so
// far is not topological).
// flatten: the dozen push_backs per op are inlined (GCC otherwise calls an
// out-of-line emplace_back for each, a tenth of the build).
__attribute__((flatten)) bool LayerIndex::append(Op &op, const OpRegistry &registry,
                                                 LargeVector<uint32_t> &numSuccs) {
  constexpr uint32_t kNone = ~0u;
  const uint32_t pos = size();
  position_[op.id()] = pos;
  order_.push_back(&op);
  numSuccs.push_back(0);
  bool ok = true;
  for (const Value *v : op.operands()) {
    if (!v)
      continue;
    operandValues_.push_back(v->id());
    if (!v->definingOp())
      continue;
    uint32_t p = position_[v->definingOp()->id()];
    if (p == kNone || p >= pos) {
      ok = false;
      continue;
    }
    preds_.push_back(p);
    ++numSuccs[p];
  }
  predBegin_.push_back(static_cast<uint32_t>(preds_.size()));
  operandBegin_.push_back(static_cast<uint32_t>(operandValues_.size()));
  for (const Value *r : op.results())
    resultValues_.push_back(r->id());
  displayName_.push_back(displaySymbol(op)); // its result's name: on the line just read
  resultBegin_.push_back(static_cast<uint32_t>(resultValues_.size()));
  const OpRule *r = registry.lookup(op.kind());
  rule_.push_back(r);
  layerOf_.push_back(kNoLayer);
  if (isLayerOp(op)) {
    // Layer names are looked up by symbol id in a flat table: a module called
    // twice finds its first call's layer without a hash probe per op.
    Symbol name = op.modulePath();
    if (name.id() >= layerOfName_.size())
      layerOfName_.resize(std::max<size_t>(name.id() + 1, layerOfName_.size() * 2), kNoLayer);
    uint32_t &l = layerOfName_[name.id()];
    if (l == kNoLayer) {
      l = numLayers();
      addLayer(name, op, r, pos);
    }
    layerOf_[pos] = l;
  }
  addFacts(op, r, layerOf_[pos] != kNoLayer);
  return ok;
}

void LayerIndex::addLayer(Symbol name, const Op &op, const OpRule *rule, uint32_t pos) {
  static_assert(static_cast<size_t>(Trait::Count) <= 16, "layerTraits_ holds a bit per trait");
  layers_.push_back({name, &op, pos, numLayers()});
  layerTraits_.push_back(rule ? static_cast<uint16_t>(rule->traits.to_ulong()) : 0);
}

void LayerIndex::addFacts(const Op &op, const OpRule *rule, bool isLayer) {
  uint8_t facts = 0;
  int64_t groups = 0;
  if (rule) {
    if (isLayer && (isDepthwise(op, rule) || isPerChannelGroupNorm(op, rule)))
      facts |= kSelfJoin;
    if (rule->has(Trait::Reshape) && !keepsChannelCount(op, *rule))
      facts |= kChangesChannels;
    if (rule->has(Trait::View))
      facts |= kView;
    if (rule->has(Trait::Matmul))
      facts |= kMatmul;
    groups = pd::requiredGroups(op, rule);
  }
  facts_.push_back(facts);
  walkSteps_.push_back(walkStepsAt(rule, facts & kChangesChannels, isLayer));
  if (groups >= 0 && groups < kBigGroups) {
    groups_.push_back(static_cast<uint32_t>(groups));
  } else {
    bigGroups_[static_cast<uint32_t>(groups_.size())] = groups;
    groups_.push_back(kBigGroups);
  }
}

LayerIndex LayerIndex::build(const Graph &g, const OpRegistry &registry) {
  auto fresh = [&] {
    LayerIndex ix;
    ix.position_.assign(g.opIdBound(), ~0u);
    ix.order_.reserve(g.numOps());
    ix.rule_.reserve(g.numOps());
    ix.layerOf_.reserve(g.numOps());
    ix.displayName_.reserve(g.numOps());
    ix.facts_.reserve(g.numOps());
    ix.walkSteps_.reserve(g.numOps());
    ix.groups_.reserve(g.numOps());
    // Sized for the worst case once (every op a layer; symbol ids mostly
    // below values + ops): growing them would copy them over and over.
    ix.layers_.reserve(g.numOps());
    ix.layerTraits_.reserve(g.numOps());
    ix.layerOfName_.assign(size_t(g.valueIdBound()) + g.opIdBound() + 1024, kNoLayer);
    ix.predBegin_.reserve(g.numOps() + 1);
    ix.predBegin_.push_back(0);
    // Most ops have one or two producers: growing past this is rare.
    ix.preds_.reserve(2 * size_t(g.numOps()));
    ix.operandBegin_.reserve(g.numOps() + 1);
    ix.operandBegin_.push_back(0);
    ix.operandValues_.reserve(2 * size_t(g.numOps()));
    ix.resultBegin_.reserve(g.numOps() + 1);
    ix.resultBegin_.push_back(0);
    ix.resultValues_.reserve(g.numOps());
    return ix;
  };
  // The op list is topological in every verified graph: index it in one
  // sweep, checking that as we go. A graph built by hand (a plugin, a unit
  // test) may not be; only then sort it and index again.
  LayerIndex ix = fresh();
  LargeVector<uint32_t> numSuccs;
  numSuccs.reserve(g.numOps());
  bool topological = true;
  for (const Op &op : g.ops()) {
    prefetchAheadWithResults(op); // the list is a chain of loads from DRAM (Graph.h)
    topological &= ix.append(const_cast<Op &>(op), registry, numSuccs);
  }
  if (!topological) {
    std::optional<std::vector<Op *>> sorted = g.topologicalOrder();
    if (!sorted)
      throw Error("the graph has a cycle: the dependency analyses need an acyclic graph");
    ix = fresh();
    numSuccs.clear();
    for (Op *op : *sorted)
      ix.append(*op, registry, numSuccs);
  }
  // Successors: the predecessor edges turned around (counting sort).
  const uint32_t n = ix.size();
  ix.succBegin_.assign(n + 1, 0);
  for (uint32_t pos = 0; pos < n; ++pos)
    ix.succBegin_[pos + 1] = ix.succBegin_[pos] + numSuccs[pos];
  ix.succs_.resize(ix.preds_.size());
  LargeVector<uint32_t> next(ix.succBegin_.begin(), ix.succBegin_.end() - 1);
  for (uint32_t pos = 0; pos < n; ++pos)
    for (uint32_t p : ix.preds(pos))
      ix.succs_[next[p]++] = pos;

  LargeVector<std::pair<std::string_view, uint32_t>> names;
  names.reserve(ix.numLayers());
  for (uint32_t l = 0; l < ix.numLayers(); ++l)
    names.emplace_back(ix.layers_[l].str(), l);
  sortByName({names.data(), names.size()});
  ix.byName_.reserve(names.size());
  ix.nameRank_.resize(names.size());
  ix.layersInNameOrder_.reserve(names.size());
  // The one gather of Layer records in name order (random reads at a million
  // layers, prefetched so that the misses overlap), done here once for every
  // analysis that lists layers by name.
  constexpr size_t kAhead = 64;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i + kAhead < names.size())
      __builtin_prefetch(&ix.layers_[names[i + kAhead].second]);
    uint32_t l = names[i].second;
    ix.nameRank_[l] = static_cast<uint32_t>(i);
    ix.byName_.push_back(l);
    ix.layersInNameOrder_.push_back(ix.layers_[l]);
  }
  return ix;
}

std::optional<uint32_t> LayerIndex::findLayer(Symbol name) const {
  if (name.id() >= layerOfName_.size() || layerOfName_[name.id()] == kNoLayer)
    return std::nullopt;
  return layerOfName_[name.id()];
}

} // namespace pd
