#include "tools/synth/GraphBuilder.h"

namespace pd {

static const Type *tensor(std::vector<int64_t> shape) { return Type::tensor(DType::F32, std::move(shape)); }

Symbol GraphBuilder::uniqueName(const std::string &base) {
  // Op counts reach a million: a counter suffix keeps names unique without a
  // lookup table.
  return Symbol::get(base + "_" + std::to_string(counter_++));
}

Value *GraphBuilder::input(const std::vector<int64_t> &shape) {
  return g_.addInput(Symbol::get("input"), tensor(shape));
}

Value *GraphBuilder::moduleOp(const char *type, std::vector<Value *> operands,
                              const std::string &path, const Type *result,
                              std::vector<NamedAttribute> attrs) {
  Op *op = g_.createOp(Symbol::get(std::string("nn.") + type), operands,
                       {{Symbol::get(path), result}});
  op->setModule(Symbol::get(path), Symbol::get(type));
  op->setModuleCall(true);
  for (auto &a : attrs)
    op->setAttr(a.name, std::move(a.value));
  return op->result();
}

Value *GraphBuilder::functionOp(const char *kind, std::vector<Value *> operands,
                                const std::string &scope, const Type *result,
                                std::vector<NamedAttribute> attrs) {
  std::string k(kind);
  std::string shortKind = k.substr(k.find("::") + 2);
  Op *op = g_.createOp(Symbol::get(k), operands,
                       {{uniqueName(scope.empty() ? shortKind : scope + "." + shortKind), result}});
  if (!scope.empty())
    op->setModule(Symbol::get(scope), Symbol::get("Block"));
  for (auto &a : attrs)
    op->setAttr(a.name, std::move(a.value));
  return op->result();
}

static NamedAttribute attr(const char *name, Attribute v) { return {Symbol::get(name), std::move(v)}; }

Value *GraphBuilder::conv(Value *x, const std::string &path, int64_t out, int64_t kernel,
                          int64_t stride, int64_t groups) {
  const auto &s = x->type()->shape();
  int64_t pad = kernel / 2;
  int64_t h = (s[2] + 2 * pad - kernel) / stride + 1, w = (s[3] + 2 * pad - kernel) / stride + 1;
  return moduleOp("Conv2d", {x}, path, tensor({s[0], out, h, w}),
                  {attr("in_channels", s[1]), attr("out_channels", out),
                   attr("kernel_size", Attribute::ints({kernel, kernel})),
                   attr("stride", Attribute::ints({stride, stride})),
                   attr("padding", Attribute::ints({pad, pad})),
                   attr("dilation", Attribute::ints({1, 1})), attr("groups", groups),
                   attr("bias", false)});
}

Value *GraphBuilder::batchNorm(Value *x, const std::string &path) {
  return moduleOp("BatchNorm2d", {x}, path, x->type(),
                  {attr("num_features", x->type()->shape()[1]), attr("eps", 1e-5),
                   attr("affine", true)});
}

Value *GraphBuilder::layerNorm(Value *x, const std::string &path) {
  return moduleOp("LayerNorm", {x}, path, x->type(),
                  {attr("normalized_shape", Attribute::ints({x->type()->shape().back()})),
                   attr("eps", 1e-6), attr("elementwise_affine", true)});
}

Value *GraphBuilder::linear(Value *x, const std::string &path, int64_t out) {
  std::vector<int64_t> shape = x->type()->shape();
  int64_t in = shape.back();
  shape.back() = out;
  return moduleOp("Linear", {x}, path, tensor(shape),
                  {attr("in_features", in), attr("out_features", out), attr("bias", true)});
}

Value *GraphBuilder::unary(const char *kind, Value *x, const std::string &scope) {
  return functionOp(kind, {x}, scope, x->type());
}

Value *GraphBuilder::binary(const char *kind, Value *a, Value *b, const std::string &scope) {
  // Broadcast: the result has the larger of each dim (the SE gate case).
  std::vector<int64_t> shape = a->type()->shape();
  const auto &sb = b->type()->shape();
  for (size_t i = 0; i < shape.size() && i < sb.size(); ++i)
    shape[i] = std::max(shape[i], sb[i]);
  std::vector<NamedAttribute> attrs;
  if (std::string(kind) == "aten::add")
    attrs.push_back(attr("alpha", 1));
  return functionOp(kind, {a, b}, scope, tensor(shape), std::move(attrs));
}

Value *GraphBuilder::cat(const std::vector<Value *> &xs, int64_t dim, const std::string &scope) {
  std::vector<int64_t> shape = xs[0]->type()->shape();
  shape[dim] = 0;
  for (Value *x : xs)
    shape[dim] += x->type()->shape()[dim];
  return functionOp("aten::cat", xs, scope, tensor(shape), {attr("dim", dim)});
}

Value *GraphBuilder::adaptiveAvgPool(Value *x, const std::string &scope) {
  const auto &s = x->type()->shape();
  return functionOp("aten::adaptive_avg_pool2d", {x}, scope, tensor({s[0], s[1], 1, 1}),
                    {attr("output_size", Attribute::ints({1, 1}))});
}

Value *GraphBuilder::view(Value *x, const std::vector<int64_t> &shape, const std::string &scope) {
  return functionOp("aten::view", {x}, scope, tensor(shape), {attr("size", Attribute::ints(shape))});
}

Value *GraphBuilder::permute(Value *x, const std::vector<int64_t> &dims, const std::string &scope) {
  std::vector<int64_t> shape;
  for (int64_t d : dims)
    shape.push_back(x->type()->shape()[d]);
  return functionOp("aten::permute", {x}, scope, tensor(shape), {attr("dims", Attribute::ints(dims))});
}

Value *GraphBuilder::matmul(Value *a, Value *b, const std::string &scope) {
  std::vector<int64_t> shape = a->type()->shape();
  shape.back() = b->type()->shape().back();
  return functionOp("aten::matmul", {a, b}, scope, tensor(shape));
}

Value *GraphBuilder::softmax(Value *x, int64_t dim, const std::string &scope) {
  return functionOp("aten::softmax", {x}, scope, x->type(), {attr("dim", dim)});
}

Value *GraphBuilder::flatten(Value *x, const std::string &scope) {
  const auto &s = x->type()->shape();
  int64_t n = 1;
  for (size_t i = 1; i < s.size(); ++i)
    n *= s[i];
  return functionOp("aten::flatten", {x}, scope, tensor({s[0], n}),
                    {attr("start_dim", 1), attr("end_dim", -1)});
}

} // namespace pd
