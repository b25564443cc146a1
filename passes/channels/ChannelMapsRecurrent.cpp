// Index maps of recurrent layers: aten::lstm / gru / rnn_tanh / rnn_relu
// (kind "recurrent", nn.LSTM and friends, which the TorchScript frontend
// lowers into one function op on the module's weights) and their one-step
// forms aten::lstm_cell / gru_cell / ... (kind "recurrent-cell").
//
// Operands: the input, `states` hidden-state tensors (h0, and an LSTM's c0),
// then per layer l and direction d: w_ih, w_hh, [b_ih, b_hh], [w_hr: an
// LSTM with projections]. Results: the output, h_n, [c_n] (a cell: the new
// states only). With H the cell size (w_hh's rows / gates) and P the size of
// the hidden state (w_hh's columns; H without projections):
//
//   - cell unit j is row g*H + j of every w_ih, w_hh, b_ih, b_hh, for each
//     gate g, column j of w_hr, and the last dim of c0 and c_n;
//   - hidden unit j is column j of w_hh, row j of w_hr, the last dim of h0
//     and h_n, and index d*P + j of the output's last dim and of the columns
//     of the next layer's w_ih, for each direction d;
//   - without projections the two are the same units.
//
// Every layer and direction share unit j: a module has one hidden size, and
// h_n one last dim for all its layers. The batch passes to the output and
// the states; the time steps stop (a removed step changes every later one),
// and so does the layers x directions dim of the states.
#include "passes/channels/ChannelMaps.h"

#include "ir/Graph.h"

#include <algorithm>
#include <limits>
#include <string>

namespace pd {
namespace {

using Key = ChannelMapKey;

// What the op is, read from its map, attributes and shapes; `invalid` says
// why the op cannot be mapped (empty when it can).
struct Rnn {
  bool cell = false;
  int64_t gates = 1, states = 1, layers = 1, dirs = 1;
  bool biases = true, proj = false, batchFirst = false;
  int64_t H = 0, P = 0;
  int64_t per = 0;  // weight tensors per layer and direction
  int64_t rank = 0; // the input's
  std::string invalid;

