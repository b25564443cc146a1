// libFuzzer target: the TOML rule loader. Malformed rules are a pd::Error.
#include "ir/RuleFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  pd::OpRegistry rules = pd::OpRegistry::withBuiltins();
  try {
    pd::loadRules(rules, text, "fuzz.toml");
  } catch (const pd::Error &) {
  }
  return 0;
}
