// The dependency analyses as cached analyses, and their shared helpers.
#include "ir/Parser.h"
#include "passes/dependency/AttentionWeightDependency.h"
#include "passes/dependency/ChannelDependency.h"
#include "passes/dependency/GroupDependency.h"
#include "passes/dependency/InputChannelDependency.h"
#include "passes/index/OpFacts.h"
#include "passes/core/PassManager.h"
#include "passes/core/PassRegistry.h"
#include "passes/core/Pipeline.h"
#include "passes/report/ReportFormat.h"
#include "passes/dependency/ReshapeDependency.h"
#include "passes/index/SortByName.h"
#include "passes/index/UnionFind.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <sstream>

using namespace pd;

namespace {

// conv1 and conv2 meet in an add; `dead` is unused, so dce erases it.
const char *kResidual =
    "graph @g(%x: f32[1,4,8,8]) {\n"
    "  %c1: f32[1,4,8,8] = nn.Conv2d(%x) {in_channels = 4, out_channels = 4, groups = 1} module \"conv1\"\n"
    "  %c2: f32[1,4,8,8] = nn.Conv2d(%x) {in_channels = 4, out_channels = 4, groups = 1} module \"conv2\"\n"
    "  %sum: f32[1,4,8,8] = aten::add(%c1, %c2) {alpha = 1}\n"
    "  %dead: f32[1,4,8,8] = nn.Conv2d(%sum) {in_channels = 4, out_channels = 4, groups = 1} module \"dead\"\n"
    "  return %sum\n}\n";

void runPipeline(const char *text, Graph &g, AnalysisManager &am, PassContext &ctx) {
  PassManager pm;
  for (auto &p : buildPipeline(text, PassRegistry::withBuiltins()))
    pm.add(std::move(p));
  pm.run(g, am, ctx);
}

std::vector<std::string> namesOf(const DependencySets::Set &s) {
  std::vector<std::string> out;
  for (const Layer &l : s)
    out.emplace_back(l.str());
  return out;
}

} // namespace

