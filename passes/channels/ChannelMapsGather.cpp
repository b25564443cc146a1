// Index maps of ops that reorder, gather, repeat or relabel the indices of
// some dims and leave the others in place: roll (a cyclic shift), advanced
// indexing (`table[idx]`, aten::index), glu (two halves), repeat_interleave,
// and einsum (dims named by letters).
#include "passes/channels/ChannelMaps.h"

#include "ir/Graph.h"

#include "ir/Attribute.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace pd {
namespace {

using Key = ChannelMapKey;

// ---------------------------------------------------------------- roll
// torch.roll(x, shifts, dims): each rolled dim's indices move cyclically.
// Pruning an index there changes where the others land (the shift stays,
// the length does not), so a rolled dim stops; every other dim passes.
// Without `dims` the tensor is flattened first: every dim stops.
void roll(MapContext &c, const MapSource &s) {
  std::optional<std::vector<int64_t>> dims = c.map().intsArg(c.op(), Key::Dims);
  int64_t rank = c.rank(s.tensor);
  if (!dims || dims->empty())
    return c.stop(s.block, "roll without dims shifts the flattened tensor");
  for (int64_t d : *dims) {
    std::optional<int64_t> n = normalizeDim(d, rank);
    if (!n)
      return c.stop(s.block, "roll dim " + std::to_string(d) + " is out of range");
    if (*n == s.dim)
      return c.stop(s.block, "dim " + std::to_string(s.dim) + " is rolled");
  }
  c.tieTo(s, s.tensor.isResult ? operandRef(0) : resultRef(0), s.dim);
}

// ---------------------------------------------------------------- index
// aten::index(self, idx_0, ..., idx_{m-1}): the index tensors (a none for a
// dim taken whole, `x[:, idx]`) select along self's leading dims; the
// selected dims are replaced by the indices' shape (one broadcast shape),
// and self's dims after them pass to the result's last dims. A selected dim
// stops (which indices survive depends on the index values); a dim taken
// whole before the first index tensor passes in place. Index tensors apart
// (`x[idx, :, idx2]`) move the result's dims to the front: every dim stops.
void index(MapContext &c, const MapSource &s) {
  const Op &op = c.op();
  const std::vector<int64_t> *self = c.shape(operandRef(0)), *out = c.shape(resultRef(0));
  if (!self || !out)
    return c.stop(s.block, "not an index of one tensor");
  // Entries 1.. are the index list: none (a whole dim) or a tensor.
  int64_t first = -1, last = -1;
  for (unsigned k = 1; k < op.numOperands(); ++k)
    if (c.shape(operandRef(k))) {
      if (first < 0)
        first = k - 1;
      else if (last != int64_t(k) - 2)
        return c.stop(s.block, "index tensors on dims apart move the result's dims");
      last = k - 1;
    }
  if (first < 0)
    return c.tieTo(s, s.tensor.isResult ? operandRef(0) : resultRef(0), s.dim);
  const int64_t selected = last - first + 1;
  const int64_t indexRank = static_cast<int64_t>(out->size()) - (static_cast<int64_t>(self->size()) - selected);
  if (indexRank < 0)
    return c.stop(s.block, "the result's rank does not match an index of these dims");
  if (s.tensor.index > 0 && !s.tensor.isResult)
    return c.stop(s.block, "an index tensor's dims select, they carry no channels");
  // self dim d <-> result dim: d before the selection, d - selected + indexRank after it.
  auto toResult = [&](int64_t d) -> std::optional<int64_t> {
    if (d < first)
      return d;
    if (d > last)
      return d - selected + indexRank;
    return std::nullopt;
  };
  if (!s.tensor.isResult) {
    if (std::optional<int64_t> r = toResult(s.dim))
      return c.tieTo(s, resultRef(0), *r);
    return c.stop(s.block, "dim " + std::to_string(s.dim) + " is gathered by an index tensor");
  }
  for (int64_t d = 0; d < static_cast<int64_t>(self->size()); ++d)
    if (toResult(d) == s.dim)
      return c.tieTo(s, operandRef(0), d);
  c.stop(s.block, "dim " + std::to_string(s.dim) + " is made by the index tensors");
}

// The other tensor of a one-input op: the result for an operand, and back.
TensorRef other(const MapSource &s) { return s.tensor.isResult ? operandRef(0) : resultRef(0); }

// ---------------------------------------------------------------- glu
// glu(x, dim) = a * sigmoid(b), a and b the halves of x along `dim`: result
// index i is made of input indices i and i + n/2, which go together.
void glu(MapContext &c, const MapSource &s) {
  std::optional<int64_t> dim = normalizeDim(c.map().intArg(c.op(), Key::Dim).value_or(-1), c.rank(operandRef(0)));
  if (!dim)
    return c.stop(s.block, "the glu dim is out of range");
  if (s.dim != *dim)
    return c.tieTo(s, other(s), s.dim);
  std::optional<BlockId> x = c.at(operandRef(0), *dim), y = c.at(resultRef(0), *dim);
  if (!x || !y || c.size(*x) != 2 * c.size(*y))
    return c.stop(s.block, "the glu result is not half of its input");
  c.tieRange(*x, 0, *y, 0, c.size(*y));
  c.tieRange(*x, c.size(*y), *y, 0, c.size(*y));
}

// ---------------------------------------------------------------- repeat_interleave
// repeat_interleave(x, r, dim) with one count r: input index i becomes result
// indices i*r .. i*r + r - 1, all removed with it.
void repeatInterleave(MapContext &c, const MapSource &s) {
  if (c.countTensorOperands(2) != 1)
    return c.stop(s.block, "the repeat counts are a tensor (they may differ per index)");
  std::optional<int64_t> dim = normalizeDim(c.map().intArg(c.op(), Key::Dim).value_or(0), c.rank(operandRef(0)));
  std::optional<int64_t> r = c.map().intArg(c.op(), Key::Factor);
  if (!dim || !r || *r <= 0)
    return c.stop(s.block, "repeat_interleave without one repeat count and a dim");
  if (s.dim != *dim)
    return c.tieTo(s, other(s), s.dim);
  std::optional<BlockId> x = c.at(operandRef(0), *dim), y = c.at(resultRef(0), *dim);
  int64_t expected = 0;
  if (!x || !y || __builtin_mul_overflow(c.size(*x), *r, &expected) || expected != c.size(*y))
    return c.stop(s.block, "the result is not the input repeated " + std::to_string(*r) + " times");
  for (int64_t i = 0; i < c.size(*x); ++i)
    for (int64_t k = 0; k < *r; ++k)
      c.tie(*x, i, *y, i * *r + k);
}

// ---------------------------------------------------------------- einsum
// The letters of each operand's dims and of the result's, from the equation
// ("bhqd,bhkd->bhqk"); an ellipsis stands for the dims the letters leave, and
// ellipses align from the back (broadcast). Empty when the equation does not
// fit the ranks.
struct EinsumLabels {
  std::vector<std::vector<int>> operands;
  std::vector<int> result;
};

std::optional<EinsumLabels> einsumLabels(const MapContext &c, const std::string &equation) {
  std::string eq;
  for (char ch : equation)
    if (ch != ' ')
      eq += ch;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow), rhs = arrow == std::string::npos ? "" : eq.substr(arrow + 2);
  std::vector<std::string> terms(1);
  for (char ch : lhs) {
    if (ch == ',')
      terms.emplace_back();
    else
      terms.back().push_back(ch);
  }
  MapContext::TensorRefs ins = c.tensorOperands();
  if (terms.size() != ins.size())
    return std::nullopt;
  // Ellipsis dims are labels -1, -2, ... counted from the back.
  auto expand = [](const std::string &term, int64_t rank) -> std::optional<std::vector<int>> {
    size_t dots = term.find("...");
    std::string letters = term;
    if (dots != std::string::npos)
      letters.erase(dots, 3);
    for (char ch : letters)
      if (!std::isalpha(static_cast<unsigned char>(ch)))
        return std::nullopt;
    int64_t extra = rank - static_cast<int64_t>(letters.size());
    if (extra < 0 || (extra > 0 && dots == std::string::npos))
      return std::nullopt;
    std::vector<int> labels;
    for (size_t i = 0; i < term.size();) {
      if (term.compare(i, 3, "...") == 0) {
        for (int64_t k = extra; k > 0; --k)
          labels.push_back(-static_cast<int>(k));
        i += 3;
      } else {
        labels.push_back(term[i++]);
      }
    }
    return labels;
  };
  EinsumLabels out;
  int64_t ellipsis = 0;
  for (size_t k = 0; k < terms.size(); ++k) {
    std::optional<std::vector<int>> l = expand(terms[k], c.rank(ins[k]));
    if (!l)
      return std::nullopt;
    ellipsis = std::max<int64_t>(ellipsis, std::count_if(l->begin(), l->end(), [](int x) { return x < 0; }));
    out.operands.push_back(std::move(*l));
  }
  if (arrow == std::string::npos) {
    // Implicit result: the ellipsis, then the letters used once, sorted.
    for (int64_t k = ellipsis; k > 0; --k)
      out.result.push_back(-static_cast<int>(k));
    std::string once;
    for (char ch = 'A'; ch <= 'z'; ++ch) {
      int n = 0;
      for (const std::string &t : terms)
        n += static_cast<int>(std::count(t.begin(), t.end(), ch));
      if (n == 1 && std::isalpha(static_cast<unsigned char>(ch)))
        out.result.push_back(ch);
    }
  } else {
    std::optional<std::vector<int>> r = expand(rhs, c.rank(resultRef(0)));
    if (!r)
      return std::nullopt;
    out.result = std::move(*r);
  }
  if (static_cast<int64_t>(out.result.size()) != c.rank(resultRef(0)))
    return std::nullopt;
  return out;
}

