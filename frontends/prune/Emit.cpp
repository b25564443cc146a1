#include "frontends/prune/Emit.h"

#include "frontends/verify/FunctionCall.h"
#include "ir/Diagnostic.h"

#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>

#include <cctype>

namespace pd::prune {
namespace {

// An IR value name as a Python argument name.
std::string argumentName(std::string_view name, size_t i) {
  std::string out;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
    out = "input_" + std::to_string(i);
  return out;
}

// `like` with its tensors replaced, in order, by `tensors[next...]`; other
// leaves (None, numbers) kept as they are.
c10::IValue rebuild(const c10::IValue &like, const std::vector<at::Tensor> &tensors, size_t &next) {
  if (like.isTensor()) {
    if (next >= tensors.size())
      throw Error("the original forward returns more tensors than the IR has outputs");
    return tensors[next++];
  }
  if (like.isTuple()) {
    std::vector<c10::IValue> items;
    for (const c10::IValue &e : like.toTupleRef().elements())
      items.push_back(rebuild(e, tensors, next));
    return c10::ivalue::Tuple::create(std::move(items));
  }
  if (like.isTensorList()) {
    c10::List<at::Tensor> items;
    for (size_t i = 0; i < like.toTensorList().size(); ++i)
      items.push_back(tensors.at(next++));
    return items;
  }
  if (like.isGenericDict()) {
    c10::impl::GenericDict src = like.toGenericDict();
    c10::impl::GenericDict out(src.keyType(), src.valueType());
    for (const auto &e : src)
      out.insert(e.key(), rebuild(e.value(), tensors, next));
    return out;
  }
  if (like.isList()) {
    c10::impl::GenericList src = like.toList();
    c10::impl::GenericList out(src.elementType());
    for (const c10::IValue &e : src)
      out.push_back(rebuild(e, tensors, next));
    return out;
  }
  return like;
}

} // namespace

std::vector<at::Tensor> emitForward(torch::jit::Module &pruned, verify::Interpreter &it, const Pruning &p,
                                    const Graph &g, const std::vector<at::Tensor> &inputs,
                                    const c10::IValue &returns) {
  torch::jit::Stack stack(inputs.begin(), inputs.end());
  std::vector<at::Tensor> results;
  auto run = [&](torch::jit::Stack) -> torch::jit::Stack {
    results = it.runPrunedModel(pruned, p);
    size_t next = 0;
    c10::IValue out = rebuild(returns, results, next);
    if (next != results.size())
      throw Error("the IR has " + std::to_string(results.size()) + " outputs, the original forward returns " +
                  std::to_string(next) + " tensors");
    return {out};
  };
  // Not strict: a returned dict (segmentation models' {"out": ...}) is kept.
  auto traced = torch::jit::tracer::trace(
      std::move(stack), run, [](const at::Tensor &) { return std::string(); }, /*strict=*/false,
      /*force_outplace=*/false, &pruned);
  std::shared_ptr<torch::jit::Graph> graph = traced.first->graph;
  // Input 0 is `self`; the others take the IR's input names.
  for (size_t i = 0; i < g.inputs().size() && i + 1 < graph->inputs().size(); ++i)
    graph->inputs()[i + 1]->setDebugName(argumentName(g.inputs()[i]->name().str(), i));
  torch::jit::EliminateDeadCode(graph);
  torch::jit::Function *fn = pruned._ivalue()->compilation_unit()->create_function(
      c10::QualifiedName(*pruned.type()->name(), "forward"), graph);
  pruned.type()->addMethod(fn);
  return results;
}

} // namespace pd::prune