  // The operand index of weight `k` (0 w_ih, 1 w_hh, 2 b_ih, 3 b_hh, 4 w_hr)
  // of layer l, direction d.
  unsigned param(int64_t l, int64_t d, int k) const {
    int64_t at = k == 4 ? per - 1 : k;
    return static_cast<unsigned>(1 + states + (l * dirs + d) * per + at);
  }
  TensorRef h() const { return resultRef(cell ? 0 : 1); }
  TensorRef c() const { return resultRef(cell ? 1 : 2); }
  // The batch dim of the input and output (-1: unbatched) and of the states.
  int64_t batchDim() const {
    if (cell)
      return rank == 2 ? 0 : -1;
    return rank == 3 ? (batchFirst ? 0 : 1) : -1;
  }
  int64_t stateBatchDim() const { return cell ? batchDim() : (rank == 3 ? 1 : -1); }
};

std::string shapeText(const std::vector<int64_t> &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

// PyTorch's name of weight `k` of layer l, direction d (weight_ih_l1_reverse).
std::string paramName(const Rnn &r, int64_t l, int64_t d, int k) {
  static const char *const kNames[] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"};
  std::string name = kNames[k];
  if (!r.cell)
    name += "_l" + std::to_string(l) + (d ? "_reverse" : "");
  return name;
}

// The value of key `k`, or nullopt with the reason in `why`.
std::optional<int64_t> need(MapContext &c, Key k, std::string &why) {
  std::optional<int64_t> v = c.map().intArg(c.op(), k);
  if (!v && why.empty()) {
    Symbol attr = c.map().arg(k).attr;
    why = "no value for '" + std::string(channelMapKeyName(k)) + "'" +
          (attr.empty() ? std::string() : " (the op has no int or bool attribute '" + std::string(attr.str()) + "')");
  }
  return v;
}

Rnn layout(MapContext &c, bool cell) {
  Rnn r;
  r.cell = cell;
  std::string &why = r.invalid;
  std::optional<int64_t> gates = need(c, Key::Gates, why), states = need(c, Key::States, why);
  std::optional<int64_t> layers = 1, bidir = 0, biases = 1, batchFirst = 0;
  if (!cell) {
    layers = need(c, Key::Layers, why);
    bidir = need(c, Key::Bidirectional, why);
    biases = need(c, Key::Biases, why);
    batchFirst = need(c, Key::BatchFirst, why);
  }
  if (!why.empty())
    return r;
  // (Each layer has two weights at least: more layers than operands cannot fit.)
  if (*gates < 1 || *states < 1 || *states > 2 || *layers < 1 ||
      *layers > static_cast<int64_t>(c.op().numOperands())) {
    why = "gates " + std::to_string(*gates) + ", states " + std::to_string(*states) + " or layers " +
          std::to_string(*layers) + " out of range";
    return r;
  }
  r.gates = *gates;
  r.states = *states;
  r.layers = *layers;
  r.dirs = *bidir ? 2 : 1;
  r.biases = *biases != 0;
  r.batchFirst = *batchFirst != 0;

  const Op &op = c.op();
  const std::vector<int64_t> *x = c.shape(operandRef(0));
  r.rank = x ? static_cast<int64_t>(x->size()) : -1;
  if (cell ? (r.rank < 1 || r.rank > 2) : (r.rank < 2 || r.rank > 3)) {
    why = cell ? "the input is not a tensor of rank 1 or 2" : "the input is not a tensor of rank 2 or 3";
    return r;
  }
  for (unsigned i = 0; i < op.numOperands(); ++i) {
    const std::vector<int64_t> *s = c.shape(operandRef(i));
    if (!s) {
      why = "operand " + std::to_string(i) + " is not a tensor";
      return r;
    }
    for (int64_t n : *s)
      if (n <= 0) {
        why = "operand " + std::to_string(i) + " has a dim of unknown or zero size";
        return r;
      }
  }
  // The weights: per layer and direction, w_ih and w_hh, the biases, w_hr.
  int64_t weights = static_cast<int64_t>(op.numOperands()) - 1 - r.states;
  int64_t base = 2 + (r.biases ? 2 : 0);
  if (cell) {
    r.biases = weights == 4;
    base = weights;
  }
  int64_t groups = r.layers * r.dirs;
  r.per = weights > 0 && weights % groups == 0 ? weights / groups : 0;
  r.proj = !cell && r.per == base + 1 && r.gates == 4 && r.states == 2;
  if ((cell && weights != 2 && weights != 4) || (!cell && r.per != base && !r.proj)) {
    why = std::to_string(std::max<int64_t>(weights, 0)) + " weight tensors are not " +
          (cell ? std::string("w_ih, w_hh[, b_ih, b_hh]")
                : std::to_string(r.layers) + " layer(s) x " + std::to_string(r.dirs) +
                      " direction(s) of w_ih, w_hh" + (r.biases ? ", b_ih, b_hh" : "") +
                      (r.gates == 4 && r.states == 2 ? "[, w_hr]" : ""));
    return r;
  }
  const std::vector<int64_t> &whh = *c.shape(operandRef(r.param(0, 0, 1)));
  if (whh.size() != 2 || whh[0] % r.gates) {
    why = paramName(r, 0, 0, 1) + " is " + shapeText(whh) + ": its rows are not " + std::to_string(r.gates) +
          " gates of equal size";
    return r;
  }
  r.H = whh[0] / r.gates;
  r.P = whh[1];
  if (!r.proj && r.P != r.H) {
    why = paramName(r, 0, 0, 1) + " is " + shapeText(whh) + ": its columns are not the hidden size " +
          std::to_string(r.H);
    return r;
  }
  if (r.P > std::numeric_limits<int64_t>::max() / r.dirs) {
    why = "the hidden size " + std::to_string(r.P) + " times the directions overflows";
    return r;
  }
  const int64_t GH = r.gates * r.H; // w_hh's rows: no overflow
  auto expect = [&](TensorRef t, const std::vector<int64_t> &shape, const std::string &name) {
    const std::vector<int64_t> *s = c.shape(t);
    if (why.empty() && (!s || *s != shape))
      why = name + " is " + (s ? shapeText(*s) : std::string("not a tensor")) + ", expected " + shapeText(shape);
  };
  for (int64_t l = 0; l < r.layers; ++l)
    for (int64_t d = 0; d < r.dirs; ++d) {
      int64_t in = l == 0 ? x->back() : r.dirs * r.P;
      expect(operandRef(r.param(l, d, 0)), {GH, in}, paramName(r, l, d, 0));
      expect(operandRef(r.param(l, d, 1)), {GH, r.P}, paramName(r, l, d, 1));
      if (r.biases) {
        expect(operandRef(r.param(l, d, 2)), {GH}, paramName(r, l, d, 2));
        expect(operandRef(r.param(l, d, 3)), {GH}, paramName(r, l, d, 3));
      }
      if (r.proj)
        expect(operandRef(r.param(l, d, 4)), {r.P, r.H}, paramName(r, l, d, 4));
    }
  // The states: [layers x directions, batch, size], or [batch, size] for a cell.
  auto stateShape = [&](int64_t size) {
    std::vector<int64_t> s;
    if (!cell)
      s.push_back(r.layers * r.dirs);
    if (r.batchDim() >= 0)
      s.push_back((*x)[r.batchDim()]);
    s.push_back(size);
    return s;
  };
  expect(operandRef(1), stateShape(r.P), "h0");
  if (r.states == 2)
    expect(operandRef(2), stateShape(r.H), "c0");
  unsigned results = static_cast<unsigned>(r.states) + (cell ? 0 : 1);
  if (why.empty() && op.numResults() != results) {
    why = std::to_string(op.numResults()) + " results, expected " + std::to_string(results);
    return r;
  }
  if (!cell) {
    std::vector<int64_t> out = *x;
    out.back() = r.dirs * r.P;
    expect(resultRef(0), out, "the output");
  }
  expect(r.h(), stateShape(r.P), cell ? "h'" : "h_n");
  if (r.states == 2)
    expect(r.c(), stateShape(r.H), cell ? "c'" : "c_n");
  return r;
}

// Index i + k of `a` with index k of `b`, k < n: a whole tie when that is
// all of both.
void tieAt(MapContext &c, BlockId a, int64_t i, BlockId b, int64_t n) {
  if (i == 0 && c.size(a) == n && c.size(b) == n)
    c.tieSame(a, b);
  else
    c.tieRange(a, i, b, 0, n);
}

void seedOf(MapContext &c, bool cell) {
  Rnn r = layout(c, cell);
  if (!r.invalid.empty())
    return; // every block that reaches the op stops, with the reason
  std::optional<BlockId> P = c.at(r.h(), -1);
  std::optional<BlockId> H = r.states == 2 ? c.at(r.c(), -1) : P;
  if (!P || !H)
    return;
  if (!r.proj && *H != *P)
    c.tieSame(*H, *P);
  if (std::optional<BlockId> h0 = c.at(operandRef(1), -1))
    c.tieSame(*h0, *P);
  if (r.states == 2)
    if (std::optional<BlockId> c0 = c.at(operandRef(2), -1))
      c.tieSame(*c0, *H);
  if (!cell)
    if (std::optional<BlockId> out = c.at(resultRef(0), -1))
      for (int64_t d = 0; d < r.dirs; ++d)
        tieAt(c, *out, d * r.P, *P, r.P);
  for (int64_t l = 0; l < r.layers; ++l)
    for (int64_t d = 0; d < r.dirs; ++d) {
      // Each gate's rows are the cell units.
      for (int k = 0; k < (r.biases ? 4 : 2); ++k)
        if (std::optional<BlockId> rows = c.at(operandRef(r.param(l, d, k)), 0))
          for (int64_t g = 0; g < r.gates; ++g)
            tieAt(c, *rows, g * r.H, *H, r.H);
      if (std::optional<BlockId> cols = c.at(operandRef(r.param(l, d, 1)), 1))
        c.tieSame(*cols, *P);
      if (r.proj) {
        if (std::optional<BlockId> rows = c.at(operandRef(r.param(l, d, 4)), 0))
          c.tieSame(*rows, *P);
        if (std::optional<BlockId> cols = c.at(operandRef(r.param(l, d, 4)), 1))
          c.tieSame(*cols, *H);
      }
      // The input features: the model's for the first layer, the previous
      // layer's output (every direction's hidden units) after it.
      std::optional<BlockId> in = c.at(operandRef(r.param(l, d, 0)), 1);
      if (!in)
        continue;
      if (l == 0) {
        if (std::optional<BlockId> xf = c.at(operandRef(0), -1))
          c.tieSame(*in, *xf);
      } else {
        for (int64_t dd = 0; dd < r.dirs; ++dd)
          tieAt(c, *in, dd * r.P, *P, r.P);
      }
    }
}

void propagateOf(MapContext &c, const MapSource &s, bool cell) {
  Rnn r = layout(c, cell);
  if (!r.invalid.empty())
    return c.stop(s.block, r.invalid);
  int64_t rank = c.rank(s.tensor);
  if (s.dim == rank - 1)
    return; // features and hidden units: tied by the seed
  bool data = s.tensor == operandRef(0) || (!cell && s.tensor == resultRef(0));
  bool state = s.tensor.isResult ? !data : (s.tensor.index >= 1 && s.tensor.index <= unsigned(r.states));
  if (!data && !state)
    return; // a weight: every dim tied by the seed
  int64_t batch = data ? r.batchDim() : r.stateBatchDim();
  if (s.dim != batch) {
    if (data)
      return c.stop(s.block, "dim " + std::to_string(s.dim) +
                                 " holds the time steps: a removed step changes the steps after it");
    return c.stop(s.block, "dim " + std::to_string(s.dim) + " holds one state per layer and direction");
  }
  // The batch: each sequence runs on its own.
  c.tieTo(s, operandRef(0), r.batchDim());
  if (!cell)
    c.tieTo(s, resultRef(0), r.batchDim());
  for (int64_t k = 0; k < r.states; ++k) {
    c.tieTo(s, operandRef(static_cast<unsigned>(1 + k)), r.stateBatchDim());
    c.tieTo(s, k == 0 ? r.h() : r.c(), r.stateBatchDim());
  }
}

void recurrentSeed(MapContext &c) { seedOf(c, false); }
void recurrent(MapContext &c, const MapSource &s) { propagateOf(c, s, false); }
void recurrentCellSeed(MapContext &c) { seedOf(c, true); }
void recurrentCell(MapContext &c, const MapSource &s) { propagateOf(c, s, true); }

} // namespace

const MapImpl kRecurrentMap = {recurrentSeed, recurrent};
const MapImpl kRecurrentCellMap = {recurrentCellSeed, recurrentCell};

} // namespace pd
