#include "frontends/torchscript/Lowering.h"

#include "frontends/torchscript/Attributes.h"
#include "frontends/torchscript/FunctionalLayers.h"
#include "frontends/torchscript/LeafAttributes.h"
#include "frontends/torchscript/NameTable.h"
#include "frontends/torchscript/TiedWeights.h"

#include <ATen/core/Tensor.h>
#include <torch/csrc/jit/ir/constants.h>

#include <unordered_map>

namespace pd::ts {
namespace {

using torch::jit::Node;
using TValue = torch::jit::Value;
namespace prim = c10::prim;
namespace aten = c10::aten;

// What a TorchScript value became.
struct Lowered {
  enum class Kind {
    Unknown,     // not known (yet): using it is an error
    Tensor,      // an IR value
    Const,       // a known non-tensor value (or a 0-dim size tensor)
    Module,      // a submodule, by path
    Param,       // a parameter/buffer, by path; an op is made on first use
    ConstTensor, // a tensor constant; an op is made on first use
    Aggregate,   // a list/tuple/dict of lowered values
  };
  Kind kind = Kind::Unknown;
  Value *value = nullptr;
  c10::IValue constant;           // Const; the tensor of Param/ConstTensor; Module: its object
  std::string path;               // Module, Param
  std::vector<Lowered> elements;  // Aggregate
  std::vector<c10::IValue> keys;  // Aggregate built from a dict
  const TValue *origin = nullptr; // ConstTensor: the constant's value

  static Lowered tensor(Value *v) {
    Lowered l;
    l.kind = Kind::Tensor;
    l.value = v;
    return l;
  }
  static Lowered constantOf(c10::IValue v) {
    Lowered l;
    l.kind = Kind::Const;
    l.constant = std::move(v);
    return l;
  }
  bool holdsTensor() const {
    if (kind == Kind::Tensor || kind == Kind::Param || kind == Kind::ConstTensor)
      return true;
    for (const Lowered &e : elements)
      if (e.holdsTensor())
        return true;
    return false;
  }
};

const Type *tensorType(const at::Tensor &t) {
  return Type::tensor(toDType(t.scalar_type()), t.sizes().vec());
}

class Lowerer {
public:
  Lowerer(const InlinedForward &fwd, const Recording &rec, std::vector<std::string> &warnings)
      : fwd_(fwd), rec_(rec), warnings_(warnings), g_(std::make_unique<Graph>()), storedUses_(fwd) {}

  std::unique_ptr<Graph> run(const std::string &name) {
    g_->setName(Symbol::get(name));
    const torch::jit::Graph &tg = *fwd_.graph;
    Lowered self;
    self.kind = Lowered::Kind::Module; // the root module, path ""
    self.constant = fwd_.root._ivalue();
    map_[tg.inputs()[0]] = self;
    for (size_t i = 1; i < tg.inputs().size(); ++i) {
      const TValue *in = tg.inputs()[i];
      if (const TensorFacts *f = rec_.tensor(in))
        map_[in] = Lowered::tensor(g_->addInput(names_.unique("input"), typeOf(*f)));
      else if (const c10::IValue *v = rec_.value(in)) // an argument left at its default
        map_[in] = Lowered::constantOf(*v);
      else
        throw Error("forward argument '" + in->debugNameBase() + "' has no recorded value");
    }
    for (const Node *n : fwd_.nodes())
      lowerNode(n);
    markTiedWeights(*g_, [this](const Op &op) { return storedTensorOf(op); });
    std::vector<Value *> outs;
    for (const TValue *o : tg.outputs())
      collectOutputs(get(o, tg.return_node()), outs);
    if (outs.empty())
      throw Error("the model returns no tensor");
    g_->setOutputs(std::move(outs));
    return std::move(g_);
  }

private:
  [[noreturn]] void fail(const Node *n, const std::string &msg) const {
    std::string where = fwd_.describeScope(n);
    Location loc = sourceLocation(n);
    if (loc.known())
      where += " at " + loc.str();
    throw Error("cannot lower " + std::string(n->kind().toQualString()) + " in " + where + ": " + msg);
  }

  static const Type *typeOf(const TensorFacts &f) { return Type::tensor(toDType(f.dtype), f.shape); }

