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

} // namespace

std::vector<at::Tensor> emitForward(torch::jit::Module &pruned, verify::Interpreter &it, const Pruning &p,
                                    const Graph &g, const std::vector<at::Tensor> &inputs) {
  torch::jit::Stack stack(inputs.begin(), inputs.end());
  std::vector<at::Tensor> results;
  auto run = [&](torch::jit::Stack) -> torch::jit::Stack {
    results = it.runPrunedModel(pruned, p);
    if (results.size() == 1)
      return {results[0]};
    return {c10::ivalue::Tuple::create(std::vector<c10::IValue>(results.begin(), results.end()))};
  };
  auto traced = torch::jit::tracer::trace(
      std::move(stack), run, [](const at::Tensor &) { return std::string(); }, /*strict=*/true,
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
