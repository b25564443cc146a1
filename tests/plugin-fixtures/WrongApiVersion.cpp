// A plugin built against a future API: must be refused with a message.
#include "passes/core/Plugin.h"

extern "C" __attribute__((visibility("default"))) PrunedepPluginInfo prunedepGetPluginInfo() {
  return {PRUNEDEP_PLUGIN_API_VERSION + 41, "from-the-future", "9.9", nullptr};
}
