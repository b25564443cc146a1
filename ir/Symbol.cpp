#include "ir/Symbol.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/Support/Allocator.h>

#include <vector>

namespace pd {
namespace {
// One process-wide pool. Strings live in a bump allocator so the views handed
// out by str() stay valid for the process lifetime.
struct Pool {
  llvm::BumpPtrAllocator arena;
  llvm::StringMap<uint32_t, llvm::BumpPtrAllocator &> index{arena};
  std::vector<std::string_view> texts{std::string_view()};
  Pool() { index.try_emplace("", 0); }
};
Pool &pool() {
  static Pool p;
  return p;
}
} // namespace

Symbol Symbol::get(std::string_view text) {
  Pool &p = pool();
  auto [it, inserted] = p.index.try_emplace(llvm::StringRef(text.data(), text.size()),
                                            static_cast<uint32_t>(p.texts.size()));
  if (inserted)
    p.texts.emplace_back(it->getKeyData(), it->getKeyLength());
  return Symbol(it->second);
}

Symbol Symbol::lookup(std::string_view text) {
  Pool &p = pool();
  auto it = p.index.find(llvm::StringRef(text.data(), text.size()));
  return it == p.index.end() ? Symbol() : Symbol(it->second);
}

std::string_view Symbol::str() const { return pool().texts[id_]; }

} // namespace pd
