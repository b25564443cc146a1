// "Why are these layers tied?" For one layer: the chain of ops that ties it
// to each other member of its channel-dependency set, through the ops that
// join them (an add, a mul, a cat off the channel axis, a depthwise conv), and
// the group-dependency constraints that reach it, with the conv they come
// from. Uses the same walk rules as channel-dependency and group-dependency.
#pragma once
#include "passes/index/LayerIndex.h"

#include <string>
#include <vector>

namespace pd {

struct TieExplanation {
  std::string with;                 // the other member
  std::vector<std::string> chains;  // one line per join crossed, e.g.
                                    // "a -> a.bn -> add <- relu <- b"
};

struct ConstraintExplanation {
  std::string from;   // the grouped conv / group norm that requires it
  int64_t groups;     // what it requires the channel count to be divisible by
  std::string chain;  // from the layer up to... down to `from`
};

struct Explanation {
  std::string layer;
  bool found = false;
  std::vector<std::string> setMembers; // its channel-dependency set, sorted
  std::vector<TieExplanation> ties;
  std::vector<ConstraintExplanation> constraints;
};

Explanation explainLayer(const LayerIndex &ix, Symbol layer);

} // namespace pd
