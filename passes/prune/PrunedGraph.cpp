#include "passes/prune/PrunedGraph.h"

#include "passes/prune/PrunedAttributes.h"

#include <utility>
#include <vector>

namespace pd {

void rewritePruned(Graph &g, const OpRegistry &registry, const Pruning &p) {
  // Everything is computed first: the rewrites read the unpruned sizes
  // from the types, which the second loop changes.
  std::vector<std::pair<Op *, AttributeList>> attrs;
  std::vector<std::pair<Value *, const Type *>> types;
  auto retype = [&](Value *v) {
    if (v->type()->isTensor() && p.removed(v))
      types.push_back({v, Type::tensor(v->type()->dtype(), p.predictedShape(v))});
  };
  for (Value *v : g.inputs())
    retype(v);
  for (Op &op : g.ops()) {
    AttributeList a = prunedAttributes(op, registry.lookup(op.kind()), p);
    if (a != op.attrs())
      attrs.push_back({&op, std::move(a)});
    for (Value *r : op.results())
      retype(r);
  }
  for (auto &[op, a] : attrs)
    op->setAttrs(std::move(a));
  for (auto &[v, t] : types)
    v->setType(t);
}

} // namespace pd
