#include "tools/synth/SyntheticModels.h"

#include "tools/synth/GraphBuilder.h"

#include <algorithm>

namespace pd {

std::vector<std::string> syntheticShapeNames() { return {"resnet", "densenet", "mobilenet", "transformer"}; }

SyntheticShape parseSyntheticShape(const std::string &name) {
  if (name == "resnet") return SyntheticShape::ResNet;
  if (name == "densenet") return SyntheticShape::DenseNet;
  if (name == "mobilenet") return SyntheticShape::MobileNet;
  if (name == "transformer") return SyntheticShape::Transformer;
  throw Error("unknown synthetic shape '" + name + "' (resnet, densenet, mobilenet, transformer)");
}

std::string syntheticShapeName(SyntheticShape s) {
  return syntheticShapeNames()[static_cast<size_t>(s)];
}

namespace {

// Small spatial sizes keep the numbers in the shapes realistic without
// mattering for the analyses (they read channels, not pixels).
constexpr int64_t kSpatial = 8;

std::string path(const char *stage, size_t block, const char *layer) {
  return std::string(stage) + "." + std::to_string(block) + "." + layer;
}

void resnet(GraphBuilder &b, Value *x, size_t minOps, int64_t width) {
  const int64_t c = width ? width : 64;
  x = b.unary("aten::relu", b.batchNorm(b.conv(x, "conv1", c, 3, 1, 1), "bn1"), "");
  for (size_t i = 0; b.ops() < minOps; ++i) {
    std::string s = "layer." + std::to_string(i);
    Value *y = b.conv(x, path("layer", i, "conv1"), c, 3, 1, 1);
    y = b.unary("aten::relu", b.batchNorm(y, path("layer", i, "bn1")), s);
    y = b.batchNorm(b.conv(y, path("layer", i, "conv2"), c, 3, 1, 1), path("layer", i, "bn2"));
    x = b.unary("aten::relu", b.binary("aten::add", y, x, s), s);
  }
}

void densenet(GraphBuilder &b, Value *x, size_t minOps, int64_t width) {
  const int64_t growth = width ? width : 32, bottleneck = 4 * growth, layersPerBlock = 12;
  x = b.conv(x, "features.conv0", 2 * growth, 3, 1, 1);
  for (size_t blk = 0; b.ops() < minOps; ++blk) {
    std::vector<Value *> features{x};
    std::string bs = "features.block" + std::to_string(blk);
    for (int64_t l = 0; l < layersPerBlock; ++l) {
      std::string ls = bs + ".layer" + std::to_string(l);
      Value *in = features.size() == 1 ? features[0] : b.cat(features, 1, ls);
      Value *y = b.unary("aten::relu", b.batchNorm(in, ls + ".norm1"), ls);
      y = b.conv(y, ls + ".conv1", bottleneck, 1, 1, 1);
      y = b.unary("aten::relu", b.batchNorm(y, ls + ".norm2"), ls);
      features.push_back(b.conv(y, ls + ".conv2", growth, 3, 1, 1));
    }
    std::string ts = "features.transition" + std::to_string(blk);
    Value *y = b.unary("aten::relu", b.batchNorm(b.cat(features, 1, bs), ts + ".norm"), ts);
    x = b.conv(y, ts + ".conv", 2 * growth, 1, 1, 1);
  }
}

void mobilenet(GraphBuilder &b, Value *x, size_t minOps, int64_t width) {
  const int64_t c = width ? width : 32, expand = 3 * c, squeeze = std::max<int64_t>(c / 4, 1);
  x = b.unary("aten::hardswish", b.batchNorm(b.conv(x, "features.0.0", c, 3, 1, 1), "features.0.1"), "");
  for (size_t i = 1; b.ops() < minOps; ++i) {
    std::string s = "features." + std::to_string(i);
    Value *y = b.conv(x, s + ".expand", expand, 1, 1, 1);
    y = b.unary("aten::hardswish", b.batchNorm(y, s + ".expand_bn"), s);
    // Alternate depthwise and grouped 3x3 convs.
    int64_t groups = i % 2 ? expand : 4;
    y = b.conv(y, s + ".dw", expand, 3, 1, groups);
    y = b.unary("aten::hardswish", b.batchNorm(y, s + ".dw_bn"), s);
    // SE gate: y * sigmoid(fc2(relu(fc1(avgpool(y)))))
    Value *g = b.adaptiveAvgPool(y, s + ".se");
    g = b.unary("aten::relu", b.conv(g, s + ".se.fc1", squeeze, 1, 1, 1), s + ".se");
    g = b.unary("aten::sigmoid", b.conv(g, s + ".se.fc2", expand, 1, 1, 1), s + ".se");
    y = b.binary("aten::mul", y, g, s + ".se");
    y = b.batchNorm(b.conv(y, s + ".project", c, 1, 1, 1), s + ".project_bn");
    x = b.binary("aten::add", y, x, s);
  }
}

void transformer(GraphBuilder &b, Value *x, size_t minOps, int64_t width) {
  const int64_t tokens = 16, heads = 4, dim = width ? (width + heads - 1) / heads * heads : 64,
                hd = dim / heads;
  x = b.linear(x, "embed", dim);
  for (size_t i = 0; b.ops() < minOps; ++i) {
    std::string s = "encoder.layers." + std::to_string(i);
    Value *h = b.layerNorm(x, s + ".ln_1");
    auto headsOf = [&](Value *t) {
      return b.permute(b.view(t, {1, tokens, heads, hd}, s + ".attn"), {0, 2, 1, 3}, s + ".attn");
    };
    Value *q = headsOf(b.linear(h, s + ".attn.q_proj", dim));
    Value *k = headsOf(b.linear(h, s + ".attn.k_proj", dim));
    Value *v = headsOf(b.linear(h, s + ".attn.v_proj", dim));
    Value *kt = b.permute(k, {0, 1, 3, 2}, s + ".attn");
    Value *scores = b.softmax(b.matmul(q, kt, s + ".attn"), -1, s + ".attn");
    Value *ctx = b.matmul(scores, v, s + ".attn");
    ctx = b.view(b.permute(ctx, {0, 2, 1, 3}, s + ".attn"), {1, tokens, dim}, s + ".attn");
    x = b.binary("aten::add", b.linear(ctx, s + ".attn.o_proj", dim), x, s);
    h = b.layerNorm(x, s + ".ln_2");
    h = b.unary("aten::gelu", b.linear(h, s + ".mlp.fc1", 4 * dim), s + ".mlp");
    x = b.binary("aten::add", b.linear(h, s + ".mlp.fc2", dim), x, s);
  }
}

} // namespace

std::unique_ptr<Graph> buildSyntheticModel(SyntheticShape shape, size_t minOps, int64_t width) {
  auto g = std::make_unique<Graph>();
  g->setName(Symbol::get(syntheticShapeName(shape) + "_" + std::to_string(minOps)));
  GraphBuilder b(*g);
  Value *out = nullptr;
  switch (shape) {
  case SyntheticShape::ResNet: {
    Value *x = b.input({1, 3, kSpatial, kSpatial});
    resnet(b, x, minOps, width);
    break;
  }
  case SyntheticShape::DenseNet:
    densenet(b, b.input({1, 3, kSpatial, kSpatial}), minOps, width);
    break;
  case SyntheticShape::MobileNet:
    mobilenet(b, b.input({1, 3, kSpatial, kSpatial}), minOps, width);
    break;
  case SyntheticShape::Transformer:
    transformer(b, b.input({1, 16, 32}), minOps, width);
    break;
  }
  out = g->ops().back().result();
  g->setOutputs({out});
  return g;
}

} // namespace pd