  // What `v` (an input of `user`, resolved here: InlinedForward::resolve)
  // became.
  const Lowered &get(const TValue *v, const Node *user) {
    v = fwd_.resolve(v);
    auto it = map_.find(v);
    if (it == map_.end() || it->second.kind == Lowered::Kind::Unknown)
      fail(user, "its input '%" + v->debugName() + "' (" + v->type()->repr_str() +
                     ") has no known value: it depends on something the shape run could not record");
    return it->second;
  }

  // Found from the parent's module, itself cached: one attribute lookup per
  // module instead of a walk from the root per layer call.
  torch::jit::Module moduleAt(const std::string &path) {
    auto it = modules_.find(path);
    if (it != modules_.end())
      return it->second;
    size_t dot = path.rfind('.');
    torch::jit::Module m =
        dot == std::string::npos
            ? fwd_.moduleAt(path)
            : torch::jit::Module(moduleAt(path.substr(0, dot)).attr(path.substr(dot + 1)).toObject());
    return modules_.emplace(path, m).first->second;
  }

  // A layer op's `weight`, or a prim::Parameter's tensor (markTiedWeights).
  std::optional<at::Tensor> storedTensorOf(const Op &op) {
    if (op.isModuleCall()) {
      torch::jit::Module m = moduleAt(std::string(op.modulePath().str()));
      if (m.hasattr("weight") && m.attr("weight").isTensor())
        return m.attr("weight").toTensor();
      return std::nullopt;
    }
    const Attribute *name = op.attr("name");
    if (op.numResults() != 1 || !name || !name->isStr())
      return std::nullopt;
    auto it = paramTensors_.find(name->getStr());
    return it == paramTensors_.end() ? std::nullopt : std::optional<at::Tensor>(it->second);
  }

  // Whether `l` is one of `module`'s own tensors passed to its forward: the
  // tracer passes a weight shared with another module (a tied lm_head) as
  // an argument. It is the layer's weight, not an operand.
  static bool isOwnTensor(const Lowered &l, const torch::jit::Module &module) {
    if (l.kind != Lowered::Kind::Param)
      return false;
    const at::Tensor &t = l.constant.toTensor();
    for (const torch::jit::NameTensor &own : module.named_parameters(/*recurse=*/false))
      if (sameTensorData(own.value, t))
        return true;
    for (const torch::jit::NameTensor &own : module.named_buffers(/*recurse=*/false))
      if (sameTensorData(own.value, t))
        return true;
    return false;
  }

  void setScope(Op *op, const Node *n) {
    const ModuleScope &s = fwd_.scopeOf(n);
    op->setModule(Symbol::get(s.path), Symbol::get(s.type));
    Location loc = sourceLocation(n);
    if (loc.known())
      op->setLoc(loc, true);
  }

  // The IR value of a tensor-like lowered value, making the op that defines
  // a parameter or a tensor constant on first use.
  Value *materialize(const Lowered &l, const Node *user) {
    switch (l.kind) {
    case Lowered::Kind::Tensor:
      return l.value;
    case Lowered::Kind::Param: {
      auto it = params_.find(l.path);
      if (it != params_.end())
        return it->second;
      const at::Tensor &t = l.constant.toTensor();
      Op *op = g_->createOp(Symbol::get("prim::Parameter"), {},
                            {{names_.unique(l.path), tensorType(t)}});
      op->setAttr(Symbol::get("name"), Attribute(l.path));
      size_t dot = l.path.rfind('.');
      std::string owner = dot == std::string::npos ? std::string() : l.path.substr(0, dot);
      op->setModule(Symbol::get(owner), Symbol::get(shortTypeName(moduleAt(owner).type())));
      paramTensors_[l.path] = t;
      return params_[l.path] = op->result();
    }
    case Lowered::Kind::ConstTensor: {
      auto it = constants_.find(l.origin);
      if (it != constants_.end())
        return it->second;
      const at::Tensor &t = l.constant.toTensor();
      const Node *def = l.origin->node();
      Op *op = g_->createOp(Symbol::get("prim::Constant"), {},
                            {{names_.unique(joinPath(fwd_.scopeOf(def).path, "constant")),
                              tensorType(t)}});
      setScope(op, def);
      return constants_[l.origin] = op->result();
    }
    default:
      fail(user, "expected a tensor operand");
    }
  }

