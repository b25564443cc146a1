// The index every dependency analysis starts from, computed once per graph and
// cached: the ops in a topological order, the op-table rule and the layer of
// each, the edges between ops as compact arrays, and the per-op channel facts
// the analyses ask (decided here once, while each op is in cache).
//
// An op's *position* is its index in that order. The analyses walk positions
// and the predecessor / successor arrays instead of chasing Op and Value
// pointers through a graph of a million ops: the same walk touches a few
// contiguous arrays instead of scattered IR objects.
//
// A layer is what the reports name: a module call, by its path
// (`layer1.0.conv1`). A function op is no layer, whatever its traits (F.linear
// on a module's weight has no module to prune). A module called twice is one
// layer (NNI keys its sets by module name too), represented by its first
// call. Layer ids follow graph order.
#pragma once
#include "ir/Graph.h"
#include "ir/LargeArray.h"
#include "ir/OpRegistry.h"
#include "passes/core/AnalysisManager.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/DenseMap.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace pd {

// The walks the analyses make over the index (WalkSteps.h: what each does at
// an op). The index decides every walk's step at every op once, while the op
// is in cache, so an analysis reads a word per position instead of building
// a table from the rules again.
enum class WalkKind : uint8_t {
  ChannelTargets,   // the dot picture's edges (NNI's channel-dependency walk)
  WeightLayers,     // group-, reshape-dependency, explain's group constraints
  AttentionLinears, // attention-weight-dependency
};
inline constexpr unsigned kNumWalkKinds = 3;

struct Layer {
  Symbol name;       // module path
  const Op *op;      // its first call in graph order
  uint32_t position; // position of that call
  uint32_t id;       // its layer id (graph order)
  std::string_view str() const { return name.str(); }
};

class LayerIndex {
public:
  static constexpr uint32_t kNoLayer = ~0u;

  // Every op of the graph, each after the producers of its operands.
  llvm::ArrayRef<Op *> order() const { return order_; }
  uint32_t size() const { return static_cast<uint32_t>(order_.size()); }
  Op &op(uint32_t pos) const { return *order_[pos]; }
  uint32_t position(const Op &op) const { return position_[op.id()]; }

  // Positions of the producers of the op's operands (one per operand that an
  // op defines) and of the users of its results (one per use).
  llvm::ArrayRef<uint32_t> preds(uint32_t pos) const {
    return {preds_.data() + predBegin_[pos], preds_.data() + predBegin_[pos + 1]};
  }
  llvm::ArrayRef<uint32_t> succs(uint32_t pos) const {
    return {succs_.data() + succBegin_[pos], succs_.data() + succBegin_[pos + 1]};
  }

  // Ids of the values the op reads (graph inputs included, in operand order)
  // and of those it defines: input-channel-dependency follows tensors, and
  // reads them here rather than from every Op and Value again.
  llvm::ArrayRef<uint32_t> operandValues(uint32_t pos) const {
    return {operandValues_.data() + operandBegin_[pos],
            operandValues_.data() + operandBegin_[pos + 1]};
  }
  llvm::ArrayRef<uint32_t> resultValues(uint32_t pos) const {
    return {resultValues_.data() + resultBegin_[pos], resultValues_.data() + resultBegin_[pos + 1]};
  }

  // The op-table rule of an op, or null when no rule covers it.
  const OpRule *rule(uint32_t pos) const { return rule_[pos]; }
  const OpRule *rule(const Op &op) const { return rule_[position(op)]; }
  bool has(uint32_t pos, Trait t) const { return rule_[pos] && rule_[pos]->has(t); }
  bool has(const Op &op, Trait t) const { return has(position(op), t); }

  // Channel facts of the op at a position, decided once at build time from its
  // rule, attributes and shapes (WalkSteps.h, OpFacts.h): the analyses read a
  // byte or a word per position here instead of the Op, its attribute list
  // and its values, which at a million ops are hundreds of MB of scattered
  // objects.
  // A layer that is a depthwise conv or a per-channel group norm.
  bool isSelfJoin(uint32_t pos) const { return facts_[pos] & kSelfJoin; }
  // A reshape-like op that does not keep the channel count (keepsChannelCount).
  bool changesChannels(uint32_t pos) const { return facts_[pos] & kChangesChannels; }
  // has(pos, Trait::View) and has(pos, Trait::Matmul): the ops reshape- and
  // attention-weight-dependency look for among every op (a byte per op read
  // here, not the 8-byte rule pointer and the rule behind it).
  bool isView(uint32_t pos) const { return facts_[pos] & kView; }
  bool isMatmul(uint32_t pos) const { return facts_[pos] & kMatmul; }
  // The step (a Step of GraphWalk.h) of the walk of `kind` at a position: two
  // bits per kind in one byte per position.
  uint8_t walkStep(WalkKind kind, uint32_t pos) const {
    return (walkSteps_[pos] >> (2 * static_cast<unsigned>(kind))) & 3;
  }
  // requiredGroups(op, rule): a grouped layer's or group norm's group count,
  // 0 for any other op.
  int64_t requiredGroups(uint32_t pos) const {
    uint32_t g = groups_[pos];
    return g != kBigGroups ? g : bigGroups_.find(pos)->second;
  }

  // displaySymbol(op(pos)), read while the index is built: the reports name
  // views and matmuls by it, and at a million ops reading it from the IR
  // then is two dependent DRAM misses per op named (the Op, then its result).
  Symbol displayName(uint32_t pos) const { return displayName_[pos]; }