void einsum(MapContext &c, const MapSource &s) {
  const Attribute *a = c.map().attrArg(c.op(), Key::Equation);
  if (!a || !a->isStr())
    return c.stop(s.block, "the einsum equation is not known");
  std::optional<EinsumLabels> l = einsumLabels(c, a->getStr());
  if (!l)
    return c.stop(s.block, "the einsum equation does not fit the operands' ranks");
  MapContext::TensorRefs ins = c.tensorOperands();
  auto labelsOf = [&](TensorRef t) -> const std::vector<int> * {
    if (t.isResult)
      return t.index == 0 ? &l->result : nullptr;
    for (size_t k = 0; k < ins.size(); ++k)
      if (ins[k] == t)
        return &l->operands[k];
    return nullptr;
  };
  const std::vector<int> *mine = labelsOf(s.tensor);
  if (!mine || s.dim >= static_cast<int64_t>(mine->size()))
    return c.stop(s.block, "not a tensor of the einsum");
  int label = (*mine)[s.dim];
  if (std::count(mine->begin(), mine->end(), label) > 1)
    return c.stop(s.block, "a letter repeated in one operand takes a diagonal");
  auto tieLabel = [&](TensorRef t, const std::vector<int> &labels) {
    for (size_t d = 0; d < labels.size(); ++d)
      if (labels[d] == label)
        c.tieTo(s, t, static_cast<int64_t>(d));
  };
  for (size_t k = 0; k < ins.size(); ++k)
    tieLabel(ins[k], l->operands[k]);
  tieLabel(resultRef(0), l->result);
}

} // namespace

