#include "frontends/torchscript/NameTable.h"

namespace pd::ts {

Symbol NameTable::unique(const std::string &base) {
  if (used_.insert(base).second)
    return Symbol::get(base);
  unsigned &n = nextSuffix_[base];
  while (true) {
    std::string candidate = base + "_" + std::to_string(++n);
    // `base_1` may already exist as a base of its own (a module named so).
    if (used_.insert(candidate).second)
      return Symbol::get(candidate);
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
