#include "tools/prunedep/DefaultModel.h"

#include "tools/common/ModuleLoader.h"

namespace pd {

std::string defaultModelPath() {
  // Build tree: traced by tests/models; installed: share/prunedep.
  return findBesideExecutable("resnet18.pt", {"../../tests/models", "../share/prunedep"},
                              "the built-in model");
}

} // namespace pd
