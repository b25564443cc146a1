#include "frontends/verify/ExampleInputs.h"

#include "frontends/verify/FunctionCall.h"

#include <ATen/ATen.h>

namespace pd::verify {

std::vector<at::Tensor> exampleInputs(const Graph &g) {
  at::manual_seed(0);
  std::vector<at::Tensor> out;
  for (const Value *in : g.inputs()) {
    const Type *t = in->type();
    if (!t->isTensor())
      throw Error("input " + std::string(in->name().str()) + " is not a tensor");
    bool floating = t->dtype() == DType::F32 || t->dtype() == DType::F64 || t->dtype() == DType::F16 ||
                    t->dtype() == DType::BF16;
    if (floating)
      out.push_back(at::randn(t->shape(), at::kFloat));
    else
      out.push_back(at::randint(0, 2, t->shape(), at::kLong));
  }
  return out;
}

} // namespace pd::verify
