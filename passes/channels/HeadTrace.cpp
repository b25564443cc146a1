#include "passes/channels/HeadTrace.h"

#include "ir/Printer.h"
#include "passes/channels/ChannelMaps.h"
#include "passes/channels/ReshapeLayout.h"

#include <algorithm>
#include <optional>

namespace pd {
namespace {

using Key = ChannelMapKey;
using Role = TracedFactor::Role;

// Ops one trace may visit: attention paths are a few ops long, and a trace
// that tries every operand of long elementwise chains must still end.
constexpr unsigned kMaxSteps = 1024;

// A contiguous piece of a dim (a split's piece): which rows of the
// projection a trace reaches.
struct Range {
  int64_t dim, offset, length;
};

struct State {
  const Value *value = nullptr;
  std::vector<TracedFactor> factors;
  std::vector<TracedFactor> repeats; // Batch factors that ended in a broadcast
  std::vector<Range> ranges;
  bool rowsKnown = true;
};

const std::vector<int64_t> *shapeOf(const Value *v) {
  return v && v->type() && v->type()->isTensor() ? &v->type()->shape() : nullptr;
}

int64_t rankOf(const Value *v) { return shapeOf(v) ? static_cast<int64_t>(shapeOf(v)->size()) : -1; }

std::string where(const Op &op) {
  std::string name = op.numResults() ? valueRef(op.result()) : std::string(op.displayName());
  return name + " (" + std::string(op.kind().str()) + ")";
}

// The outcome of one op: the states on its other side to follow (several
// when more than one operand carries the factors), or the end of the trace.
struct Step {
  std::vector<State> next;
  std::optional<TraceEnd> end;
  std::string failure;
  static Step fail(const Op &op, const std::string &why) {
    Step s;
    s.failure = "at " + where(op) + ": " + why;
    return s;
  }
};

// Moves the factors and ranges to `to`'s dims by `dimOf` (nullopt: no
// counterpart). A Batch factor must move to a dim of its size; a Feature
// factor or a pin that cannot is dropped (a dropped pin leaves the rows
// unknown).
template <typename DimOf>
std::optional<State> moved(const State &s, const Value *to, DimOf dimOf, std::string &why) {
  const std::vector<int64_t> *from = shapeOf(s.value), *dst = shapeOf(to);
  State out{to, {}, s.repeats, {}, s.rowsKnown};
  if (!from || !dst) {
    why = "not a tensor";
    return std::nullopt;
  }
  auto target = [&](int64_t d) -> std::optional<int64_t> {
    std::optional<int64_t> t = dimOf(d);
    if (!t || *t < 0 || *t >= static_cast<int64_t>(dst->size()) || (*dst)[*t] != (*from)[d])
      return std::nullopt;
    return t;
  };
  for (const TracedFactor &f : s.factors) {
    if (std::optional<int64_t> t = target(f.dim)) {
      out.factors.push_back(f);
      out.factors.back().dim = *t;
    } else if (f.role == Role::Batch) {
      why = "dim " + std::to_string(f.dim) + " has no counterpart of size " + std::to_string((*from)[f.dim]);
      return std::nullopt;
    } else if (f.role == Role::Pin) {
      out.rowsKnown = false;
    }
  }
  for (const Range &r : s.ranges) {
    if (std::optional<int64_t> t = target(r.dim))
      out.ranges.push_back({*t, r.offset, r.length});
    else
      out.rowsKnown = false;
  }
  return out;
}

bool hasBatchOn(const State &s, int64_t dim) {
  return std::any_of(s.factors.begin(), s.factors.end(),
                     [&](const TracedFactor &f) { return f.role == Role::Batch && f.dim == dim; });
}

// Across a reshape from side `from` (0: its input, 1: its result) to the
// other: each factor becomes the segment factors it covers, each on the
// other side's dim holding it.
Step acrossReshape(const Op &op, const State &s, int from) {
  if (!op.numOperands() || !op.numResults())
    return Step::fail(op, "not a reshape of one tensor");
  const Value *side[2] = {op.operand(0), op.result(0)};
  const std::vector<int64_t> *shapes[2] = {shapeOf(side[0]), shapeOf(side[1])};
  if (!shapes[0] || !shapes[1])
    return Step::fail(op, "not a reshape of one tensor");
  std::optional<std::vector<ReshapeSegment>> segs = reshapeSegments(*shapes[0], *shapes[1]);
  if (!segs)
    return Step::fail(op, "the shapes hold different numbers of elements");
  const int to = 1 - from;
  State next{side[to], {}, s.repeats, {}, s.rowsKnown};
  auto segmentOf = [&](int64_t dim) -> std::pair<uint32_t, size_t> {
    for (uint32_t n = 0; n < segs->size(); ++n) {
      const std::vector<int64_t> &dims = (*segs)[n].dims[from];
      auto it = std::find(dims.begin(), dims.end(), dim);
      if (it != dims.end())
        return {n, static_cast<size_t>(it - dims.begin())};
    }
    return {~0u, 0};
  };
  for (const TracedFactor &f : s.factors) {
    auto [n, k] = segmentOf(f.dim);
    std::string why;
    std::vector<TracedFactor> parts;
    if (n == ~0u || (*segs)[n].dims[to].empty()) {
      why = "dim " + std::to_string(f.dim) + " has no counterpart";
    } else {
      const ReshapeSegment &seg = (*segs)[n];
      SegmentLayout l = segmentLayout(seg, shapes);
      // The factor spans flat offsets [lo, hi) of the segment; the segment's
      // factors cut it into parts, each within one factor e of the segment,
      // which both sides lay out alike: the part keeps its coordinates on
      // the other side's dim holding e.
      const int64_t lo = l.stride[from][k] * f.stride, hi = lo * f.size;
      for (const ReshapeFactor &e : l.factors) {
        const int64_t a = std::max(lo, e.stride), b = std::min(hi, e.stride * e.size);
        if (a >= b)
          continue;
        size_t m = 0;
        while (m < seg.dims[to].size() &&
               !factorWithin(e, l.stride[to][m], (*shapes[to])[seg.dims[to][m]]))
          ++m;
        if (m == seg.dims[to].size() || a % lo || a % l.stride[to][m] || b % a) {
          why = "dim " + std::to_string(f.dim) + "'s factor is cut across the reshape's factors";
          break;
        }
        TracedFactor g = f;
        g.dim = seg.dims[to][m];
        g.stride = a / l.stride[to][m];
        g.size = b / a;
        const int64_t inner = a / lo; // the part's stride within f
        if (f.role == Role::Batch) {
          g.startStride = f.startStride * inner;
          g.choices.push_back({op.id(), n, e.stride});
        } else if (f.role == Role::Pin) {
          g.coord = (f.coord / inner) % g.size;
        }
        parts.push_back(std::move(g));
      }
      if (!l.nested)
        why = "the reshape interleaves dims";
    }
    if (why.empty()) {
      next.factors.insert(next.factors.end(), parts.begin(), parts.end());
    } else if (f.role == Role::Batch) {
      return Step::fail(op, why);
    } else if (f.role == Role::Pin) {
      next.rowsKnown = false;
    }
  }
  for (const Range &r : s.ranges) {
    const uint32_t n = segmentOf(r.dim).first;
    if (n != ~0u && (*segs)[n].dims[from].size() == 1 && (*segs)[n].dims[to].size() == 1)
      next.ranges.push_back({(*segs)[n].dims[to][0], r.offset, r.length});
    else
      next.rowsKnown = false;
  }
  Step st;
  st.next.push_back(std::move(next));
  return st;
}

// The end at a Linear: the factors on its channel dim (`dim`) and the rows
// of it they reach.
TraceEnd endAt(const Op &op, const State &s, int64_t dim) {
  TraceEnd e;
  e.layer = &op;
  e.channels = (*shapeOf(s.value))[dim];
  e.repeats = s.repeats;
  for (const TracedFactor &f : s.factors) {
    if (f.role == Role::Batch)
      (f.dim == dim ? e.heads : e.others).push_back(f);
  }
  e.rowsKnown = s.rowsKnown && e.channels <= ChannelPositions::kMaxPositions;
  if (!e.rowsKnown)
    return e;
  for (int64_t c = 0; c < e.channels; ++c) {
    bool in = true;
    for (const TracedFactor &f : s.factors)
      if (f.role == Role::Pin && f.dim == dim && (c / f.stride) % f.size != f.coord)
        in = false;
    for (const Range &r : s.ranges)
      if (r.dim == dim && (c < r.offset || c >= r.offset + r.length))
        in = false;
    if (in)
      e.rows.push_back(c);
  }
  return e;
}

// The pieces before result `r` of a split/chunk along `dim`; nullopt when
// one is not a tensor of that rank.
std::optional<int64_t> pieceOffset(const Op &op, unsigned r, int64_t dim) {
  int64_t offset = 0;
  for (unsigned k = 0; k < r; ++k) {
    const std::vector<int64_t> *s = shapeOf(op.result(k));
    if (!s || dim >= static_cast<int64_t>(s->size()))
      return std::nullopt;
    offset += (*s)[dim];
  }
  return offset;
}

// One op upward: `s` is on result `r` of `op`.
Step stepUp(const LayerIndex &ix, const Op &op, unsigned r, const State &s) {
  const ChannelMap *map = channelMapOf(ix.rule(op));
  if (!map)
    return Step::fail(op, "no channel map");
  if (!op.numOperands())
    return Step::fail(op, "the head dim is made here");
  const Value *out = op.result(r);
  const int64_t rankOut = rankOf(out);
  std::string why;
  Step st;
  auto same = [](int64_t d) -> std::optional<int64_t> { return d; };
  auto dimAttr = [&](Key k, int64_t rank) { return normalizeDim(map->intArg(op, k).value_or(0), rank); };
  switch (map->kind) {
  case ChannelMapKind::Linear: {
    // k and v of multi-query attention bring no head dim, only head_dim.
    const bool reached = std::any_of(s.factors.begin(), s.factors.end(), [&](const TracedFactor &f) {
      return f.role != Role::Pin && f.dim == rankOut - 1;
    });
    if (!reached)
      return Step::fail(op, "neither a head dim nor head_dim comes from its output channels");
    st.end = endAt(op, s, rankOut - 1);
    return st;
  }
  case ChannelMapKind::Elementwise:
  case ChannelMapKind::Concat: {
    std::optional<int64_t> catDim;
    if (map->kind == ChannelMapKind::Concat) {
      catDim = dimAttr(Key::Dim, rankOut);
      if (!catDim || hasBatchOn(s, *catDim))
        return Step::fail(op, "the head dim is concatenated");
    }
    for (unsigned i = 0; i < op.numOperands(); ++i) {
      const Value *in = op.operand(i);
      const int64_t shift = rankOut - rankOf(in);
      if (!shapeOf(in))
        continue;
      if (std::optional<State> n = moved(s, in, [&](int64_t d) -> std::optional<int64_t> {
            if (catDim && d == *catDim)
              return std::nullopt;
            return d - shift;
          }, why))
        st.next.push_back(std::move(*n));
    }
    if (st.next.empty())
      return Step::fail(op, "no operand carries the head dim whole (" + why + ")");
    return st;
  }
  case ChannelMapKind::Permute: {
    std::optional<std::vector<int64_t>> dims = map->intsArg(op, Key::Dims);
    const int64_t rank = rankOf(op.operand(0));
    if (!dims || static_cast<int64_t>(dims->size()) != rank)
      return Step::fail(op, "the permutation is not known");
    if (auto n = moved(s, op.operand(0), [&](int64_t d) -> std::optional<int64_t> {
          return d < rank ? normalizeDim((*dims)[d], rank) : std::nullopt;
        }, why))
      st.next.push_back(std::move(*n));
    break;
  }
  case ChannelMapKind::Transpose: {
    const int64_t rank = rankOf(op.operand(0));
    std::optional<int64_t> d0 = rank < 2 ? 0 : dimAttr(Key::Dim0, rank), d1 = rank < 2 ? 0 : dimAttr(Key::Dim1, rank);
    if (!d0 || !d1)
      return Step::fail(op, "the transposed dims are not known");
    if (auto n = moved(s, op.operand(0), [&](int64_t d) -> std::optional<int64_t> {
          return d == *d0 ? *d1 : d == *d1 ? *d0 : d;
        }, why))
      st.next.push_back(std::move(*n));
    break;
  }
  case ChannelMapKind::Reshape:
    return acrossReshape(op, s, 1);
  case ChannelMapKind::Expand: {
    // A dim the input lacks or has as size 1 is a broadcast: its Batch
    // factors repeat (repeat_kv) and end here.
    const Value *in = op.operand(0);
    const int64_t shift = rankOut - rankOf(in);
    if (!shapeOf(in) || shift < 0)
      return Step::fail(op, "not an expand of one tensor");
    State kept = s;
    kept.factors.clear();
    for (const TracedFactor &f : s.factors) {
      int64_t d = f.dim - shift;
      if (d >= 0 && (*shapeOf(in))[d] == (*shapeOf(out))[f.dim])
        kept.factors.push_back(f);
      else if (f.role == Role::Batch)
        kept.repeats.push_back(f);
      else if (f.role == Role::Pin)
        kept.rowsKnown = false;
    }
    if (auto n = moved(kept, in, [&](int64_t d) { return std::optional<int64_t>(d - shift); }, why))
      st.next.push_back(std::move(*n));
    break;
  }
  case ChannelMapKind::RepeatInterleave: {
    // Result index j is input index j / r: the dim is [input (outer), r (inner)].
    std::optional<int64_t> dim = dimAttr(Key::Dim, rankOut);
    std::optional<int64_t> rep = map->intArg(op, Key::Factor);
    if (!dim || !rep || *rep <= 0 || rankOf(op.operand(0)) != rankOut)
      return Step::fail(op, "not a repeat of each index a known number of times");
    // The input's dim is smaller: moved() compares sizes, so move by hand.
    State kept = s;
    kept.value = op.operand(0);
    kept.factors.clear();
    for (const Range &rg : s.ranges)
      kept.rowsKnown &= rg.dim != *dim;
    for (const TracedFactor &f : s.factors) {
      if (f.dim != *dim) {
        kept.factors.push_back(f);
        continue;
      }
      const int64_t lo = f.stride, hi = f.stride * f.size;
      if (lo % *rep == 0) { // within the input's part
        kept.factors.push_back(f);
        kept.factors.back().stride = lo / *rep;
      } else if (hi <= *rep && f.role == Role::Batch) {
        kept.repeats.push_back(f);
      } else if (lo == 1 && hi % *rep == 0 && f.role == Role::Batch) {
        TracedFactor repeat = f, input = f;
        repeat.size = *rep;
        input.stride = 1;
        input.size = f.size / *rep;
        input.startStride = f.startStride * *rep;
        kept.repeats.push_back(repeat);
        kept.factors.push_back(input);
      } else if (f.role == Role::Batch) {
        return Step::fail(op, "the head dim is cut across the repeat");
      } else if (f.role == Role::Pin) {
        kept.rowsKnown = false;
      }
    }
    st.next.push_back(std::move(kept));
    return st;
  }
  case ChannelMapKind::Select:
  case ChannelMapKind::Unbind: {
    const Value *in = op.operand(0);
    std::optional<int64_t> dim = dimAttr(Key::Dim, rankOf(in));
    int64_t index = r;
    if (map->kind == ChannelMapKind::Select) {
      std::optional<int64_t> i = map->intArg(op, Key::Index);
      if (!dim || !i)
        return Step::fail(op, "the selected index is not known");
      index = *i < 0 ? *i + (*shapeOf(in))[*dim] : *i;
    }
    if (!dim)
      return Step::fail(op, "the dim is not known");
    auto n = moved(s, in, [&](int64_t d) { return std::optional<int64_t>(d < *dim ? d : d + 1); }, why);
    if (n) {
      TracedFactor pin;
      pin.role = Role::Pin;
      pin.dim = *dim;
      pin.size = (*shapeOf(in))[*dim];
      pin.coord = index;
      n->factors.push_back(pin);
      st.next.push_back(std::move(*n));
    }
    break;
  }
  case ChannelMapKind::Chunk:
  case ChannelMapKind::Split: {
    const Value *in = op.operand(0);
    std::optional<int64_t> dim = dimAttr(Key::Dim, rankOf(in));
    std::optional<int64_t> at = dim ? pieceOffset(op, r, *dim) : std::nullopt;
    if (!dim || !at || rankOf(in) != rankOut)
      return Step::fail(op, "the split dim is not known");
    const int64_t offset = *at, length = (*shapeOf(out))[*dim];
    // The piece's factors are the whole's when the piece starts and ends on
    // their period.
    State kept = s;
    kept.factors.clear();
    for (const TracedFactor &f : s.factors) {
      const int64_t period = f.stride * f.size;
      if (f.dim != *dim || (offset % period == 0 && length % period == 0))
        kept.factors.push_back(f);
      else if (f.role == Role::Batch)
        return Step::fail(op, "the head dim's factor does not fit the pieces");
      else if (f.role == Role::Pin)
        kept.rowsKnown = false;
    }
    for (Range &rg : kept.ranges)
      if (rg.dim == *dim)
        rg.offset += offset;
    kept.ranges.push_back({*dim, offset, length});
    // The whole's dim is bigger: moved() compares sizes, so move by hand.
    State n = kept;
    n.value = in;
    st.next.push_back(std::move(n));
    return st;
  }
  case ChannelMapKind::Slice: {
    const Value *in = op.operand(0);
    std::optional<int64_t> dim = dimAttr(Key::Dim, rankOf(in));
    if (!dim || rankOf(in) != rankOut)
      return Step::fail(op, "the slice dim is not known");
    // A slice that keeps the whole dim passes it; moved() refuses a dim it
    // shortens.
    if (auto n = moved(s, in, same, why))
      st.next.push_back(std::move(*n));
    break;
  }
  default:
    return Step::fail(op, "the trace does not read its '" + std::string(channelMapKindName(map->kind)) + "' map");
  }
  if (st.next.empty())
    return Step::fail(op, why);
  return st;
}

// One op downward: `s` is on operand `o` of `op`.
Step stepDown(const LayerIndex &ix, const Op &op, unsigned o, const State &s) {
  const ChannelMap *map = channelMapOf(ix.rule(op));
  if (!map || !op.numResults())
    return Step::fail(op, "no channel map");
  const Value *in = op.operand(o), *out = op.result(0);
  const int64_t rankIn = rankOf(in), rankOut = rankOf(out);
  std::string why;
  Step st;
  auto dimAttr = [&](Key k, int64_t rank) { return normalizeDim(map->intArg(op, k).value_or(0), rank); };
  std::optional<State> n;
  switch (map->kind) {
  case ChannelMapKind::Linear:
    if (o != 0 || !hasBatchOn(s, rankIn - 1))
      return Step::fail(op, "the head dim is not its input channels");
    st.end = endAt(op, s, rankIn - 1);
    return st;
  case ChannelMapKind::Elementwise:
  case ChannelMapKind::Expand:
    n = moved(s, out, [&](int64_t d) { return std::optional<int64_t>(d + rankOut - rankIn); }, why);
    break;
  case ChannelMapKind::Concat: {
    std::optional<int64_t> catDim = dimAttr(Key::Dim, rankOut);
    if (!catDim || hasBatchOn(s, *catDim))
      return Step::fail(op, "the head dim is concatenated");
    n = moved(s, out, [&](int64_t d) -> std::optional<int64_t> {
      return d == *catDim ? std::nullopt : std::optional<int64_t>(d);
    }, why);
    break;
  }
  case ChannelMapKind::Slice:
    n = moved(s, out, [](int64_t d) { return std::optional<int64_t>(d); }, why);
    break;
  case ChannelMapKind::Permute: {
    std::optional<std::vector<int64_t>> dims = map->intsArg(op, Key::Dims);
    if (!dims || static_cast<int64_t>(dims->size()) != rankIn)
      return Step::fail(op, "the permutation is not known");
    n = moved(s, out, [&](int64_t d) -> std::optional<int64_t> {
      for (int64_t k = 0; k < rankIn; ++k)
        if (normalizeDim((*dims)[k], rankIn) == d)
          return k;
      return std::nullopt;
    }, why);
    break;
  }
  case ChannelMapKind::Transpose: {
    std::optional<int64_t> d0 = rankIn < 2 ? 0 : dimAttr(Key::Dim0, rankIn), d1 = rankIn < 2 ? 0 : dimAttr(Key::Dim1, rankIn);
    if (!d0 || !d1)
      return Step::fail(op, "the transposed dims are not known");
    n = moved(s, out, [&](int64_t d) -> std::optional<int64_t> {
      return d == *d0 ? *d1 : d == *d1 ? *d0 : d;
    }, why);
    break;
  }
  case ChannelMapKind::Reshape:
    if (o != 0)
      return Step::fail(op, "the shape donor of a reshape");
    return acrossReshape(op, s, 0);
  default:
    return Step::fail(op, "the trace does not read its '" + std::string(channelMapKindName(map->kind)) + "' map");
  }
  if (!n)
    return Step::fail(op, why);
  st.next.push_back(std::move(*n));
  return st;
}

bool following(const State &s) {
  return std::any_of(s.factors.begin(), s.factors.end(),
                     [](const TracedFactor &f) { return f.role != Role::Pin; });
}

// Every end the trace reaches from `s`: upward there is one path per
// operand carrying the factors; downward one per use.
void walk(const LayerIndex &ix, State s, bool up, unsigned &steps, std::vector<TraceEnd> &ends) {
  auto failed = [&](std::string why) {
    TraceEnd e;
    e.failure = std::move(why);
    ends.push_back(std::move(e));
  };
  if (++steps > kMaxSteps)
    return failed("the trace visits more than " + std::to_string(kMaxSteps) + " ops");
  if (!following(s))
    return failed("at " + valueRef(s.value) + ": nothing of the head dims is left to follow");
  std::vector<Step> steps1;
  if (up) {
    const Op *def = s.value->definingOp();
    if (!def)
      return failed("reaches the model's input " + valueRef(s.value));
    steps1.push_back(stepUp(ix, *def, s.value->resultNo(), s));
  } else {
    if (s.value->uses().empty())
      return failed("reaches " + valueRef(s.value) + ", which nothing uses");
    for (const Use &u : s.value->uses())
      steps1.push_back(stepDown(ix, *u.user, u.operandNo, s));
  }
  for (Step &st : steps1) {
    if (st.end)
      ends.push_back(std::move(*st.end));
    else if (st.next.empty())
      failed(std::move(st.failure));
    for (State &n : st.next)
      walk(ix, std::move(n), up, steps, ends);
  }
}

// The one layer the paths reach (the first path's end for it), or a failure
// naming why: none reached, or two different layers.
TraceEnd oneLayer(std::vector<TraceEnd> ends) {
  const TraceEnd *found = nullptr;
  for (const TraceEnd &e : ends) {
    if (!e.layer)
      continue;
    if (found && found->layer != e.layer) {
      TraceEnd two;
      two.failure = "the head dims come from two layers, " + std::string(found->layer->displayName()) +
                    " and " + std::string(e.layer->displayName());
      return two;
    }
    if (!found)
      found = &e;
  }
  if (found)
    return *found;
  TraceEnd none;
  none.failure = ends.empty() ? "no path" : ends.front().failure;
  return none;
}

TraceEnd trace(const LayerIndex &ix, const Value *v, std::vector<TracedFactor> start, bool up) {
  State s;
  s.value = v;
  s.factors = std::move(start);
  unsigned steps = 0;
  std::vector<TraceEnd> ends;
  walk(ix, std::move(s), up, steps, ends);
  return oneLayer(std::move(ends));
}

} // namespace

TraceEnd traceToProjection(const LayerIndex &ix, const Value *v, std::vector<TracedFactor> start) {
  return trace(ix, v, std::move(start), true);
}

TraceEnd traceToConsumer(const LayerIndex &ix, const Value *v, std::vector<TracedFactor> start) {
  return trace(ix, v, std::move(start), false);
}

} // namespace pd
