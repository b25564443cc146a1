// What a pass leaves valid, in the style of LLVM's new pass manager: a pass
// returns all() when it only reads the graph, none() when it rewrote it, or a
// set of analysis keys it kept up to date. The analysis manager drops the rest.
#pragma once
#include <llvm/ADT/SmallPtrSet.h>

namespace pd {

// An analysis is identified by the address of its static key.
struct AnalysisKey {};

class PreservedAnalyses {
public:
  static PreservedAnalyses all() {
    PreservedAnalyses p;
    p.all_ = true;
    return p;
  }
  static PreservedAnalyses none() { return PreservedAnalyses(); }
  template <typename A> PreservedAnalyses &preserve() {
    keys_.insert(&A::Key);
    return *this;
  }
  bool areAllPreserved() const { return all_; }
  bool isPreserved(const AnalysisKey *k) const { return all_ || keys_.count(k); }

private:
  bool all_ = false;
  llvm::SmallPtrSet<const AnalysisKey *, 4> keys_;
};

} // namespace pd