// ---------------------------------------------------------------- opaque
void opaque(MapContext &c, const MapSource &s) {
  c.stop(s.block, "its data changes domain (" + std::string(c.op().kind().str()) +
                      " has an opaque channel map)");
}

// ---------------------------------------------------------------- packed sequences
// _pack_padded_sequence: [T, B, F] (or [B, T, F]) -> data [N, F] and the
// batch sizes; _pad_packed_sequence the way back. Only the features keep
// their place.
void packedSequence(MapContext &c, const MapSource &s) {
  TensorRef data = operandRef(0), out = resultRef(0);
  bool isData = s.tensor == data || s.tensor == out;
  if (!isData || s.dim != c.rank(s.tensor) - 1)
    return c.stop(s.block, "packing moves entries between sequences and steps along this dim");
  c.tieTo(s, s.tensor == data ? out : data, c.rank(s.tensor == data ? out : data) - 1);
}

const MapImpl kOpaqueMap = {nullptr, opaque};
const MapImpl kPackedSequenceMap = {nullptr, packedSequence};
const MapImpl kGluMap = {nullptr, glu};
const MapImpl kRepeatInterleaveMap = {nullptr, repeatInterleave};
const MapImpl kEinsumMap = {nullptr, einsum};
const MapImpl kRollMap = {nullptr, roll};
const MapImpl kIndexMap = {nullptr, index};

} // namespace pd
