#include "frontends/torchscript/NameTable.h"

namespace pd::ts {

Symbol NameTable::unique(const std::string &base) {
  Symbol b = Symbol::get(base);
  if (used_.insert(b.id()).second)
    return b;
  unsigned &n = nextSuffix_[b.id()];
  while (true) {
    Symbol candidate = Symbol::get(base + "_" + std::to_string(++n));
    // `base_1` may already exist as a base of its own (a module named so).
    if (used_.insert(candidate.id()).second)
      return candidate;
  }
}

std::string shortKind(std::string_view kind) {
  size_t colon = kind.rfind("::");
  std::string_view s = colon == std::string_view::npos ? kind : kind.substr(colon + 2);
  while (!s.empty() && s.front() == '_')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == '_')
    s.remove_suffix(1);
  return s.empty() ? std::string("op") : std::string(s);
}

std::string joinPath(std::string_view scope, std::string_view leaf) {
  std::string s(scope);
  if (!s.empty() && !leaf.empty())
    s += '.';
  s += leaf;
  return s;
}

} // namespace pd::ts
