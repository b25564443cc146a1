// libFuzzer target: the pass-pipeline text parser and pass construction.
#include "passes/PassRegistry.h"
#include "passes/Pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const pd::PassRegistry passes = pd::PassRegistry::withBuiltins();
  std::string_view text(reinterpret_cast<const char *>(data), size);
  try {
    pd::buildPipeline(text, passes);
  } catch (const pd::Error &) {
  }
  return 0;
}
