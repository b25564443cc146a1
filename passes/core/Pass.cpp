#include "passes/core/Pass.h"

namespace pd {

const std::string &PassOptions::get(std::string_view key) const {
  for (const auto &kv : items_)
    if (kv.first == key)
      return kv.second;
  static const std::string empty;
  return empty;
}

void PassOptions::set(std::string key, std::string value) {
  for (auto &kv : items_)
    if (kv.first == key) {
      kv.second = std::move(value);
      return;
    }
  items_.emplace_back(std::move(key), std::move(value));
}

void addResult(PassContext &ctx, const Pass &pass, std::unique_ptr<PassResult> result) {
  result->pass = pass.name();
  result->options = pass.options();
  ctx.results.push_back(std::move(result));
}

} // namespace pd