  // Tensor leaves of `l` as operands; for a mixed list (aten::index's
  // [None, idx]) the returned attribute keeps the non-tensor elements with
  // "operand" where a tensor went.
  std::optional<Attribute> addOperands(const Lowered &l, const Node *user,
                                       llvm::SmallVectorImpl<Value *> &operands) {
    if (l.kind != Lowered::Kind::Aggregate) {
      operands.push_back(materialize(l, user));
      return std::nullopt;
    }
    Attribute::List shape;
    bool mixed = false;
    for (const Lowered &e : l.elements) {
      if (e.holdsTensor()) {
        auto inner = addOperands(e, user, operands);
        shape.push_back(inner ? *inner : Attribute("operand"));
        mixed |= inner.has_value();
      } else {
        shape.push_back(attributeOf(e, user));
        mixed = true;
      }
    }
    if (!mixed)
      return std::nullopt;
    return Attribute(std::move(shape));
  }

  // Whether an input of `n` after input `i` holds a tensor (looked up without
  // failing: an input without a value fails where the caller reaches it).
  bool tensorArgumentAfter(const Node *n, size_t i) const {
    for (size_t k = i + 1; k < n->inputs().size(); ++k) {
      auto it = map_.find(fwd_.resolve(n->input(k)));
      if (it != map_.end() && it->second.holdsTensor())
        return true;
    }
    return false;
  }

  // A list of tensors flattened into operands ends where the next tensor
  // argument begins only if its length is known: when tensors follow it
  // (aten::lstm's hx before its params), the list is also recorded as an
  // attribute with "operand" per tensor, as a mixed list is.
  static Attribute operandMarkers(size_t count) {
    return Attribute(Attribute::List(count, Attribute("operand")));
  }

  Attribute attributeOf(const Lowered &l, const Node *user) {
    if (l.kind == Lowered::Kind::Const) {
      if (auto a = toAttribute(l.constant))
        return *a;
      fail(user, "a constant argument of type " + l.constant.tagKind() + " has no attribute form");
    }
    if (l.kind == Lowered::Kind::Aggregate) {
      Attribute::List out;
      for (const Lowered &e : l.elements)
        out.push_back(attributeOf(e, user));
      return Attribute(std::move(out));
    }
    fail(user, "expected a constant argument");
  }

  // Results for a recorded value holding tensors (a list from aten::chunk, a
  // tuple from a module): one result per tensor, the structure kept. The
  // Tensor leaves get their IR values in bindResults once the op exists.
  Lowered declareResults(const c10::IValue &v, const std::string &base,
                         std::vector<std::pair<Symbol, const Type *>> &results) {
    if (v.isTensor()) {
      results.push_back({names_.unique(base), tensorType(v.toTensor())});
      Lowered l;
      l.kind = Lowered::Kind::Tensor;
      return l;
    }
    if (v.isList() || v.isTuple()) {
      Lowered agg;
      agg.kind = Lowered::Kind::Aggregate;
      auto elems = v.isList() ? v.toListRef().vec() : v.toTupleRef().elements().vec();
      for (const c10::IValue &e : elems)
        agg.elements.push_back(declareResults(e, base, results));
      return agg;
    }
    return Lowered::constantOf(v);
  }

  // Links the Tensor leaves of `l` (in order) to the op's results.
  void bindResults(Lowered &l, Op *op, size_t &next) {
    if (l.kind == Lowered::Kind::Tensor && !l.value) {
      l.value = op->result(next++);
    } else if (l.kind == Lowered::Kind::Aggregate) {
      for (Lowered &e : l.elements)
        bindResults(e, op, next);
    }
  }

  // The outputs of an op node: tensors become results, the rest constants.
  std::vector<Lowered> declareOutputs(const Node *n, const std::string &base,
                                      std::vector<std::pair<Symbol, const Type *>> &results) {
    std::vector<Lowered> outs;
    for (const TValue *o : n->outputs()) {
      const TensorFacts *f = o->type()->kind() == c10::TypeKind::TensorType ? rec_.tensor(o) : nullptr;
      if (f) {
        results.push_back({names_.unique(base), typeOf(*f)});
        Lowered l;
        l.kind = Lowered::Kind::Tensor;
        outs.push_back(l);
      } else if (const c10::IValue *v = rec_.value(o)) {
        outs.push_back(declareResults(*v, base, results));
      } else {
        outs.push_back(Lowered()); // unknown: an error only if used
      }
    }
    return outs;
  }