  // The layer an op is a call of, or kNoLayer.
  uint32_t layerOf(uint32_t pos) const { return layerOf_[pos]; }
  uint32_t layerOf(const Op &op) const { return layerOf_[position(op)]; }
  llvm::ArrayRef<Layer> layers() const { return layers_; }
  const Layer &layer(uint32_t id) const { return layers_[id]; }
  uint32_t numLayers() const { return static_cast<uint32_t>(layers_.size()); }
  std::optional<uint32_t> findLayer(Symbol name) const;
  // Layer ids sorted by name: the order every report lists layers in, sorted
  // once here for all the analyses.
  llvm::ArrayRef<uint32_t> layersByName() const { return byName_; }
  // The Layer records themselves in that order (layersInNameOrder()[i] is
  // layer(layersByName()[i])): the reports copy members in name order, and
  // at a million layers reading the records by id in that order is a DRAM
  // miss per layer in each analysis; gathered once here, it is a stream.
  // (layersByName() stays: a pass over every layer that needs only the ids,
  // or prefetches ahead by them, streams 4 bytes per layer instead of 24.)
  llvm::ArrayRef<Layer> layersInNameOrder() const { return layersInNameOrder_; }
  // A layer's place in layersByName(): comparing ranks orders layers as
  // comparing their names does (a layer's name is unique), without reading
  // names scattered over the symbol pool.
  uint32_t nameRank(uint32_t layer) const { return nameRank_[layer]; }

  // has(layer.position, t), from two bytes per layer: the analyses ask it of
  // every layer to pick the ones they report, and at a million ops reading
  // the rule pointer at each layer's position streams the whole 8 MB rule
  // array from DRAM.
  bool layerHas(uint32_t layer, Trait t) const {
    return layerTraits_[layer] >> static_cast<unsigned>(t) & 1;
  }
  // Whether the layer's rule has any of `traits`.
  bool layerHasAny(uint32_t layer, TraitSet traits) const {
    return layerTraits_[layer] & static_cast<uint16_t>(traits.to_ulong());
  }

  static LayerIndex build(const Graph &g, const OpRegistry &registry);

private:
  enum : uint8_t { kSelfJoin = 2, kChangesChannels = 4, kView = 8, kMatmul = 16 };
  // groups_ holds counts below this; a larger one (never seen in a model, but
  // exact all the same) sits in bigGroups_.
  static constexpr uint32_t kBigGroups = ~0u;

  bool append(Op &op, const OpRegistry &registry, LargeVector<uint32_t> &numSuccs);
  void addLayer(Symbol name, const Op &op, const OpRule *rule, uint32_t pos);
  void addFacts(const Op &op, const OpRule *rule, bool isLayer);

  // Every array grows with the graph: huge-page, reused memory (LargeArray.h).
  LargeVector<Op *> order_;
  LargeVector<uint32_t> position_; // by op id
  LargeVector<const OpRule *> rule_;
  LargeVector<uint32_t> layerOf_;
  LargeVector<Symbol> displayName_; // by position
  LargeVector<uint8_t> facts_;
  LargeVector<uint8_t> walkSteps_; // 2 bits per WalkKind
  LargeVector<uint32_t> groups_;
  llvm::DenseMap<uint32_t, int64_t> bigGroups_; // by position
  LargeVector<uint32_t> predBegin_, preds_, succBegin_, succs_;
  LargeVector<uint32_t> operandBegin_, operandValues_, resultBegin_, resultValues_;
  LargeVector<Layer> layers_;
  LargeVector<uint16_t> layerTraits_; // by layer id: a bit per Trait of its rule
  LargeVector<uint32_t> layerOfName_; // by name symbol id: layer id or kNoLayer
  LargeVector<uint32_t> byName_;
  LargeVector<Layer> layersInNameOrder_;
  LargeVector<uint32_t> nameRank_; // by layer id: its index in byName_
};

// Op::displayName() as the symbol it already is (the module path, the first
// result's name or the kind): no hash lookup to intern the name again.
inline Symbol displaySymbol(const Op &op) {
  if (op.isModuleCall() && op.modulePath())
    return op.modulePath();
  if (op.numResults())
    return op.result()->name();
  return op.kind();
}

// A layer's rule, for a reader going through many layers in name order (the
// channel labels of the reports). The rule follows from the op's kind, which
// such a reader reads from the Op anyway, and a set's members are mostly of
// one kind: remembering the last kind's rule saves reading rule(position),
// a DRAM miss per layer at a million ops.
class LayerRuleReader {
public:
  explicit LayerRuleReader(const LayerIndex &ix) : ix_(&ix) {}
  const OpRule *operator()(const Layer &l) {
    if (l.op->kind() != kind_ || !read_) {
      kind_ = l.op->kind();
      rule_ = ix_->rule(l.position);
      read_ = true;
    }
    return rule_;
  }

private:
  const LayerIndex *ix_;
  Symbol kind_;
  const OpRule *rule_ = nullptr;
  bool read_ = false;
};

// The LayerIndex as a cached analysis, shared by all five dependency analyses.
struct LayerIndexAnalysis {
  static AnalysisKey Key;
  static constexpr const char *Name = "layer-index";
  using Result = LayerIndex;
  Result run(Graph &g, AnalysisManager &am);
};

} // namespace pd
