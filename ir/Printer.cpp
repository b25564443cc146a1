#include "ir/Printer.h"

#include <llvm/ADT/DenseMap.h>

namespace pd {

static bool isPlainNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}

static std::string nameRef(char sigil, std::string_view name) {
  bool plain = !name.empty();
  for (char c : name)
    plain = plain && isPlainNameChar(c);
  std::string s(1, sigil);
  if (plain)
    s += name;
  else
    s += quoteString(std::string(name));
  return s;
}

std::string valueRef(const Value *v) { return nameRef('%', v->name().str()); }

// Attribute lists are interned and shared by many ops: print each once.
using AttrTextCache = llvm::DenseMap<const AttributeList *, std::string>;

static void appendAttributes(const AttributeList &attrs, std::string &s) {
  s += " {";
  bool first = true;
  for (const NamedAttribute &a : attrs) {
    if (!first)
      s += ", ";
    first = false;
    s += a.name.str();
    s += " = ";
    s += a.value.str();
  }
  s += '}';
}

static void printOpTo(const Op &op, std::string &s, AttrTextCache *cache) {
  for (unsigned i = 0; i < op.numResults(); ++i) {
    if (i)
      s += ", ";
    s += valueRef(op.result(i));
    s += ": ";
    s += op.result(i)->type()->str();
  }
  if (op.numResults())
    s += " = ";
  s += op.kind().str();
  s += '(';
  for (unsigned i = 0; i < op.numOperands(); ++i) {
    if (i)
      s += ", ";
    s += valueRef(op.operand(i));
  }
  s += ')';
  if (!op.attrs().empty()) {
    if (cache) {
      auto [it, inserted] = cache->try_emplace(&op.attrs());
      if (inserted)
        appendAttributes(op.attrs(), it->second);
      s += it->second;
    } else {
      appendAttributes(op.attrs(), s);
    }
  }
  if (op.isModuleCall()) {
    s += " module ";
    s += quoteString(std::string(op.modulePath().str()));
  } else if (op.modulePath() || op.moduleType()) {
    s += " scope ";
    s += quoteString(std::string(op.modulePath().str()));
    s += " : ";
    s += op.moduleType().str();
  }
  if (op.hasSourceLoc()) {
    s += " loc(";
    s += quoteString(std::string(op.loc().file.str()));
    s += ':' + std::to_string(op.loc().line) + ':' + std::to_string(op.loc().col) + ')';
  }
}

std::string printOp(const Op &op) {
  std::string s;
  printOpTo(op, s, nullptr);
  return s;
}

// Prints the graph in chunks of about 64 KiB: `flush(text, opsSoFar)`
// takes each chunk (and must empty it), so no copy of the whole text is held
// before it goes where it is going.
template <typename Flush> static void printGraphInChunks(const Graph &g, Flush &&flush) {
  std::string s;
  s.reserve(128);
  s += "graph ";
  s += nameRef('@', g.name().str());
  s += '(';
  for (size_t i = 0; i < g.inputs().size(); ++i) {
    if (i)
      s += ", ";
    s += valueRef(g.inputs()[i]);
    s += ": ";
    s += g.inputs()[i]->type()->str();
  }
  s += ") {\n";
  AttrTextCache cache;
  size_t ops = 0;
  // Flush in large chunks: one ostream call per op costs more than the text.
  for (const Op &op : g.ops()) {
    s += "  ";
    printOpTo(op, s, &cache);
    s += '\n';
    ++ops;
    if (s.size() > (1 << 16))
      flush(s, ops);
  }
  s += "  return";
  for (size_t i = 0; i < g.outputs().size(); ++i) {
    s += i ? ", " : " ";
    s += valueRef(g.outputs()[i]);
  }
  s += "\n}\n";
  flush(s, ops);
}

void printGraph(const Graph &g, std::ostream &os) {
  printGraphInChunks(g, [&](std::string &chunk, size_t) {
    os << chunk;
    chunk.clear();
  });
}

std::string printGraph(const Graph &g) {
  // Built in place, not through an ostringstream (which doubles its buffer by
  // copying and copies the whole text once more at the end: three fresh
  // copies of a 160 MB text for a million ops). The first chunk tells the
  // size per op, so the string is sized once, with a margin, for the rest.
  std::string out;
  printGraphInChunks(g, [&](std::string &chunk, size_t ops) {
    if (out.empty() && ops < g.numOps())
      out.reserve(chunk.size() / ops * g.numOps() * 9 / 8 + chunk.size());
    out += chunk;
    chunk.clear();
  });
  return out;
}

} // namespace pd