  void finishOutputs(const Node *n, Op *op, std::vector<Lowered> &outs) {
    size_t next = 0;
    for (size_t i = 0; i < outs.size(); ++i) {
      bindResults(outs[i], op, next);
      map_[n->outputs()[i]] = std::move(outs[i]);
    }
  }

  void lowerLeafCall(const Node *n) {
    // The module value carries its object and path (lowerGetAttr): no
    // lookup by path per call.
    const Lowered &callee = get(n->input(0), n);
    if (callee.kind != Lowered::Kind::Module)
      fail(n, "cannot tell which module is called");
    const std::string &path = callee.path;
    torch::jit::Module module(callee.constant.toObject());
    auto cls = n->input(0)->type()->cast<c10::ClassType>();
    std::string type = shortTypeName(cls);
    const std::string &method = n->s(c10::attr::name);

    llvm::SmallVector<Value *, 2> operands;
    std::vector<NamedAttribute> callArgs;
    const auto &schemaArgs = cls->getMethod(method).getSchema().arguments();
    for (size_t i = 1; i < n->inputs().size(); ++i) {
      const Lowered &l = get(n->input(i), n);
      std::string argName = i < schemaArgs.size() ? schemaArgs[i].name() : "arg" + std::to_string(i);
      if (isOwnTensor(l, module))
        continue;
      if (l.holdsTensor()) {
        if (auto a = addOperands(l, n, operands))
          callArgs.push_back({Symbol::get(argName), *a});
      } else {
        callArgs.push_back({Symbol::get(argName), attributeOf(l, n)});
      }
    }
    const std::vector<int64_t> *inShape =
        operands.empty() ? nullptr : &operands.front()->type()->shape();
    std::vector<NamedAttribute> attrs = leafAttributes(module, type, method, inShape);

    std::vector<std::pair<Symbol, const Type *>> results;
    std::vector<Lowered> outs = declareOutputs(n, path, results);
    Op *op = g_->createOp(moduleOpKind(type), operands, results);
    attrs.insert(attrs.end(), callArgs.begin(), callArgs.end()); // the call's arguments win
    op->mergeAttrs(attrs);
    op->setModule(Symbol::get(path), Symbol::get(type));
    op->setModuleCall(true);
    Location loc = sourceLocation(n);
    if (loc.known())
      op->setLoc(loc, true);
    finishOutputs(n, op, outs);
  }

  void lowerFunctionOp(const Node *n) {
    llvm::SmallVector<Value *, 2> operands;
    std::vector<NamedAttribute> attrs;
    const c10::FunctionSchema *schema = n->maybeSchema();
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const Lowered &l = get(n->input(i), n);
      std::string argName = schema && i < schema->arguments().size() ? schema->arguments()[i].name()
                                                                     : "arg" + std::to_string(i);
      if (l.kind == Lowered::Kind::Module)
        fail(n, "a module is passed to it as '" + argName + "'");
      if (l.holdsTensor()) {
        size_t first = operands.size();
        if (auto a = addOperands(l, n, operands))
          attrs.push_back({Symbol::get(argName), *a});
        else if (l.kind == Lowered::Kind::Aggregate && tensorArgumentAfter(n, i))
          attrs.push_back({Symbol::get(argName), operandMarkers(operands.size() - first)});
      } else if (schema && i < schema->arguments().size() &&
                 isDTypeArgument(schema->arguments()[i].real_type()) && l.constant.isInt()) {
        attrs.push_back({Symbol::get(argName), dtypeAttribute(l.constant.toInt())});
      } else {
        attrs.push_back({Symbol::get(argName), attributeOf(l, n)});
      }
    }
    std::string base = joinPath(fwd_.scopeOf(n).path, shortKind(n->kind().toQualString()));
    std::vector<std::pair<Symbol, const Type *>> results;
    std::vector<Lowered> outs = declareOutputs(n, base, results);
    Op *op = g_->createOp(Symbol::get(n->kind().toQualString()), operands, results);
    op->mergeAttrs(attrs);
    setScope(op, n);
    finishOutputs(n, op, outs);
  }

