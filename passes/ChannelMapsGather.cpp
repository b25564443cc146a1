// Index maps of ops that reorder or gather the indices of some dims and
// leave the others in place: roll (a cyclic shift) and advanced indexing
// (`table[idx]`, aten::index).
#include "passes/ChannelMaps.h"

#include "ir/Graph.h"

#include <algorithm>

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

} // namespace

const MapImpl kRollMap = {nullptr, roll};
const MapImpl kIndexMap = {nullptr, index};

} // namespace pd
