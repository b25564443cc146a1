#include "passes/channels/AttentionHeads.h"

#include "ir/Attribute.h"
#include "ir/Printer.h"
#include "passes/channels/HeadTrace.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <unordered_set>

namespace pd {

AnalysisKey AttentionHeadsAnalysis::Key;

AttentionHeadsAnalysis::Result AttentionHeadsAnalysis::run(Graph &, AnalysisManager &am) {
  return findAttentionHeads(am.getResult<LayerIndexAnalysis>());
}

namespace {

using Role = TracedFactor::Role;

const std::vector<int64_t> *shapeOf(const Value *v) {
  return v && v->type() && v->type()->isTensor() ? &v->type()->shape() : nullptr;
}
int64_t rankOf(const Value *v) { return shapeOf(v) ? static_cast<int64_t>(shapeOf(v)->size()) : -1; }

const ChannelMap *mapOf(const LayerIndex &ix, const Op &op) { return channelMapOf(ix.rule(op)); }

// The two operands a product multiplies: a matmul map's 0 and 1, an addmm
// map's 1 and 2 (baddbmm adds operand 0).
std::optional<std::pair<unsigned, unsigned>> productOperands(const LayerIndex &ix, const Op &op) {
  const ChannelMap *m = mapOf(ix, op);
  unsigned first = m && m->kind == ChannelMapKind::Matmul ? 0 : m && m->kind == ChannelMapKind::Addmm ? 1 : 2;
  if (first > 1 || op.numOperands() < first + 2 || !op.numResults())
    return std::nullopt;
  if (rankOf(op.operand(first)) < 2 || rankOf(op.operand(first + 1)) < 2)
    return std::nullopt;
  return std::make_pair(first, first + 1);
}

// The context product of a score: the first product whose left operand the
// score's result becomes, through ops that keep its values' places
// (elementwise maps: scaling, masks, softmax, dropout) and reshapes (Swin's
// window mask), arriving in the score's shape.
const Op *contextOf(const LayerIndex &ix, const Op &score) {
  const Value *s = score.result(0);
  std::vector<const Value *> queue{s};
  std::unordered_set<const Value *> seen{s};
  for (size_t i = 0; i < queue.size() && i < 64; ++i)
    for (const Use &u : queue[i]->uses()) {
      const Op &user = *u.user;
      if (auto p = productOperands(ix, user)) {
        if (u.operandNo == p->first && *shapeOf(queue[i]) == *shapeOf(s))
          return &user;
        continue;
      }
      const ChannelMap *m = mapOf(ix, user);
      if (!m || (m->kind != ChannelMapKind::Elementwise && m->kind != ChannelMapKind::Reshape))
        continue;
      const Value *r = user.numResults() == 1 ? user.result(0) : nullptr;
      if (shapeOf(r) && seen.insert(r).second)
        queue.push_back(r);
    }
  return nullptr;
}

// The factors a trace starts from: each batch dim of `x` (aligned from the
// back with the score's `batchDims` batch dims) that is not a broadcast, and
// its feature dim.
std::vector<TracedFactor> startFactors(const Value *x, int64_t resultRank, int64_t featureDim) {
  const std::vector<int64_t> &shape = *shapeOf(x);
  const int64_t rank = static_cast<int64_t>(shape.size());
  std::vector<TracedFactor> fs;
  for (int64_t bd = 0; bd < resultRank - 2; ++bd) {
    const int64_t d = bd - (resultRank - rank);
    if (d < 0 || d >= rank - 2 || shape[d] == 1)
      continue;
    TracedFactor f;
    f.dim = d;
    f.size = shape[d];
    f.startDim = bd;
    fs.push_back(f);
  }
  TracedFactor feature;
  feature.role = Role::Feature;
  feature.dim = featureDim;
  feature.size = shape[featureDim];
  if (feature.size > 1)
    fs.push_back(feature);
  return fs;
}

// The projection a trace ended at: its name, the weight dim of the side
// reached, and its head layout.
HeadProjection projection(const LayerIndex &ix, const TraceEnd &e, bool input) {
  HeadProjection p;
  p.input = input;
  if (!e.layer) {
    p.missing = e.failure;
    return p;
  }
  const Op &op = *e.layer;
  p.op = &op;
  p.channels = e.channels;
  // Rows the trace could not tell: every channel (the size checks of
  // readAttention refuse a packed projection read so).
  p.rows = e.rows;
  if (!e.rowsKnown && p.channels <= ChannelPositions::kMaxPositions)
    for (int64_t c = 0; c < p.channels; ++c)
      p.rows.push_back(c);
  if (!e.heads.empty()) {
    p.headStride = e.heads.front().stride;
    p.heads = e.heads.front().size;
  }
  const ChannelMap *m = mapOf(ix, op);
  if (op.isModuleCall()) {
    p.layer = ix.layerOf(op);
    p.name = std::string(ix.layer(p.layer).str());
    const bool transposed = m && m->intArg(op, ChannelMapKey::Transposed).value_or(0) != 0;
    p.weightDim = input != transposed ? 1 : 0;
  } else {
    // F.linear(x, weight, bias): the weight is [out, in].
    p.weight = op.numOperands() > 1 ? op.operand(1) : nullptr;
    p.bias = !input && op.numOperands() > 2 && shapeOf(op.operand(2)) ? op.operand(2) : nullptr;
    p.weightDim = input ? 1 : 0;
    const Op *def = p.weight ? p.weight->definingOp() : nullptr;
    const ChannelMap *wm = def ? mapOf(ix, *def) : nullptr;
    const Attribute *name =
        wm && wm->kind == ChannelMapKind::Parameter ? wm->attrArg(*def, ChannelMapKey::Name) : nullptr;
    p.name = name && name->isStr() ? name->getStr() : valueRef(p.weight ? p.weight : op.result());
  }
  return p;
}

// Adds the reshape choices of a head factor; false when a reshape would need
// two different factors.
bool addChoices(FactorChoices &to, const std::vector<ReshapeChoice> &choices) {
  for (const ReshapeChoice &c : choices) {
    std::vector<int64_t> &strides = to.strides[c.op];
    if (strides.size() <= c.segment)
      strides.resize(c.segment + 1, 0);
    if (strides[c.segment] && strides[c.segment] != c.stride)
      return false;
    strides[c.segment] = c.stride;
  }
  return true;
}

AttentionHeads readAttention(const LayerIndex &ix, const Op &score, const Op &context) {
  AttentionHeads a;
  a.score = &score;
  a.context = &context;
  const auto [ia, ib] = *productOperands(ix, score);
  const unsigned iv = productOperands(ix, context)->second;
  const Value *A = score.operand(ia), *B = score.operand(ib), *V = context.operand(iv);
  const Value *S = score.result(0), *Y = context.result(0);
  const int64_t rs = rankOf(S), ra = rankOf(A), rb = rankOf(B), rv = rankOf(V), ry = rankOf(Y);
  auto fail = [&](std::string why) {
    a.reason = std::move(why);
    return a;
  };
  if (rs < 3 || ry != rs)
    return fail("the score has no batch dim to hold heads");
  // Sizes the analysis walks index by index (a batch dim, a projection's
  // channels) stay below channel-groups' limit; an unknown size reads nothing.
  for (const Value *x : {A, B, V, S, Y})
    for (int64_t d : *shapeOf(x))
      if (d < 1 || d > ChannelPositions::kMaxPositions)
        return fail("a size on its paths is unknown or above " + std::to_string(ChannelPositions::kMaxPositions));
  a.headDim = shapeOf(A)->back();
  a.vHeadDim = shapeOf(V)->back();

  TraceEnd qe = traceToProjection(ix, A, startFactors(A, rs, ra - 1));
  TraceEnd ke = traceToProjection(ix, B, startFactors(B, rs, rb - 2));
  TraceEnd ve = traceToProjection(ix, V, startFactors(V, ry, rv - 1));
  a.q = projection(ix, qe, false);
  a.k = projection(ix, ke, false);
  a.v = projection(ix, ve, false);
  for (const TraceEnd *e : {&qe, &ke, &ve})
    if (e->layer && e->channels > ChannelPositions::kMaxPositions)
      return fail("a projection has more than " + std::to_string(ChannelPositions::kMaxPositions) + " channels");
  if (!qe.layer)
    return fail("q: " + qe.failure);
  if (!ke.layer)
    return fail("k: " + ke.failure);
  if (!ve.layer)
    return fail("v: " + ve.failure);
  if (qe.heads.empty())
    return fail("no batch dim of the score comes from q's channels (one head)");
  if (qe.heads.size() > 1 || ke.heads.size() > 1 || ve.heads.size() > 1)
    return fail("the heads are split over more than one factor of a projection's channels");
  const TracedFactor &qh = qe.heads.front();
  for (const TraceEnd *e : {&ke, &ve})
    if (!e->heads.empty() && e->heads.front().startDim != qh.startDim)
      return fail("q's and " + std::string(e == &ke ? "k" : "v") + "'s heads are different batch dims of the score");
  a.numHeads = qh.size;
  a.kvHeads = ke.heads.empty() ? 1 : ke.heads.front().size;
  if ((ve.heads.empty() ? 1 : ve.heads.front().size) != a.kvHeads)
    return fail("k has " + std::to_string(a.kvHeads) + " heads and v has " +
                std::to_string(ve.heads.empty() ? 1 : ve.heads.front().size));
  // Each role's channels are its heads times the head size (a packed
  // projection whose thirds the trace could not tell apart is not read).
  for (auto [p, heads, size] : {std::tuple{&a.q, a.numHeads, a.headDim}, {&a.k, a.kvHeads, a.headDim},
                                {&a.v, a.kvHeads, a.vHeadDim}})
    if (static_cast<int64_t>(p->rows.size()) != heads * size)
      return fail(p->name + ": " + std::to_string(p->rows.size()) + " channels are not " +
                  std::to_string(heads) + " heads of " + std::to_string(size));

  // Per query head, the key/value head it meets: read at every coordinate
  // of the score's batch dim.
  auto headAt = [](const TraceEnd &e, int64_t c) {
    return e.heads.empty() ? 0 : (c / e.heads.front().startStride) % e.heads.front().size;
  };
  a.kvOfQuery.assign(a.numHeads, -1);
  for (int64_t c = 0; c < (*shapeOf(S))[qh.startDim]; ++c) {
    const int64_t h = (c / qh.startStride) % qh.size, kh = headAt(ke, c);
    if (headAt(ve, c) != kh)
      return fail("query head " + std::to_string(h) + " meets k head " + std::to_string(kh) + " but v head " +
                  std::to_string(headAt(ve, c)));
    if (a.kvOfQuery[h] >= 0 && a.kvOfQuery[h] != kh)
      return fail("query head " + std::to_string(h) + " meets two key/value heads");
    a.kvOfQuery[h] = kh;
  }
  std::vector<int64_t> served(a.kvHeads, 0);
  for (int64_t kh : a.kvOfQuery)
    if (kh >= 0)
      ++served[kh];
  for (int64_t n : served)
    if (n * a.kvHeads != a.numHeads)
      return fail("the query heads do not split evenly over the key/value heads");

  // o: the context's head dim followed down (the part of the batch dim that
  // is q's heads) with its feature dim.
  TracedFactor oh = qh;
  oh.dim = qh.startDim;
  oh.stride = qh.startStride;
  oh.choices.clear();
  std::vector<TracedFactor> ostart{oh};
  TracedFactor feature;
  feature.role = Role::Feature;
  feature.dim = ry - 1;
  feature.size = a.vHeadDim;
  ostart.push_back(feature);
  TraceEnd oe = traceToConsumer(ix, Y, ostart);
  a.o = projection(ix, oe, true);
  if (oe.layer && (oe.heads.size() != 1 || oe.heads.front().size != a.numHeads ||
                   static_cast<int64_t>(a.o.rows.size()) != a.numHeads * a.vHeadDim)) {
    a.o = HeadProjection{};
    a.o.missing = "the context's heads do not all reach one layer's input channels";
  }

  for (const TraceEnd *e : {&qe, &ke, &ve, &oe})
    if (e->layer && !e->heads.empty() && (e != &oe || a.o.op) && !addChoices(a.choices, e->heads.front().choices))
      return fail("a reshape on the paths would need two head factors");
  a.read = true;
  return a;
}

} // namespace

AttentionHeadsResult findAttentionHeads(const LayerIndex &ix) {
  AttentionHeadsResult out;
  for (uint32_t pos = 0; pos < ix.size(); ++pos) {
    const Op &score = ix.op(pos);
    if (!productOperands(ix, score) || rankOf(score.result(0)) < 3)
      continue;
    if (const Op *context = contextOf(ix, score))
      out.attentions.push_back(readAttention(ix, score, *context));
  }
  // Each reshape is on one attention's paths: the choices do not overlap.
  for (const AttentionHeads &a : out.attentions)
    if (a.read)
      for (const auto &[op, strides] : a.choices.strides)
        out.choices.strides[op] = strides;
  return out;
}

} // namespace pd