  // What `l` is, for matchFunctionalLayer.
  static CallArg callArg(const Lowered &l) {
    CallArg a;
    switch (l.kind) {
    case Lowered::Kind::Tensor:
      a.kind = CallArg::Kind::Tensor;
      a.rank = static_cast<int64_t>(l.value->type()->shape().size());
      break;
    case Lowered::Kind::ConstTensor:
      a.kind = CallArg::Kind::Tensor;
      a.rank = l.constant.toTensor().dim();
      break;
    case Lowered::Kind::Param:
      a.kind = CallArg::Kind::Stored;
      a.path = l.path;
      a.stored = l.constant.toTensor();
      a.rank = a.stored.dim();
      break;
    case Lowered::Kind::Const:
      a.kind = l.constant.isNone() ? CallArg::Kind::None : CallArg::Kind::Other;
      a.value = l.constant;
      break;
    default:
      break;
    }
    return a;
  }

  // The attribute form of a constant (or a list of constants); nullopt
  // otherwise.
  static std::optional<Attribute> constantAttribute(const Lowered &l) {
    if (l.kind == Lowered::Kind::Const)
      return toAttribute(l.constant);
    if (l.kind != Lowered::Kind::Aggregate || !l.keys.empty())
      return std::nullopt;
    Attribute::List out;
    for (const Lowered &e : l.elements) {
      std::optional<Attribute> a = constantAttribute(e);
      if (!a)
        return std::nullopt;
      out.push_back(std::move(*a));
    }
    return Attribute(std::move(out));
  }

  // A function op that is a module's layer used through its tensors
  // (FunctionalLayers.h) becomes that layer's module op. False when `n` is
  // no such op.
  bool lowerFunctionalLayer(const Node *n) {
    std::vector<CallArg> args;
    for (const TValue *in : n->inputs()) {
      auto it = map_.find(fwd_.resolve(in));
      if (it == map_.end())
        return false; // lowerFunctionOp reports it
      args.push_back(callArg(it->second));
    }
    std::optional<FunctionalLayer> layer = matchFunctionalLayer(n, args, fwd_, storedUses_);
    if (!layer)
      return false;
    torch::jit::Module module = moduleAt(layer->path);
    Value *data = materialize(get(n->input(layer->dataArg), n), n);
    const std::vector<int64_t> *inShape = &data->type()->shape();
    ArgValue argValue = [this](const TValue *v) -> std::optional<Attribute> {
      auto it = map_.find(fwd_.resolve(v));
      return it == map_.end() ? std::nullopt : constantAttribute(it->second);
    };
    std::vector<NamedAttribute> attrs = functionalLayerAttributes(module, layer->type, n, argValue, inShape);
    if (layer->transposedWeight)
      attrs = transposedLinearAttributes(module);
    // A module of the layer's own type with a forward of its own: the
    // verifier runs that forward, so it must compute what this call does.
    if (shortTypeName(module.type()) == layer->type && module.find_method("forward") &&
        leafAttributes(module, layer->type, "forward", inShape) != attrs)
      return false;

    std::vector<std::pair<Symbol, const Type *>> results;
    std::vector<Lowered> outs = declareOutputs(n, layer->path, results);
    Op *op = g_->createOp(moduleOpKind(layer->type), {data}, results);
    op->mergeAttrs(attrs);
    op->setModule(Symbol::get(layer->path), Symbol::get(layer->type));
    op->setModuleCall(true);
    Location loc = sourceLocation(n);
    if (loc.known())
      op->setLoc(loc, true);
    finishOutputs(n, op, outs);
    return true;
  }

  // A dtype argument (aten::to's dtype) is an int code in TorchScript; we
  // spell it as the text format does ("f32"), which says what it means.
  static bool isDTypeArgument(const c10::TypePtr &t) {
    if (t->kind() == c10::TypeKind::OptionalType)
      return isDTypeArgument(t->containedTypes()[0]);
    return t->kind() == c10::TypeKind::ScalarTypeType;
  }
  static Attribute dtypeAttribute(int64_t code) {
    try {
      return Attribute(std::string(dtypeName(toDType(static_cast<c10::ScalarType>(code)))));
    } catch (const Error &) {
      return Attribute(code); // a dtype the IR has no name for: keep the code
    }
  }

