// Index maps of ops that move, combine or cut tensors without weights:
// elementwise, window, reduce, concat, chunk/split, unbind, select, slice,
// permute, transpose, expand, pixel (un)shuffle, matmul, create, parameter.
#include "passes/channels/ChannelMaps.h"

#include "ir/Attribute.h"
#include "ir/Graph.h"

#include <llvm/ADT/ArrayRef.h>

#include <algorithm>

namespace pd {
namespace {

using Key = ChannelMapKey;

// Index i of the source with index i of (t, dim) for every `t` in `ts`.
void tieAll(MapContext &c, const MapSource &s, llvm::ArrayRef<TensorRef> ts, int64_t dim) {
  for (TensorRef t : ts)
    c.tieTo(s, t, dim);
}

MapContext::TensorRefs operandsAndResults(const MapContext &c) {
  MapContext::TensorRefs all = c.tensorOperands();
  for (TensorRef r : c.tensorResults())
    all.push_back(r);
  return all;
}

// Whether a dim (< 64) is in a mask of MapMemo.
bool inMask(uint64_t mask, int64_t d) { return d >= 0 && d < 64 && (mask >> d & 1); }

// Dims on which a whole and its pieces (a concat's inputs, a split's pieces,
// an unbind's results) tie index i to index i: every piece has the whole's
// (known) size there. On such a dim the first block to arrive ties all of
// them (creating their blocks, as before), and every later block is already
// tied to the rest: skipping it changes no class and no stop, and keeps an op
// of n pieces O(n) instead of O(n^2). `pieceDim(d)` is the piece's dim for
// the whole's dim `d` (nullopt: none).
template <typename PieceDim>
uint64_t uniformDims(const MapContext &c, TensorRef whole, llvm::ArrayRef<TensorRef> pieces, PieceDim pieceDim) {
  const std::vector<int64_t> *w = c.shape(whole);
  uint64_t mask = 0;
  for (int64_t d = 0; w && d < static_cast<int64_t>(w->size()) && d < 64; ++d) {
    std::optional<int64_t> pd = pieceDim(d);
    bool same = pd && (*w)[d] > 0;
    for (size_t k = 0; same && k < pieces.size(); ++k) {
      const std::vector<int64_t> *p = c.shape(pieces[k]);
      same = p && *pd < static_cast<int64_t>(p->size()) && (*p)[*pd] == (*w)[d];
    }
    if (same)
      mask |= uint64_t(1) << d;
  }
  return mask;
}

// True when (whole dim `d`) was already tied across all pieces; marks it.
bool alreadyTied(MapMemo &m, int64_t d) {
  if (!inMask(m.uniformDims, d))
    return false;
  bool done = inMask(m.tiedDims, d);
  m.tiedDims |= uint64_t(1) << d;
  return done;
}

// Whether an earlier block of the same size as the source reached the op at
// the same `place` (the map's name for the set of tensor dims a block there
// ties to: a dim from the back, or a rank and dim); records this one if not.
//
// Maps that tie the source to every tensor at its place, index by index
// (through tieTo), would tie a later block of the same size only to what the
// earlier one tied it to already, and stop what it stopped already with the
// same words: skipping it changes no class, no stop and no block. An op of n
// tensors then costs O(n) per (place, size) instead of O(n) per block that
// reaches it (O(n^2) in all). Ops of few tensors skip the memo: repeating
// their few ties is cheaper than a memo entry (one per add of a 1M-op graph).
bool repeatsEarlierBlock(MapContext &c, const MapSource &s, int64_t place) {
  constexpr unsigned kFewTensors = 8;
  if (c.op().numOperands() + c.op().numResults() <= kFewTensors)
    return false;
  std::vector<std::pair<int64_t, int64_t>> &seen = c.memo().placesTied;
  std::pair<int64_t, int64_t> key{place, c.size(s.block)};
  if (std::find(seen.begin(), seen.end(), key) != seen.end())
    return true;
  seen.push_back(key); // few: a place has one size (two with a broadcast)
  return false;
}

// ---------------------------------------------------------------- elementwise
// Broadcasting aligns dims from the back: the source's k-th dim from the end
// is every other tensor's k-th dim from the end.
void elementwise(MapContext &c, const MapSource &s) {
  int64_t fromBack = c.rank(s.tensor) - s.dim;
  if (repeatsEarlierBlock(c, s, fromBack))
    return;
  for (TensorRef t : operandsAndResults(c)) {
    int64_t d = c.rank(t) - fromBack;
    if (d >= 0)
      c.tieTo(s, t, d);
  }
}

// ---------------------------------------------------------------- window
// The number of trailing dims a pooling / resize / pad op resizes.
std::optional<int64_t> windowDims(MapContext &c, int64_t rank) {
  const ChannelMapArg &a = c.map().arg(Key::Window);
  if (a.literal)
    return *a.literal >= 0 ? *a.literal : rank + *a.literal;
  std::optional<std::vector<int64_t>> list = c.map().intsArg(c.op(), Key::Window);
  if (!list)
    return std::nullopt;
  int64_t per = c.map().arg(Key::Per).literal.value_or(1);
  if (per <= 0 || static_cast<int64_t>(list->size()) % per)
    return std::nullopt;
  return static_cast<int64_t>(list->size()) / per;
}

// A dim that a pad list (`per` 2: before/after pairs, the last dim first)
// covers with zero on both sides: F.pad(x, (0, 0, 0, 1)) of an NHWC tensor
// leaves the channels where they are.
bool unpadded(MapContext &c, int64_t rank, int64_t dim) {
  if (c.map().arg(Key::Per).literal.value_or(1) != 2)
    return false;
  std::optional<std::vector<int64_t>> pads = c.map().intsArg(c.op(), Key::Window);
  size_t k = static_cast<size_t>(rank - 1 - dim);
  return pads && 2 * k + 1 < pads->size() && (*pads)[2 * k] == 0 && (*pads)[2 * k + 1] == 0;
}

void window(MapContext &c, const MapSource &s) {
  int64_t rank = c.rank(s.tensor);
  std::optional<int64_t> n = windowDims(c, rank);
  if (!n || *n < 0 || *n > rank)
    return c.stop(s.block, "the number of resized dims is not known");
  if (s.dim >= rank - *n && !unpadded(c, rank, s.dim))
    return c.stop(s.block, "dim " + std::to_string(s.dim) + " is pooled, resized or padded");
  if (repeatsEarlierBlock(c, s, rank << 8 | s.dim)) // dim < rank <= 64 (ChannelPositions)
    return;
  for (TensorRef t : operandsAndResults(c))
    if (c.rank(t) == rank)
      c.tieTo(s, t, s.dim);
}

// ---------------------------------------------------------------- reduce
void reduce(MapContext &c, const MapSource &s) {
  if (c.countTensorOperands(2) == 2) // max(a, b): the pointwise overload
    return elementwise(c, s);
  int64_t rank = c.rank(operandRef(0));
  if (rank < 0)
    return c.stop(s.block, "the reduced operand is not a tensor");
  std::vector<bool> reduced(rank, true);
  if (std::optional<std::vector<int64_t>> dims = c.map().intsArg(c.op(), Key::Dim)) {
    reduced.assign(rank, false);
    for (int64_t d : *dims)
      if (std::optional<int64_t> n = normalizeDim(d, rank))
        reduced[*n] = true;
  }
  bool keep = c.map().intArg(c.op(), Key::Keepdim).value_or(0) != 0;
  auto outDim = [&](int64_t d) -> std::optional<int64_t> {
    if (reduced[d])
      return std::nullopt;
    return keep ? d : d - std::count(reduced.begin(), reduced.begin() + d, true);
  };
  std::optional<int64_t> in; // the input dim of the source
  if (!s.tensor.isResult) {
    in = s.dim;
  } else {
    for (int64_t d = 0; d < rank && !in; ++d)
      if (outDim(d) == s.dim)
        in = d;
    if (!in)
      return; // a kept size-1 dim
    c.tieTo(s, operandRef(0), *in);
  }
  std::optional<int64_t> out = outDim(*in);
  if (!out)
    return; // reduced away: removing an index there changes no shape
  tieAll(c, s, c.tensorResults(), *out);
}

// ---------------------------------------------------------------- concat, chunk, split
// How a concat or a split lays its parts (a concat's inputs, a split's
// pieces) end to end along one dim of the whole (the concat's result, the
// split's input), and what its messages call them.
struct AlongRules {
  bool partsAreResults;
  bool skipOtherRanks; // torch.cat skips empty 1-d inputs; a split's pieces all have its input's rank
  const char *dimOutOfRange, *otherRank, *sizesOverflow, *sizesDoNotAddUp;
  TensorRef whole() const { return partsAreResults ? operandRef(0) : resultRef(0); }
};
const AlongRules kConcat = {false, true, "the concat dim is out of range",
                            "" /* other ranks are skipped, never refused */, "the input sizes overflow",
                            "the input sizes do not add up to the result's"};
const AlongRules kPieces = {true, false, "the split dim is out of range", "a piece has a different rank",
                            "the piece sizes overflow", "the pieces do not add up to the input"};

// The memo's layout (dim, each part's offset along it, the other dims on
// which every part has the whole's size), or why there is none (m.invalid).
// Computed on the op's first block, so that each further block costs O(1).
void layOutAlong(MapContext &c, MapMemo &m, const AlongRules &r) {
  m.laidOut = true;
  TensorRef whole = r.whole();
  int64_t rank = c.rank(whole);
  std::optional<int64_t> dim = normalizeDim(c.map().intArg(c.op(), Key::Dim).value_or(0), rank);
  if (!dim) {
    m.invalid = r.dimOutOfRange;
    return;
  }
  m.dim = *dim;
  m.offset.assign(r.partsAreResults ? c.op().numResults() : c.op().numOperands(), -1);
  MapContext::TensorRefs laidOut;
  int64_t total = 0;
  for (TensorRef t : r.partsAreResults ? c.tensorResults() : c.tensorOperands()) {
    if (c.rank(t) != rank) {
      if (r.skipOtherRanks)
        continue;
      m.invalid = r.otherRank;
      return;
    }
    laidOut.push_back(t);
    m.offset[t.index] = total;
    if (__builtin_add_overflow(total, (*c.shape(t))[*dim], &total)) {
      m.invalid = r.sizesOverflow;
      return;
    }
  }
  if (total != (*c.shape(whole))[*dim]) {
    m.invalid = r.sizesDoNotAddUp;
    return;
  }
  m.uniformDims = uniformDims(c, whole, laidOut, [&](int64_t d) -> std::optional<int64_t> {
    return d == *dim ? std::nullopt : std::optional<int64_t>(d);
  });
}

// A block on another dim than the layout's: every laid-out part and the
// whole share it index by index. Tied once per dim (alreadyTied) when the
// block comes from one of them.
void tieAcross(MapContext &c, const MapSource &s, const MapMemo &m, const AlongRules &r) {
  bool fromPart = s.tensor.isResult == r.partsAreResults && m.offset[s.tensor.index] >= 0;
  if ((fromPart || s.tensor == r.whole()) && alreadyTied(c.memo(), s.dim))
    return;
  MapContext::TensorRefs all;
  for (TensorRef t : r.partsAreResults ? c.tensorResults() : c.tensorOperands())
    if (m.offset[t.index] >= 0)
      all.push_back(t);
  all.push_back(r.whole());
  tieAll(c, s, all, s.dim);
}

// A block on the layout's dim: `tiePart(k)` ties part k to its range of the
// whole; a block from a part reaches that part only (none when it was
// skipped), one from the whole every part.
template <typename TiePart>
void tieAlong(const MapSource &s, const MapMemo &m, const AlongRules &r, TiePart tiePart) {
  if (s.tensor.isResult == r.partsAreResults) {
    if (m.offset[s.tensor.index] >= 0)
      tiePart(s.tensor.index);
    return;
  }
  for (unsigned k = 0; k < m.offset.size(); ++k)
    if (m.offset[k] >= 0)
      tiePart(k);
}

void concat(MapContext &c, const MapSource &s) {
  MapMemo &m = c.memo();
  if (!m.laidOut)
    layOutAlong(c, m, kConcat);
  if (m.invalid)
    return c.stop(s.block, m.invalid);
  if (s.dim != m.dim)
    return tieAcross(c, s, m, kConcat);
  tieAlong(s, m, kConcat, [&](unsigned k) {
    std::optional<BlockId> in = c.at(operandRef(k), m.dim);
    std::optional<BlockId> res = c.at(resultRef(0), m.dim);
    if (!in || !res)
      return;
    c.tieRange(*in, 0, *res, m.offset[k], c.size(*in));
  });
}

// The split's layout, and whether its pieces all have one size.
const MapMemo &piecesLayout(MapContext &c) {
  MapMemo &m = c.memo();
  if (m.laidOut)
    return m;
  layOutAlong(c, m, kPieces);
  if (m.invalid)
    return m;
  MapContext::TensorRefs parts = c.tensorResults();
  auto sizeAlong = [&](TensorRef p) { return (*c.shape(p))[m.dim]; };
  m.equalPieces =
      std::all_of(parts.begin(), parts.end(), [&](TensorRef p) { return sizeAlong(p) == sizeAlong(parts[0]); });
  return m;
}

// Pieces along `dim`. With `equal` (chunk, split by one size) the op cuts
// equal pieces, so a pruned input must lose the same indices from each:
// offset r of every piece is one position.
void pieces(MapContext &c, const MapSource &s, bool equal) {
  const MapMemo &m = piecesLayout(c);
  if (m.invalid)
    return c.stop(s.block, m.invalid);
  if (s.dim != m.dim)
    return tieAcross(c, s, m, kPieces);
  if (equal && !m.equalPieces)
    return c.stop(s.block, "its pieces differ in size, so they cannot stay equal when pruned");
  std::optional<BlockId> whole = c.at(operandRef(0), m.dim);
  if (!whole)
    return;
  tieAlong(s, m, kPieces, [&](unsigned k) {
    std::optional<BlockId> piece = c.at(resultRef(k), m.dim);
    if (!piece)
      return;
    c.tieRange(*piece, 0, *whole, m.offset[k], c.size(*piece));
    if (equal) // the first piece (offset 0) ties each index to itself: a no-op
      c.tieRange(*whole, m.offset[k], *whole, 0, c.size(*piece));
  });
}

void chunk(MapContext &c, const MapSource &s) { pieces(c, s, true); }

void split(MapContext &c, const MapSource &s) {
  // aten::split(x, 58) cuts pieces of one size; split(x, [24, 8]) free sizes.
  const Attribute *sizes = c.map().attrArg(c.op(), Key::Sizes);
  pieces(c, s, sizes && sizes->isInt());
}

// ---------------------------------------------------------------- unbind, select
// The input dim that result dim `e` comes from when `dim` is dropped.
int64_t undrop(int64_t e, int64_t dim) { return e < dim ? e : e + 1; }
int64_t drop(int64_t d, int64_t dim) { return d < dim ? d : d - 1; }

// unbind and stack: `whole` has `dim`, and each slice (the results of an
// unbind, the operands of a stack) is one index of it, without that dim.
// An index of `dim` is a whole slice: a block there stops. Every other dim of
// the whole ties with the slices' dims, once per dim (alreadyTied).
void wholeAndSlices(MapContext &c, const MapSource &s, TensorRef whole, bool slicesAreResults,
                    const char *op, const char *indexIs) {
  std::optional<int64_t> dim = normalizeDim(c.map().intArg(c.op(), Key::Dim).value_or(0), c.rank(whole));
  if (!dim)
    return c.stop(s.block, std::string("the ") + op + " dim is out of range");
  bool onWhole = s.tensor == whole, onSlice = s.tensor.isResult == slicesAreResults && !onWhole;
  if (onWhole && s.dim == *dim)
    return c.stop(s.block, "each index of dim " + std::to_string(*dim) + " is " + indexIs);
  int64_t d = onWhole ? s.dim : undrop(s.dim, *dim); // the whole's dim
  auto slices = [&] { return slicesAreResults ? c.tensorResults() : c.tensorOperands(); };
  MapMemo &m = c.memo();
  if (!m.laidOut) {
    m.laidOut = true;
    m.uniformDims = uniformDims(c, whole, slices(), [&](int64_t e) -> std::optional<int64_t> {
      return e == *dim ? std::nullopt : std::optional<int64_t>(drop(e, *dim));
    });
  }
  if ((onWhole || onSlice) && alreadyTied(m, d))
    return;
  c.tieTo(s, whole, d);
  tieAll(c, s, slices(), drop(d, *dim));
}

void unbind(MapContext &c, const MapSource &s) {
  wholeAndSlices(c, s, operandRef(0), true, "unbind", "a result of its own");
}

// stack: unbind's inverse. The inputs (all of one shape) gain `dim`.
void stack(MapContext &c, const MapSource &s) {
  wholeAndSlices(c, s, resultRef(0), false, "stack", "one of the stacked tensors");
}

void select(MapContext &c, const MapSource &s) {
  TensorRef in = operandRef(0);
  std::optional<int64_t> dim = normalizeDim(c.map().intArg(c.op(), Key::Dim).value_or(0), c.rank(in));
  if (!dim)
    return c.stop(s.block, "the select dim is out of range");
  if (!s.tensor.isResult && s.dim == *dim) {
    std::optional<int64_t> index = c.map().intArg(c.op(), Key::Index);
    int64_t n = c.size(s.block);
    if (!index || *index < -n || *index >= n)
      return c.stop(s.block, "the selected index is not known");
    // The other indices are not read: removing them changes no result.
    return c.stopIndex(s.block, *index < 0 ? *index + n : *index, "the selected index");
  }
  int64_t d = s.tensor.isResult ? undrop(s.dim, *dim) : s.dim;
  c.tieTo(s, in, d);
  tieAll(c, s, c.tensorResults(), drop(d, *dim));
}

// ---------------------------------------------------------------- slice
void slice(MapContext &c, const MapSource &s) {
  TensorRef in = operandRef(0), out = resultRef(0);
  std::optional<int64_t> dim = normalizeDim(c.map().intArg(c.op(), Key::Dim).value_or(0), c.rank(in));
  if (!dim || c.rank(out) != c.rank(in))
    return c.stop(s.block, "the slice dim is out of range");
  if (s.dim != *dim) {
    c.tieTo(s, in, s.dim);
    c.tieTo(s, out, s.dim);
    return;
  }
  int64_t n = (*c.shape(in))[*dim];
  auto clampIndex = [&](int64_t i) { return std::min(std::max(i < 0 ? i + n : i, int64_t(0)), n); };
  int64_t start = clampIndex(c.map().intArg(c.op(), Key::Start).value_or(0));
  int64_t end = n;
  if (c.map().has(Key::Length)) {
    std::optional<int64_t> len = c.map().intArg(c.op(), Key::Length);
    if (!len || *len < 0)
      return c.stop(s.block, "the narrow length is not known");
    end = *len >= n - start ? n : start + *len; // no overflow whatever the attribute says
  } else if (std::optional<int64_t> e = c.map().intArg(c.op(), Key::End)) {
    end = clampIndex(*e);
  }
  int64_t step = c.map().intArg(c.op(), Key::Step).value_or(1);
  if (step <= 0)
    return c.stop(s.block, "the slice step is not positive");
  int64_t count = end > start ? (end - start - 1) / step + 1 : 0;
  if (count != (*c.shape(out))[*dim])
    return c.stop(s.block, "the slice bounds do not match the result's size");
  if (step != 1 && count > 1)
    // Removing an index would shift which ones the stride picks.
    return c.stop(s.block, "a strided slice picks different indices once one is removed");
  std::optional<BlockId> a = c.at(in, *dim), b = c.at(out, *dim);
  if (!a || !b)
    return;
  c.tieRange(*a, start, *b, 0, count);
  // Indices outside the slice are not read: removing them changes no result.
}

// ---------------------------------------------------------------- permute, transpose, expand
void permute(MapContext &c, const MapSource &s) {
  int64_t rank = c.rank(operandRef(0));
  std::optional<std::vector<int64_t>> dims = c.map().intsArg(c.op(), Key::Dims);
  if (!dims || static_cast<int64_t>(dims->size()) != rank)
    return c.stop(s.block, "the permutation is not known");
  for (int64_t k = 0; k < rank; ++k) {
    std::optional<int64_t> d = normalizeDim((*dims)[k], rank);
    if (!d)
      return c.stop(s.block, "the permutation is out of range");
    if (s.tensor.isResult && s.dim == k)
      return c.tieTo(s, operandRef(0), *d);
    if (!s.tensor.isResult && s.dim == *d)
      return c.tieTo(s, resultRef(0), k);
  }
}

void transpose(MapContext &c, const MapSource &s) {
  int64_t rank = c.rank(operandRef(0));
  if (rank < 2) // aten::t of a vector
    return c.tieTo(s, s.tensor.isResult ? operandRef(0) : resultRef(0), s.dim);
  std::optional<int64_t> d0 = c.map().intArg(c.op(), Key::Dim0), d1 = c.map().intArg(c.op(), Key::Dim1);
  if (d0)
    d0 = normalizeDim(*d0, rank);
  if (d1)
    d1 = normalizeDim(*d1, rank);
  if (!d0 || !d1)
    return c.stop(s.block, "the transposed dims are not known");
  int64_t other = s.dim == *d0 ? *d1 : s.dim == *d1 ? *d0 : s.dim;
  c.tieTo(s, s.tensor.isResult ? operandRef(0) : resultRef(0), other);
}

void expand(MapContext &c, const MapSource &s) {
  int64_t shift = c.rank(resultRef(0)) - c.rank(operandRef(0));
  if (s.tensor.isResult) {
    if (s.dim - shift >= 0)
      c.tieTo(s, operandRef(0), s.dim - shift); // a grown size-1 dim ties nothing
  } else {
    c.tieTo(s, resultRef(0), s.dim + shift);
  }
}

// ---------------------------------------------------------------- pixel (un)shuffle
// [..., C*r*r, H, W] <-> [..., C, H*r, W*r]: `shuffle` is the left-to-right
// direction. Channel c of the small side is channels c*r*r .. c*r*r+r*r-1 of
// the big side.
void pixel(MapContext &c, const MapSource &s, bool shuffle) {
  int64_t rank = c.rank(s.tensor);
  std::optional<int64_t> r = c.map().intArg(c.op(), Key::Factor);
  if (rank < 3 || !r || *r <= 0)
    return c.stop(s.block, "not a [..., C, H, W] tensor with a known factor");
  int64_t ch = rank - 3;
  TensorRef other = s.tensor.isResult ? operandRef(0) : resultRef(0);
  if (s.dim < ch)
    return c.tieTo(s, other, s.dim);
  if (s.dim > ch)
    return c.stop(s.block, "a spatial dim is rearranged into channels");
  std::optional<BlockId> o = c.at(other, ch);
  if (!o)
    return;
  bool sourceIsBig = shuffle != s.tensor.isResult;
  BlockId big = sourceIsBig ? s.block : *o, small = sourceIsBig ? *o : s.block;
  int64_t rr = 0, expected = 0; // checked: the factor is an attribute, any int64
  if (__builtin_mul_overflow(*r, *r, &rr) || __builtin_mul_overflow(c.size(small), rr, &expected) ||
      c.size(big) != expected)
    return c.stop(s.block, "the channel counts do not match the factor");
  for (int64_t i = 0; i < c.size(big); ++i)
    c.tie(big, i, small, i / rr);
}

void pixelShuffle(MapContext &c, const MapSource &s) { pixel(c, s, true); }
void pixelUnshuffle(MapContext &c, const MapSource &s) { pixel(c, s, false); }

// ---------------------------------------------------------------- matmul
struct DimPair {
  TensorRef a;
  int64_t da;
  TensorRef b;
  int64_t db;
};

// The dims a matrix product of operands `first` and `first + 1` ties: K of A
// with K of B, M and N with the result, batch dims with the result's
// (aligned from the back).
std::vector<DimPair> matmulPairs(const MapContext &c, unsigned first = 0) {
  TensorRef A = operandRef(first), B = operandRef(first + 1), Y = resultRef(0);
  int64_t a = c.rank(A), b = c.rank(B), o = c.rank(Y);
  std::vector<DimPair> p;
  if (a < 1 || b < 1)
    return p;
  if (a == 1 && b == 1) {
    p.push_back({A, 0, B, 0});
  } else if (a == 1) {
    p.push_back({A, 0, B, b - 2});
    p.push_back({B, b - 1, Y, o - 1});
    for (int64_t d = 0; d < b - 2; ++d)
      p.push_back({B, d, Y, d + o - (b - 1)});
  } else if (b == 1) {
    p.push_back({B, 0, A, a - 1});
    p.push_back({A, a - 2, Y, o - 1});
    for (int64_t d = 0; d < a - 2; ++d)
      p.push_back({A, d, Y, d + o - (a - 1)});
  } else {
    p.push_back({A, a - 1, B, b - 2});
    p.push_back({A, a - 2, Y, o - 2});
    p.push_back({B, b - 1, Y, o - 1});
    for (int64_t d = 0; d < a - 2; ++d)
      p.push_back({A, d, Y, d + o - a});
    for (int64_t d = 0; d < b - 2; ++d)
      p.push_back({B, d, Y, d + o - b});
  }
  return p;
}

void matmul(MapContext &c, const MapSource &s) {
  if (c.countTensorOperands(3) != 2 || !c.shape(resultRef(0)))
    return c.stop(s.block, "not a product of two tensors");
  for (const DimPair &p : matmulPairs(c)) {
    if (p.a == s.tensor && p.da == s.dim)
      c.tieTo(s, p.b, p.db);
    else if (p.b == s.tensor && p.db == s.dim)
      c.tieTo(s, p.a, p.da);
  }
}

// addmm / baddbmm / addmv (input, a, b): the product of a and b, plus the
// input broadcast to the result (aligned from the back, like an add).
void addmm(MapContext &c, const MapSource &s) {
  if (c.countTensorOperands(4) != 3 || !c.shape(resultRef(0)))
    return c.stop(s.block, "not a sum of a tensor and a product of two");
  std::vector<DimPair> pairs = matmulPairs(c, 1);
  int64_t r0 = c.rank(operandRef(0)), o = c.rank(resultRef(0));
  for (int64_t d = 0; d < r0; ++d)
    if (d + o - r0 >= 0)
      pairs.push_back({operandRef(0), d, resultRef(0), d + o - r0});
  for (const DimPair &p : pairs) {
    if (p.a == s.tensor && p.da == s.dim)
      c.tieTo(s, p.b, p.db);
    else if (p.b == s.tensor && p.db == s.dim)
      c.tieTo(s, p.a, p.da);
  }
}

// A stored weight multiplied in (x @ W): its dims are channels of their own.
void matmulSeed(MapContext &c) {
  for (TensorRef t : c.tensorOperands()) {
    const Op *def = c.value(t)->definingOp();
    const OpRule *r = def ? c.rule(*def) : nullptr;
    if (!r || !r->channelMap || r->channelMap->kind != ChannelMapKind::Parameter)
      continue;
    int64_t rank = c.rank(t);
    for (int64_t d = std::max<int64_t>(0, rank - 2); d < rank; ++d)
      c.at(t, d);
  }
}

void nothing(MapContext &, const MapSource &) {}

} // namespace

const MapImpl kElementwiseMap = {nullptr, elementwise};
const MapImpl kWindowMap = {nullptr, window};
const MapImpl kReduceMap = {nullptr, reduce};
const MapImpl kConcatMap = {nullptr, concat};
const MapImpl kChunkMap = {nullptr, chunk};
const MapImpl kSplitMap = {nullptr, split};
const MapImpl kUnbindMap = {nullptr, unbind};
const MapImpl kStackMap = {nullptr, stack};
const MapImpl kSelectMap = {nullptr, select};
const MapImpl kSliceMap = {nullptr, slice};
const MapImpl kPermuteMap = {nullptr, permute};
const MapImpl kTransposeMap = {nullptr, transpose};
const MapImpl kExpandMap = {nullptr, expand};
const MapImpl kPixelShuffleMap = {nullptr, pixelShuffle};
const MapImpl kPixelUnshuffleMap = {nullptr, pixelUnshuffle};
const MapImpl kMatmulMap = {matmulSeed, matmul};
const MapImpl kAddmmMap = {nullptr, addmm};
// Tensors made from attributes, and tensors stored in the model: nothing
// flows into them. A stored tensor's positions are members of their group.
const MapImpl kCreateMap = {nullptr, nothing};
const MapImpl kParameterMap = {nullptr, nothing};

} // namespace pd
