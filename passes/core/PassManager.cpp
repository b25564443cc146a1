#include "passes/core/PassManager.h"

#include "ir/Printer.h"
#include "ir/Verifier.h"

#include <chrono>

namespace pd {

void PassManager::run(Graph &g, AnalysisManager &am, PassContext &ctx) {
#ifndef NDEBUG
  const bool verify = true; // debug builds verify after every pass
#else
  const bool verify = opts_.verifyEach;
#endif
  for (auto &pass : passes_) {
    auto start = std::chrono::steady_clock::now();
    PreservedAnalyses pa = pass->run(g, am, ctx);
    timings_.push_back(
        {pass->name(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
    am.invalidate(pa);
    if (verify && !pa.areAllPreserved()) {
      try {
        verifyGraph(g, &am.registry());
      } catch (const Error &e) {
        throw Error(std::string(e.what()) + "\n  (the graph became invalid after pass '" +
                    pass->name() + "')");
      }
    }
    if (opts_.irOut && (opts_.printAfterAll || opts_.printAfter.count(pass->name()))) {
      *opts_.irOut << "// -----// IR after " << pass->name() << " //----- //\n";
      printGraph(g, *opts_.irOut);
    }
  }
}

} // namespace pd