  void lowerConstant(const Node *n) {
    const TValue *out = n->output();
    auto v = torch::jit::toIValue(out);
    if (!v) {
      map_[out] = Lowered();
      return;
    }
    if (v->isTensor() && v->toTensor().dim() != 0) {
      Lowered l;
      l.kind = Lowered::Kind::ConstTensor;
      l.constant = *v;
      l.origin = out;
      map_[out] = std::move(l);
      return;
    }
    map_[out] = Lowered::constantOf(*v);
  }

  void lowerGetAttr(const Node *n) {
    const Lowered &owner = get(n->input(), n);
    const std::string &name = n->s(c10::attr::name);
    Lowered l;
    if (owner.kind == Lowered::Kind::Module) {
      c10::IValue v = owner.constant.toObjectRef().getAttr(name);
      std::string path = joinPath(owner.path, name);
      if (v.isObject() && v.toObjectRef().type()->is_module()) {
        l.kind = Lowered::Kind::Module;
        l.path = std::move(path);
        l.constant = std::move(v);
      } else if (v.isTensor()) {
        l.kind = Lowered::Kind::Param;
        l.path = path;
        l.constant = v;
      } else {
        l = Lowered::constantOf(v);
      }
    } else if (owner.kind == Lowered::Kind::Const && owner.constant.isObject()) {
      l = Lowered::constantOf(owner.constant.toObject()->getAttr(name));
    } else {
      fail(n, "attribute '" + name + "' read from something that is not a module");
    }
    map_[n->output()] = std::move(l);
  }

  static int64_t normalizeIndex(int64_t i, size_t size) {
    return i < 0 ? i + static_cast<int64_t>(size) : i;
  }

  // prim::TupleIndex / aten::__getitem__ on a list/tuple/dict we built.
  bool lowerIndex(const Node *n) {
    const Lowered &c = get(n->input(0), n);
    if (c.kind != Lowered::Kind::Aggregate)
      return false;
    const Lowered &key = get(n->input(1), n);
    if (key.kind != Lowered::Kind::Const)
      fail(n, "the index is not known");
    if (!c.keys.empty()) {
      for (size_t i = 0; i < c.keys.size(); ++i)
        if (c.keys[i] == key.constant) {
          map_[n->output()] = c.elements[i];
          return true;
        }
      fail(n, "key not found in the dict");
    }
    if (!key.constant.isInt())
      fail(n, "the index is not an int");
    int64_t i = normalizeIndex(key.constant.toInt(), c.elements.size());
    if (i < 0 || i >= static_cast<int64_t>(c.elements.size()))
      fail(n, "index out of range");
    map_[n->output()] = c.elements[i];
    return true;
  }

  void lowerUnpack(const Node *n) {
    const Lowered &c = get(n->input(), n);
    if (c.kind == Lowered::Kind::Aggregate) {
      if (c.elements.size() != n->outputs().size())
        fail(n, "unpacks " + std::to_string(n->outputs().size()) + " values from " +
                    std::to_string(c.elements.size()));
      for (size_t i = 0; i < n->outputs().size(); ++i)
        map_[n->outputs()[i]] = c.elements[i];
      return;
    }
    if (c.kind == Lowered::Kind::Const) {
      const c10::IValue &v = c.constant;
      auto elems = v.isList() ? v.toListRef().vec()
                              : v.isTuple() ? v.toTupleRef().elements().vec() : std::vector<c10::IValue>{};
      if (elems.size() != n->outputs().size())
        fail(n, "cannot unpack the constant");
      for (size_t i = 0; i < elems.size(); ++i)
        map_[n->outputs()[i]] = Lowered::constantOf(elems[i]);
      return;
    }
    fail(n, "unpacks something that is not a list or tuple");
  }

  void lowerAggregate(const Node *n, bool dict) {
    Lowered agg;
    agg.kind = Lowered::Kind::Aggregate;
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const Lowered &e = get(n->input(i), n);
      if (dict && i % 2 == 0) {
        if (e.kind != Lowered::Kind::Const)
          fail(n, "a dict key is not a constant");
        agg.keys.push_back(e.constant);
      } else {
        agg.elements.push_back(e);
      }
    }
    map_[n->output()] = std::move(agg);
  }

