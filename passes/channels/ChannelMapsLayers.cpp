// Index maps of layers: linear, conv, per-channel norms, group norm, layer
// norm, embedding. A layer called as a module keeps its weights in slots (the
// layer's output and input channels); the same layer called as a function
// (F.linear(x, w, b), aten::_convolution) has them as operands, usually
// prim::Parameter values. Either way the seed ties the layer's channel dims
// to its weights once; propagation only passes the other dims.
#include "passes/channels/ChannelMaps.h"

#include "ir/Attribute.h"
#include "ir/Graph.h"

namespace pd {
namespace {

using Key = ChannelMapKey;

// A weight dimension: the layer's slot (module call) or dim `dim` of weight
// operand `operand` (function call).
std::optional<BlockId> weightDim(MapContext &c, SlotRole role, unsigned operand, int64_t dim,
                                 int64_t size) {
  if (c.op().isModuleCall())
    return c.slot(role, dim, size);
  std::optional<BlockId> b = c.at(operandRef(operand), dim);
  if (b && c.size(*b) != size) {
    c.stop(*b, "the weight's dim " + std::to_string(dim) + " has " + std::to_string(c.size(*b)) +
                   " entries, expected " + std::to_string(size));
    return std::nullopt;
  }
  return b;
}

// A rank-1 bias / norm parameter operand of `size` entries tied to `channels`.
void tieVectorOperand(MapContext &c, unsigned operand, BlockId channels) {
  if (operand >= c.op().numOperands())
    return;
  const std::vector<int64_t> *s = c.shape(operandRef(operand));
  if (!s || s->size() != 1 || (*s)[0] != c.size(channels))
    return; // absent, or one value shared by every channel
  if (std::optional<BlockId> b = c.at(operandRef(operand), 0))
    c.tieSame(*b, channels);
}

// The dims a shape-keeping layer passes from input to result.
void passSameDim(MapContext &c, const MapSource &s) {
  if (s.tensor == operandRef(0))
    c.tieTo(s, resultRef(0), s.dim);
  else if (s.tensor == resultRef(0))
    c.tieTo(s, operandRef(0), s.dim);
}

// ---------------------------------------------------------------- linear
void linearSeed(MapContext &c) {
  TensorRef X = operandRef(0), Y = resultRef(0);
  std::optional<BlockId> in = c.at(X, -1), out = c.at(Y, -1);
  if (!in || !out)
    return;
  // A module's weight is [out, in], or [in, out] when `transposed`.
  bool transposed = c.op().isModuleCall() && c.map().intArg(c.op(), Key::Transposed).value_or(0) != 0;
  std::optional<BlockId> win = weightDim(c, SlotRole::In, 1, transposed ? 0 : 1, c.size(*in));
  std::optional<BlockId> wout = weightDim(c, SlotRole::Out, 1, transposed ? 1 : 0, c.size(*out));
  if (win)
    c.tieSame(*win, *in);
  if (wout)
    c.tieSame(*wout, *out);
  if (!c.op().isModuleCall())
    tieVectorOperand(c, 2, *out);
}

void linear(MapContext &c, const MapSource &s) {
  int64_t rx = c.rank(operandRef(0)), ry = c.rank(resultRef(0));
  if (s.tensor == operandRef(0) && s.dim < rx - 1)
    c.tieTo(s, resultRef(0), s.dim + ry - rx);
  else if (s.tensor == resultRef(0) && s.dim < ry - 1 && s.dim - (ry - rx) >= 0)
    c.tieTo(s, operandRef(0), s.dim - (ry - rx));
}

// ---------------------------------------------------------------- conv
void convSeed(MapContext &c) {
  std::optional<ConvFacts> f = convFacts(c.op(), c.map());
  if (!f)
    return;
  std::optional<BlockId> x = c.at(operandRef(0), f->channelDim), y = c.at(resultRef(0), f->channelDim);
  if (!x || !y)
    return;
  const int64_t I = f->in, O = f->out, g = f->groups, ipg = I / g, opg = O / g;
  if (c.size(*x) != I || c.size(*y) != O)
    return;
  if (f->dropsGroups()) {
    // One channel per group on a side: pruning removes whole groups, each
    // group's input channels, weights and output channels together.
    std::optional<BlockId> w = f->transposed ? weightDim(c, SlotRole::In, 1, 0, I)
                                             : weightDim(c, SlotRole::Out, 1, 0, O);
    for (int64_t j = 0; j < g; ++j) {
      for (int64_t i = 0; i < ipg; ++i)
        c.tie(*x, j * ipg + i, *y, j * opg);
      for (int64_t o = 0; o < opg; ++o) {
        c.tie(*y, j * opg + o, *y, j * opg);
        if (w && !f->transposed)
          c.tie(*w, j * opg + o, *y, j * opg);
      }
      if (w && f->transposed)
        for (int64_t i = 0; i < ipg; ++i)
          c.tie(*w, j * ipg + i, *y, j * opg);
    }
  } else {
    // Groups stay equal: an index removed from one group's channels is
    // removed at the same offset from every group.
    std::optional<BlockId> win = weightDim(c, SlotRole::In, 1, f->transposed ? 0 : 1, f->transposed ? I : ipg);
    std::optional<BlockId> wout = weightDim(c, SlotRole::Out, 1, f->transposed ? 1 : 0, f->transposed ? opg : O);
    if (g == 1) {
      // One group: channel i is the weight's index i on each side, a tie of
      // whole dims (no loop over the channels).
      if (win)
        c.tieSame(*x, *win);
      if (wout)
        c.tieSame(*y, *wout);
      if (!c.op().isModuleCall())
        tieVectorOperand(c, 2, *y);
      return;
    }
    for (int64_t i = 0; i < I; ++i) {
      if (win)
        c.tie(*x, i, *win, f->transposed ? i : i % ipg);
      c.tie(*x, i, *x, i % ipg);
    }
    for (int64_t o = 0; o < O; ++o) {
      if (wout)
        c.tie(*y, o, *wout, f->transposed ? o % opg : o);
      c.tie(*y, o, *y, o % opg);
    }
  }
  if (!c.op().isModuleCall())
    tieVectorOperand(c, 2, *y);
}

void conv(MapContext &c, const MapSource &s) {
  std::optional<ConvFacts> f = convFacts(c.op(), c.map());
  if (!f)
    return c.stop(s.block, "not a convolution with known channel counts and groups");
  if (!(s.tensor == operandRef(0)) && !(s.tensor == resultRef(0)))
    return; // a weight or bias operand: tied by the seed
  if (s.dim == f->channelDim)
    return; // tied by the seed
  if (s.dim < f->channelDim)
    return passSameDim(c, s); // the batch
  c.stop(s.block, "dim " + std::to_string(s.dim) + " is a spatial dim of the convolution");
}

// ---------------------------------------------------------------- norms
int64_t channelDim(MapContext &c) { return c.map().arg(Key::ChannelDim).literal.value_or(1); }

// Whether the layer has the tensors key `k` tells of (`absent`: the map has
// no such key). When the key names an attribute the op lacks (a hand-written
// .pdir; the TorchScript frontend always records them) the layer is taken to
// have them: a member too many is what `prunedep verify` reports as
// over-coupled, one too few would break the pruned model.
bool hasTensors(MapContext &c, Key k, bool absent) {
  const ChannelMap &m = c.map();
  if (!m.has(k))
    return absent;
  return m.intArg(c.op(), k).value_or(1) != 0;
}

// Whether a norm module has per-channel tensors to prune: affine weight and
// bias, running statistics, or (PReLU) more than one parameter.
bool hasPerChannelTensors(MapContext &c) {
  bool affine = hasTensors(c, Key::Affine, true), stats = hasTensors(c, Key::Stats, false);
  std::optional<int64_t> count = c.map().intArg(c.op(), Key::ParamCount);
  return (affine || stats) && count.value_or(2) != 1;
}

// Ties the input and result along `dim` and, for a module with per-channel
// tensors, to its slot (weight dim `weightDimension`); for a function call,
// the rank-1 operands from `firstParam` on.
std::optional<BlockId> normChannels(MapContext &c, int64_t dim, int64_t weightDimension,
                                    unsigned firstParam) {
  std::optional<BlockId> x = c.at(operandRef(0), dim), y = c.at(resultRef(0), dim);
  if (!x || !y)
    return std::nullopt;
  c.tieSame(*x, *y);
  if (c.op().isModuleCall()) {
    if (hasPerChannelTensors(c))
      if (std::optional<BlockId> w = c.slot(SlotRole::Out, weightDimension, c.size(*x)))
        c.tieSame(*w, *x);
  } else {
    for (unsigned k = firstParam; k < c.op().numOperands(); ++k)
      tieVectorOperand(c, k, *x);
  }
  return x;
}

void perChannelSeed(MapContext &c) {
  if (c.rank(operandRef(0)) > channelDim(c))
    normChannels(c, channelDim(c), 0, 1);
}

void groupNormSeed(MapContext &c) {
  std::optional<BlockId> x = c.rank(operandRef(0)) > 1 ? normChannels(c, 1, 0, 1) : std::nullopt;
  std::optional<int64_t> groups = c.map().intArg(c.op(), Key::Groups);
  if (!x || !groups || *groups <= 0 || c.size(*x) % *groups)
    return;
  // Groups stay equal; with one channel per group a channel is a group.
  int64_t per = c.size(*x) / *groups;
  if (per == 1)
    return;
  for (int64_t i = per; i < c.size(*x); ++i)
    c.tie(*x, i, *x, i % per);
}

void layerNormSeed(MapContext &c) {
  std::optional<std::vector<int64_t>> shape = c.map().intsArg(c.op(), Key::NormalizedShape);
  int64_t rank = c.rank(operandRef(0)), k = shape ? static_cast<int64_t>(shape->size()) : -1;
  if (k < 0 || k > rank)
    return;
  for (int64_t d = rank - k; d < rank; ++d) {
    std::optional<BlockId> x = c.at(operandRef(0), d), y = c.at(resultRef(0), d);
    if (!x || !y)
      continue;
    c.tieSame(*x, *y);
    if (c.op().isModuleCall()) {
      if (hasPerChannelTensors(c))
        if (std::optional<BlockId> w = c.slot(SlotRole::Out, d - (rank - k), c.size(*x)))
          c.tieSame(*w, *x);
    } else {
      for (unsigned p = 1; p < c.op().numOperands(); ++p) { // weight, bias
        const std::vector<int64_t> *ps = c.shape(operandRef(p));
        if (ps && static_cast<int64_t>(ps->size()) == k)
          if (std::optional<BlockId> w = c.at(operandRef(p), d - (rank - k)))
            c.tieSame(*w, *x);
      }
    }
  }
}

// ---------------------------------------------------------------- embedding
// Module: embed(indices); function: aten::embedding(weight, indices).
TensorRef embeddingIndices(const MapContext &c) { return operandRef(c.op().isModuleCall() ? 0 : 1); }

void embeddingSeed(MapContext &c) {
  std::optional<BlockId> y = c.at(resultRef(0), -1);
  if (!y)
    return;
  if (std::optional<BlockId> w = weightDim(c, SlotRole::Out, 0, 1, c.size(*y)))
    c.tieSame(*w, *y);
}

void embedding(MapContext &c, const MapSource &s) {
  TensorRef ids = embeddingIndices(c);
  int64_t ry = c.rank(resultRef(0));
  if (s.tensor == ids)
    c.tieTo(s, resultRef(0), s.dim);
  else if (s.tensor == resultRef(0) && s.dim < ry - 1)
    c.tieTo(s, ids, s.dim);
}

} // namespace

std::optional<ConvFacts> convFacts(const Op &op, const ChannelMap &map) {
  if (op.numOperands() < 1 || op.numResults() < 1)
    return std::nullopt;
  const Type *xt = op.operand(0)->type(), *yt = op.result()->type();
  if (!xt->isTensor() || !yt->isTensor() || xt->rank() != yt->rank())
    return std::nullopt;
  // Spatial dims: the kernel's (module attribute, or the weight operand's
  // rank - 2); the channel dim precedes them.
  // (Counted in place: this runs for every block that reaches a conv.)
  int64_t spatial = -1;
  if (const Attribute *k = op.attr("kernel_size")) {
    if (k->isInt())
      spatial = 1;
    else if (k->isList() && std::all_of(k->getList().begin(), k->getList().end(),
                                        [](const Attribute &e) { return e.isInt(); }))
      spatial = static_cast<int64_t>(k->getList().size());
  }
  if (!op.isModuleCall() && op.numOperands() > 1 && op.operand(1)->type()->isTensor())
    spatial = static_cast<int64_t>(op.operand(1)->type()->rank()) - 2;
  if (spatial < 1)
    spatial = static_cast<int64_t>(xt->rank()) - 2;
  ConvFacts f;
  f.channelDim = static_cast<int64_t>(xt->rank()) - spatial - 1;
  if (f.channelDim < 0 || f.channelDim > 1)
    return std::nullopt;
  f.in = xt->shape()[f.channelDim];
  f.out = yt->shape()[f.channelDim];
  f.groups = map.intArg(op, ChannelMapKey::Groups).value_or(1);
  f.transposed = map.intArg(op, ChannelMapKey::Transposed).value_or(0) != 0;
  if (f.in <= 0 || f.out <= 0 || f.groups <= 0 || f.in % f.groups || f.out % f.groups)
    return std::nullopt;
  return f;
}

const MapImpl kLinearMap = {linearSeed, linear};
const MapImpl kConvMap = {convSeed, conv};
const MapImpl kPerChannelMap = {perChannelSeed, passSameDim};
const MapImpl kGroupNormMap = {groupNormSeed, passSameDim};
const MapImpl kLayerNormMap = {layerNormSeed, passSameDim};
const MapImpl kEmbeddingMap = {embeddingSeed, embedding};

} // namespace pd
