#include "ir/Printer.h"

#include <sstream>

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

static void printOpTo(const Op &op, std::string &s) {
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
    s += " {";
    bool first = true;
    for (const NamedAttribute &a : op.attrs()) {
      if (!first)
        s += ", ";
      first = false;
      s += a.name.str();
      s += " = ";
      s += a.value.str();
    }
    s += '}';
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
  printOpTo(op, s);
  return s;
}

void printGraph(const Graph &g, std::ostream &os) {
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
  os << s;
  for (const Op &op : g.ops()) {
    s.assign("  ");
    printOpTo(op, s);
    s += '\n';
    os << s;
  }
  s.assign("  return");
  for (size_t i = 0; i < g.outputs().size(); ++i) {
    s += i ? ", " : " ";
    s += valueRef(g.outputs()[i]);
  }
  s += "\n}\n";
  os << s;
}

std::string printGraph(const Graph &g) {
  std::ostringstream os;
  printGraph(g, os);
  return os.str();
}

} // namespace pd
