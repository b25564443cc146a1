// A tiny builder for model-like graphs: each helper creates one op with the
// right attributes and result shape, named like a real traced model.
#pragma once
#include "ir/Graph.h"

#include <string>

namespace pd {

class GraphBuilder {
public:
  explicit GraphBuilder(Graph &g) : g_(g) {}
  Value *input(const std::vector<int64_t> &shape);

  // Module calls (leaf layers).
  Value *conv(Value *x, const std::string &path, int64_t out, int64_t kernel, int64_t stride,
              int64_t groups);
  Value *batchNorm(Value *x, const std::string &path);
  Value *layerNorm(Value *x, const std::string &path);
  Value *linear(Value *x, const std::string &path, int64_t out);

  // Function ops inside module `scope`.
  Value *unary(const char *kind, Value *x, const std::string &scope);
  Value *binary(const char *kind, Value *a, Value *b, const std::string &scope);
  Value *cat(const std::vector<Value *> &xs, int64_t dim, const std::string &scope);
  Value *adaptiveAvgPool(Value *x, const std::string &scope);
  Value *view(Value *x, const std::vector<int64_t> &shape, const std::string &scope);
  Value *permute(Value *x, const std::vector<int64_t> &dims, const std::string &scope);
  Value *matmul(Value *a, Value *b, const std::string &scope);
  Value *softmax(Value *x, int64_t dim, const std::string &scope);
  Value *flatten(Value *x, const std::string &scope);

  size_t ops() const { return g_.numOps(); }

private:
  Value *moduleOp(const char *type, std::vector<Value *> operands, const std::string &path,
                  const Type *result, std::vector<NamedAttribute> attrs);
  Value *functionOp(const char *kind, std::vector<Value *> operands, const std::string &scope,
                    const Type *result, std::vector<NamedAttribute> attrs = {});
  Symbol uniqueName(const std::string &base);
  Graph &g_;
  size_t counter_ = 0;
};

} // namespace pd
