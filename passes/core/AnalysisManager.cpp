#include "passes/core/AnalysisManager.h"

namespace pd {

void AnalysisManager::invalidate(const PreservedAnalyses &pa) {
  if (pa.areAllPreserved())
    return;
  for (auto &entry : cache_)
    if (!pa.isPreserved(entry.first))
      entry.second.reset();
}

void AnalysisManager::recordTime(const char *name, std::chrono::steady_clock::duration d) {
  double s = std::chrono::duration<double>(d).count();
  for (Timing &t : times_)
    if (t.name == name) {
      t.seconds += s;
      return;
    }
  times_.push_back({name, s});
}

} // namespace pd