  // Scripted code builds lists by mutation (DenseNet: features.append(new)).
  // TorchScript values are not SSA for lists, so the list we built is
  // updated in place: later readers of the same list value see the element.
  void lowerAppend(const Node *n) {
    Lowered element = get(n->input(1), n);
    auto it = map_.find(fwd_.input(n, 0));
    if (it == map_.end() || it->second.kind != Lowered::Kind::Aggregate)
      fail(n, "appends to a list that was not built in the forward");
    it->second.elements.push_back(std::move(element));
    map_[n->output()] = it->second;
  }

  void lowerNode(const Node *n) {
    c10::Symbol k = n->kind();
    if (k == prim::Constant)
      return lowerConstant(n);
    if (k == prim::Uninitialized) {
      map_[n->output()] = Lowered(); // only a raising branch would read it
      return;
    }
    if (k == prim::GetAttr)
      return lowerGetAttr(n);
    if (k == prim::CallMethod) {
      if (fwd_.isLeafCall(n))
        return lowerLeafCall(n);
      fail(n, "a method call left after inlining");
    }
    if (k == prim::ListConstruct || k == prim::TupleConstruct)
      return lowerAggregate(n, false);
    if (k == prim::DictConstruct)
      return lowerAggregate(n, true);
    if (k == prim::ListUnpack || k == prim::TupleUnpack)
      return lowerUnpack(n);
    if ((k == prim::TupleIndex || k == aten::__getitem__) && lowerIndex(n))
      return;
    if (k == aten::append)
      return lowerAppend(n);
    if (k == prim::unchecked_cast || k == aten::list) {
      map_[n->output()] = get(n->input(0), n);
      return;
    }
    if (k == prim::If)
      fail(n, "its condition depends on data the shape run could not fix (only branches whose "
              "condition is known are lowered)");
    if (k == prim::Loop)
      fail(n, "loops are not lowered (trace the model with torch.jit.trace to unroll it)");
    if (k == prim::CallFunction || k == prim::PythonOp)
      fail(n, "calls that cannot be inlined are not supported");

    bool producesTensor = false, onlySizeScalars = true;
    for (const TValue *o : n->outputs()) {
      if (!containsTensor(o->type()))
        continue;
      producesTensor = true;
      onlySizeScalars &= rec_.isSizeScalar(o);
    }
    if (!producesTensor || onlySizeScalars) {
      // Plumbing: sizes, flags, size arithmetic. The run knows the values.
      for (const TValue *o : n->outputs()) {
        const c10::IValue *v = rec_.value(o);
        map_[o] = v ? Lowered::constantOf(*v) : Lowered();
      }
      return;
    }
    if (lowerFunctionalLayer(n))
      return;
    lowerFunctionOp(n);
  }

  void collectOutputs(const Lowered &l, std::vector<Value *> &outs) {
    switch (l.kind) {
    case Lowered::Kind::Aggregate:
      for (const Lowered &e : l.elements)
        collectOutputs(e, outs);
      return;
    case Lowered::Kind::Const:
      warnings_.push_back("a model output is the constant " +
                          (toAttribute(l.constant) ? toAttribute(l.constant)->str()
                                                   : l.constant.tagKind()) +
                          ", not a tensor: it is not a graph output");
      return;
    default:
      outs.push_back(materialize(l, fwd_.graph->return_node()));
    }
  }

  const InlinedForward &fwd_;
  const Recording &rec_;
  std::vector<std::string> &warnings_;
  std::unique_ptr<Graph> g_;
  NameTable names_;
  std::unordered_map<const TValue *, Lowered> map_;
  std::unordered_map<std::string, Value *> params_;
  std::unordered_map<std::string, at::Tensor> paramTensors_;
  std::unordered_map<const TValue *, Value *> constants_;
  std::unordered_map<std::string, torch::jit::Module> modules_;
  StoredTensorUses storedUses_;
};

} // namespace

std::unique_ptr<Graph> lowerToIR(const InlinedForward &fwd, const Recording &rec,
                                 const std::string &graphName, std::vector<std::string> &warnings) {
  Lowerer l(fwd, rec, warnings);
  return l.run(graphName);
}

} // namespace pd::ts