TEST_CASE("two passes asking for channel dependency run it once; a transform makes it run again") {
  auto g = parseGraph(kResidual, "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  AnalysisManager am(*g, reg);
  PassContext ctx;

  runPipeline("channel-dependency,channel-dependency{prune-type=filter}", *g, am, ctx);
  CHECK(am.runCount<ChannelDependencyAnalysis>() == 1);
  CHECK(am.runCount<LayerIndexAnalysis>() == 1);
  CHECK(ctx.results.size() == 2);
  const DependencySets &sets = am.getResult<ChannelDependencyAnalysis>();
  CHECK(am.runCount<ChannelDependencyAnalysis>() == 1); // served from the cache
  REQUIRE(sets.sets().size() == 2);
  CHECK(namesOf(sets.sets()[0]) == std::vector<std::string>{"conv1", "conv2"});
  CHECK(namesOf(sets.sets()[1]) == std::vector<std::string>{"dead"});

  // dce erases `dead` and preserves nothing: the next request recomputes.
  runPipeline("dce,channel-dependency", *g, am, ctx);
  CHECK(am.runCount<ChannelDependencyAnalysis>() == 2);
  CHECK(am.runCount<LayerIndexAnalysis>() == 2);
  const DependencySets &after = am.getResult<ChannelDependencyAnalysis>();
  REQUIRE(after.sets().size() == 1);
  CHECK(after.find(Symbol::get("dead")) == nullptr);
  CHECK(after.find(Symbol::get("conv2")) == &after.sets()[0]);
}

TEST_CASE("the five analyses share one layer index, and filter and batchnorm are cached apart") {
  auto g = parseGraph(kResidual, "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  AnalysisManager am(*g, reg);
  PassContext ctx;
  runPipeline("channel-dependency,channel-dependency{prune-type=batchnorm},input-channel-dependency,"
              "group-dependency,reshape-dependency,attention-weight-dependency",
              *g, am, ctx);
  CHECK(am.runCount<LayerIndexAnalysis>() == 1);
  CHECK(am.runCount<ChannelDependencyAnalysis>() == 1);
  CHECK(am.runCount<BatchNormDependencyAnalysis>() == 1);
  CHECK(am.runCount<InputChannelDependencyAnalysis>() == 1);
  CHECK(am.runCount<GroupDependencyAnalysis>() == 1);
  CHECK(am.runCount<ReshapeDependencyAnalysis>() == 1);
  CHECK(am.runCount<AttentionWeightDependencyAnalysis>() == 1);
  CHECK(am.getResult<BatchNormDependencyAnalysis>().sets().empty()); // no batchnorm layers
  CHECK(ctx.results.size() == 6);
}

TEST_CASE("a 400k-op residual chain: no recursion, one set") {
  // conv -> (add conv)* : every conv is tied to the stem through the adds.
  const int blocks = 200000; // 2 ops per block + stem
  auto g = std::make_unique<Graph>();
  const Type *t = Type::tensor(DType::F32, {1, 4, 2, 2});
  Value *x = g->addInput(Symbol::get("x"), t);
  auto conv = [&](Value *in, const std::string &name) {
    Op *op = g->createOp(moduleOpKind("Conv2d"), {in}, {{Symbol::get(name + ".out"), t}});
    op->setModule(Symbol::get(name), Symbol::get("Conv2d"));
    op->setModuleCall(true);
    return op->result();
  };
  Value *s = conv(x, "stem");
  for (int i = 0; i < blocks; ++i) {
    Value *c = conv(s, "b" + std::to_string(i));
    s = g->createOp(Symbol::get("aten::add"), {s, c}, {{Symbol::get("s" + std::to_string(i)), t}})
            ->result();
  }
  g->setOutputs({s});
  OpRegistry reg = OpRegistry::withBuiltins();
  AnalysisManager am(*g, reg);
  const DependencySets &sets = am.getResult<ChannelDependencyAnalysis>();
  REQUIRE(sets.sets().size() == 1);
  CHECK(sets.sets()[0].size() == blocks + 1);
  // Input channels: every running sum is read by the next conv and, through
  // the next add, by all later ones; only the stem reads the image.
  const DependencySets &inputs = am.getResult<InputChannelDependencyAnalysis>();
  REQUIRE(inputs.sets().size() == 2);
  CHECK(inputs.find(Symbol::get("b0"))->size() == blocks);
  CHECK(inputs.find(Symbol::get("stem"))->size() == 1);
  CHECK(am.getResult<GroupDependencyAnalysis>().layers().size() == blocks + 1);
}

TEST_CASE("union-find merges transitively") {
  UnionFind uf(6);
  uf.unite(0, 1);
  uf.unite(2, 3);
  CHECK_FALSE(uf.same(1, 2));
  uf.unite(3, 1);
  CHECK(uf.same(0, 2));
  CHECK_FALSE(uf.same(0, 4));
  CHECK(uf.find(5) == 5);
}

TEST_CASE("union-find agrees with a naive partition, and takeLeaders with find") {
  // Four bytes an element (a leader's entry holds its set's size): random
  // unions over grown storage must still partition exactly like relabelling.
  std::mt19937 rng(7);
  UnionFind uf(300);
  uf.grow(700);
  std::vector<uint32_t> label(1000);
  for (uint32_t i = 0; i < label.size(); ++i)
    label[i] = i;
  for (int k = 0; k < 900; ++k) {
    uint32_t a = rng() % 1000, b = rng() % 1000;
    uf.unite(a, b);
    uint32_t from = label[b], to = label[a];
    for (uint32_t &l : label)
      if (l == from)
        l = to;
  }
  std::vector<uint32_t> found(1000);
  for (uint32_t i = 0; i < 1000; ++i) {
    found[i] = uf.find(i);
    CHECK(uf.same(i, (i * 37) % 1000) == (label[i] == label[(i * 37) % 1000]));
  }
  std::vector<uint32_t> leaders = uf.takeLeaders();
  CHECK(leaders == found);
  CHECK(uf.size() == 0);
}

TEST_CASE("takeClassNumbers numbers the classes of a prefix in order of first element") {
  // Elements 0..299 are asked for; their leaders may lie beyond them (the
  // memo cells of the analyses), and a class may have no element below 300.
  std::mt19937 rng(11);
  UnionFind uf(1000);
  for (int k = 0; k < 600; ++k)
    uf.unite(rng() % 1000, rng() % 1000);
  uf.unite(999, 5); // a leader far beyond the prefix (999 wins a tie)
  std::vector<uint32_t> leader(300);
  for (uint32_t i = 0; i < 300; ++i)
    leader[i] = uf.find(i);
  uint32_t numClasses = 0;
  LargeVector<uint32_t> number = uf.takeClassNumbers(300, numClasses);
  REQUIRE(number.size() == 300);
  CHECK(uf.size() == 0);
  // Same class <=> same number, and numbers appear as 0, 1, 2, ... in order.
  std::map<uint32_t, uint32_t> numberOfLeader;
  uint32_t expectNext = 0;
  for (uint32_t i = 0; i < 300; ++i) {
    auto [it, fresh] = numberOfLeader.emplace(leader[i], expectNext);
    if (fresh)
      ++expectNext;
    CHECK(number[i] == it->second);
  }
  CHECK(numClasses == expectNext);
  CHECK(numClasses < 300); // 600 random unions leave fewer classes than elements
}

TEST_CASE("fromClasses reports the same sets by traits word as by callback") {
  auto g = parseGraph(
      "graph @g(%x: f32[1,8,4,4]) {\n"
      "  %a: f32[1,8,4,4] = nn.Conv2d(%x) {in_channels = 8, out_channels = 8, groups = 1} module \"a\"\n"
      "  %n: f32[1,8,4,4] = nn.BatchNorm2d(%a) {num_features = 8} module \"n\"\n"
      "  %b: f32[1,8,4,4] = nn.Conv2d(%n) {in_channels = 8, out_channels = 8, groups = 1} module \"b\"\n"
      "  %s: f32[1,8,4,4] = aten::add(%a, %b)\n"
      "  %f: f32[1,128] = aten::flatten(%s) {start_dim = 1, end_dim = -1}\n"
      "  %l: f32[1,10] = nn.Linear(%f) {in_features = 128, out_features = 10} module \"fc\"\n"
      "  return %l\n}\n",
      "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  LayerIndex ix = LayerIndex::build(*g, reg);
  REQUIRE(ix.numLayers() == 4);
  auto classes = [&] {
    UnionFind uf(ix.numLayers());
    uf.unite(0, 2); // a with b
    uf.unite(1, 2); // and the batchnorm (not a target: a member, no set of its own)
    return uf;
  };
  auto namesOf = [](const DependencySets &sets) {
    std::vector<std::vector<std::string>> out;
    for (DependencySets::Set s : sets.sets()) {
      out.emplace_back();
      for (const Layer &l : s)
        out.back().emplace_back(l.str());
    }
    return out;
  };
  for (TraitSet traits : {traitSet({Trait::ChannelTarget}), traitSet({Trait::ChannelTarget, Trait::WeightLayer}),
                          traitSet({Trait::BatchNormTarget})}) {
    DependencySets byTraits = DependencySets::fromClasses(ix, classes(), traits);
    DependencySets byCallback = DependencySets::fromClasses(ix, classes(), [&](const Layer &l) {
      for (size_t t = 0; t < traits.size(); ++t)
        if (traits.test(t) && ix.layerHas(l.id, static_cast<Trait>(t)))
          return true;
      return false;
    });
    CHECK(namesOf(byTraits) == namesOf(byCallback));
    CHECK(std::vector<uint32_t>(byTraits.graphOrder().begin(), byTraits.graphOrder().end()) ==
          std::vector<uint32_t>(byCallback.graphOrder().begin(), byCallback.graphOrder().end()));
  }
  // The filter targets: {a, b, n} and {fc}.
  DependencySets filter = DependencySets::fromClasses(ix, classes(), traitSet({Trait::ChannelTarget}));
  CHECK(namesOf(filter) == std::vector<std::vector<std::string>>{{"a", "b", "n"}, {"fc"}});
}

TEST_CASE("fromClasses: interleaved sets, members by name, sets numbered in graph order") {
  // Graph order z1, a1, z2, a2, m; classes {z1, z2, m} and {a1, a2}. By name:
  // a1 a2 m z1 z2, so the set of z1 (first in the graph) sorts second.
  auto g = parseGraph(
      "graph @g(%x: f32[1,8,4,4]) {\n"
      "  %z1: f32[1,8,4,4] = nn.Conv2d(%x) {in_channels = 8, out_channels = 8, groups = 1} module \"z1\"\n"
      "  %a1: f32[1,8,4,4] = nn.Conv2d(%x) {in_channels = 8, out_channels = 8, groups = 1} module \"a1\"\n"
      "  %z2: f32[1,8,4,4] = nn.Conv2d(%x) {in_channels = 8, out_channels = 8, groups = 1} module \"z2\"\n"
      "  %a2: f32[1,8,4,4] = nn.Conv2d(%x) {in_channels = 8, out_channels = 8, groups = 1} module \"a2\"\n"
      "  %m: f32[1,8,4,4] = nn.BatchNorm2d(%x) {num_features = 8} module \"m\"\n"
      "  return %z1, %a1, %z2, %a2, %m\n}\n",
      "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  LayerIndex ix = LayerIndex::build(*g, reg);
  REQUIRE(ix.numLayers() == 5);
  UnionFind uf(ix.numLayers());
  uf.unite(0, 2); // z1, z2
  uf.unite(2, 4); // and m
  uf.unite(1, 3); // a1, a2
  DependencySets sets = DependencySets::fromClasses(ix, std::move(uf), traitSet({Trait::ChannelTarget}));
  REQUIRE(sets.sets().size() == 2);
  CHECK(namesOf(sets.sets()[0]) == std::vector<std::string>{"a1", "a2"});
  CHECK(namesOf(sets.sets()[1]) == std::vector<std::string>{"m", "z1", "z2"});
  CHECK(std::vector<uint32_t>(sets.graphOrder().begin(), sets.graphOrder().end()) ==
        std::vector<uint32_t>{1, 0});
  CHECK(sets.find(Symbol::get("m")) == &sets.sets()[1]);
  CHECK(sets.find(Symbol::get("a2")) == &sets.sets()[0]);
  CHECK(sets.find(Symbol::get("x")) == nullptr);
}

TEST_CASE("the index's copies (layers by name, display names, view and matmul bits) match their sources") {
  auto g = parseGraph(
      "graph @g(%x: f32[2,4]) {\n"
      "  %q: f32[2,4] = nn.Linear(%x) {in_features = 4, out_features = 4} module \"z.q\"\n"
      "  %k: f32[2,4] = nn.Linear(%x) {in_features = 4, out_features = 4} module \"b.k\"\n"
      "  %t: f32[4,2] = aten::transpose(%k) {dim0 = 0, dim1 = 1}\n"
      "  %s: f32[2,2] = aten::matmul(%q, %t)\n"
      "  %v: f32[4] = aten::view(%s) {size = [4]}\n"
      "  %q2: f32[2,4] = nn.Linear(%x) {in_features = 4, out_features = 4} module \"z.q\"\n"
      "  %f: f32[2,4] = aten::linear(%x, %x)\n"
      "  return %v, %q2, %f\n}\n",
      "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  LayerIndex ix = LayerIndex::build(*g, reg);
  REQUIRE(ix.numLayers() == 2); // z.q (called twice) and b.k; the functional linear is no layer
  REQUIRE(ix.layersInNameOrder().size() == ix.numLayers());
  for (uint32_t i = 0; i < ix.numLayers(); ++i) {
    const Layer &copy = ix.layersInNameOrder()[i], &source = ix.layer(ix.layersByName()[i]);
    CHECK(copy.name == source.name);
    CHECK(copy.op == source.op);
    CHECK(copy.position == source.position);
    CHECK(copy.id == source.id);
  }
  CHECK(ix.layersInNameOrder()[0].str() == "b.k");
  size_t views = 0, matmuls = 0;
  for (uint32_t pos = 0; pos < ix.size(); ++pos) {
    CHECK(ix.displayName(pos) == displaySymbol(ix.op(pos)));
    CHECK(ix.isView(pos) == ix.has(pos, Trait::View));
    CHECK(ix.isMatmul(pos) == ix.has(pos, Trait::Matmul));
    views += ix.isView(pos);
    matmuls += ix.isMatmul(pos);
  }
  CHECK(views == 1);
  CHECK(matmuls == 1);
  CHECK(ix.displayName(ix.position(*ix.layer(0).op)).str() == "z.q");
}

TEST_CASE("channel facts come from the op table and the shapes") {
  auto g = parseGraph(
      "graph @g(%x: f32[1,8,4,4]) {\n"
      "  %c: f32[1,16,4,4] = aten::cat(%x, %x) {dim = -3}\n"
      "  %w: f32[1,8,4,8] = aten::cat(%x, %x) {dim = -1}\n"
      "  %keep: f32[1,8,16] = aten::flatten(%x) {start_dim = 2, end_dim = -1}\n"
      "  %flat: f32[1,128] = aten::flatten(%x) {start_dim = 1, end_dim = -1}\n"
      "  %unk: f32[1,?,4,4] = aten::reshape(%x) {shape = [1, -1, 4, 4]}\n"
      "  %dw: f32[1,8,4,4] = nn.Conv2d(%x) {in_channels = 8, out_channels = 8, groups = 8} module \"dw\"\n"
      "  %one: f32[1,1,4,4] = nn.Conv2d(%x) {in_channels = 8, out_channels = 1, groups = 1} module \"one\"\n"
      "  return %c, %w, %keep, %flat, %unk, %dw, %one\n}\n",
      "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  std::map<std::string, const Op *> ops;
  for (const Op &op : g->ops())
    ops[std::string(op.displayName())] = &op;
  auto rule = [&](const char *n) { return reg.lookup(ops[n]->kind()); };
  CHECK(concatDim(*ops["c"], *rule("c")) == 1);
  CHECK(isChannelConcat(*ops["c"], *rule("c")));
  CHECK(concatDim(*ops["w"], *rule("w")) == 3);
  CHECK_FALSE(isChannelConcat(*ops["w"], *rule("w")));
  CHECK_FALSE(keepsChannelCount(*ops["c"], *rule("c")));
  CHECK(keepsChannelCount(*ops["w"], *rule("w")));
  CHECK(keepsChannelCount(*ops["keep"], *rule("keep")));
  CHECK_FALSE(keepsChannelCount(*ops["flat"], *rule("flat")));
  CHECK_FALSE(keepsChannelCount(*ops["unk"], *rule("unk")));
  CHECK(isDepthwise(*ops["dw"], rule("dw")));
  CHECK_FALSE(isDepthwise(*ops["one"], rule("one")));
  CHECK(outChannels(*ops["dw"], rule("dw")) == 8);
  CHECK(inChannels(*ops["one"], rule("one")) == 8);
}

TEST_CASE("report formatting: CSV quoting, Python list repr, wrapping") {
  CHECK(csvField("conv1") == "conv1");
  CHECK(csvField("a,b") == "\"a,b\"");
  CHECK(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(pythonListRepr({"q", "k"}) == "['q', 'k']");
  CHECK(pythonListRepr({"it's"}) == "[\"it's\"]");
  CHECK(pythonListRepr({}) == "[]");
  std::ostringstream os;
  writeWrapped(os, "set 1  ", {"aaaa", "bbbb", "cccc"}, true, 17);
  CHECK(os.str() == "set 1  aaaa,\n       bbbb, cccc\n");
}

TEST_CASE("sortByName orders names as std::string does, across 8-byte chunks and sizes") {
  // Names with long shared prefixes, lengths around the 8-byte chunk edges,
  // and enough of them for the radix path (>= 1024 per range).
  std::mt19937 rng(7);
  std::vector<std::string> names;
  const char *prefixes[] = {"", "layer", "layer1.", "features.", "encoder.layers.encoder_layer_"};
  for (int i = 0; i < 6000; ++i) {
    std::string n = prefixes[rng() % 5];
    size_t extra = rng() % 12;
    for (size_t k = 0; k < extra; ++k)
      n += "ab.19z"[rng() % 6];
    names.push_back(n + std::to_string(rng() % 500));
  }
  names.push_back("abcdefgh");  // exactly one chunk
  names.push_back("abcdefgh1"); // the same chunk, then more
  names.push_back("abcdefg");
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<std::pair<std::string_view, uint32_t>> items;
  for (uint32_t i = 0; i < names.size(); ++i)
    items.emplace_back(names[i], i);
  std::shuffle(items.begin(), items.end(), rng);
  sortByName(items);
  REQUIRE(items.size() == names.size());
  bool ordered = true;
  for (uint32_t i = 0; i < items.size(); ++i)
    ordered &= items[i].second == i;
  CHECK(ordered);
}

TEST_CASE("group-dependency results are found by layer name") {
  auto g = parseGraph(
      "graph @g(%x: f32[1,8,4,4]) {\n"
      "  %b: f32[1,8,4,4] = nn.Conv2d(%x) {in_channels = 8, out_channels = 8, groups = 1} module \"b.conv\"\n"
      "  %a: f32[1,8,4,4] = nn.Conv2d(%b) {in_channels = 8, out_channels = 8, groups = 4} module \"a.grouped\"\n"
      "  return %a\n}\n",
      "t.pdir");
  OpRegistry reg = OpRegistry::withBuiltins();
  AnalysisManager am(*g, reg);
  const GroupDependency &dep = am.getResult<GroupDependencyAnalysis>();
  REQUIRE(dep.layers().size() == 2);
  CHECK(dep.layers()[0].layer.str() == "b.conv"); // graph order
  REQUIRE(dep.byName().size() == 2);
  CHECK(dep.layers()[dep.byName()[0]].layer.str() == "a.grouped"); // name order
  const GroupConstraint *b = dep.find(Symbol::get("b.conv"));
  REQUIRE(b != nullptr);
  CHECK(b->divisor == 4);
  CHECK(b->minGroups == 1);
  CHECK(dep.find(Symbol::get("a.grouped"))->minGroups == 4);
  CHECK(dep.find(Symbol::get("nope")) == nullptr);
}
