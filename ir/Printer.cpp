#include "ir/Printer.h"

#include <llvm/ADT/DenseMap.h>

#include <sys/mman.h>

#include <charconv>
#include <cstdint>

namespace pd {

static bool isPlainNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}

// Appends `%name` (or `@name`) to s, straight from the symbol pool: a
// temporary string per name was a malloc and a copy per operand.
static void appendNameRef(std::string &s, char sigil, std::string_view name) {
  bool plain = !name.empty();
  for (char c : name)
    plain = plain && isPlainNameChar(c);
  s += sigil;
  if (plain)
    s += name;
  else
    appendQuotedString(s, name);
}

static void appendValueRef(std::string &s, const Value *v) { appendNameRef(s, '%', v->name().str()); }

std::string valueRef(const Value *v) {
  std::string s;
  appendValueRef(s, v);
  return s;
}

static void appendNumber(std::string &s, uint32_t n) {
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  s.append(buf, r.ptr);
}

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
    appendValueRef(s, op.result(i));
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
    appendValueRef(s, op.operand(i));
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
    appendQuotedString(s, op.modulePath().str());
  } else if (op.modulePath() || op.moduleType()) {
    s += " scope ";
    appendQuotedString(s, op.modulePath().str());
    s += " : ";
    s += op.moduleType().str();
  }
  if (op.hasSourceLoc()) {
    s += " loc(";
    appendQuotedString(s, op.loc().file.str());
    s += ':';
    appendNumber(s, op.loc().line);
    s += ':';
    appendNumber(s, op.loc().col);
    s += ')';
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
  appendNameRef(s, '@', g.name().str());
  s += '(';
  for (size_t i = 0; i < g.inputs().size(); ++i) {
    if (i)
      s += ", ";
    appendValueRef(s, g.inputs()[i]);
    s += ": ";
    s += g.inputs()[i]->type()->str();
  }
  s += ") {\n";
  AttrTextCache cache;
  size_t ops = 0;
  // Flush in large chunks: one ostream call per op costs more than the text.
  for (const Op &op : g.ops()) {
    prefetchAheadWithResults(op); // the list is a chain of loads from DRAM (Graph.h)
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
    appendValueRef(s, g.outputs()[i]);
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

// A text of tens of MB is memory glibc maps fresh for it, faulted in a 4 KiB
// page at a time as it is written (39,000 faults for the 160 MB text of a
// million ops, where the 16 MB of 100k ops reuse freed heap). Advised for
// transparent huge pages, it faults in 2 MiB at a time.
static void adviseHugePages(std::string &s) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHugePage = uintptr_t(2) << 20;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(s.data()) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(s.data()) + s.capacity()) & ~(kHugePage - 1);
  if (end > begin)
    madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE); // a hint: failure is harmless
#else
  (void)s;
#endif
}

std::string printGraph(const Graph &g) {
  // Built in place, not through an ostringstream (which doubles its buffer by
  // copying and copies the whole text once more at the end: three fresh
  // copies of a 160 MB text for a million ops). The first chunk tells the
  // size per op, so the string is sized once, with a margin, for the rest.
  std::string out;
  printGraphInChunks(g, [&](std::string &chunk, size_t ops) {
    if (out.empty() && ops < g.numOps()) {
      out.reserve(chunk.size() / ops * g.numOps() * 9 / 8 + chunk.size());
      adviseHugePages(out);
    }
    out += chunk;
    chunk.clear();
  });
  return out;
}

} // namespace pd
