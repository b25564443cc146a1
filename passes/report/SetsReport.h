// The printed form of a DependencySets result (channel-dependency and
// input-channel-dependency): JSON `"sets"`, NNI's CSV export, a text summary.
// It copies what it prints, so a later pass may invalidate the analysis.
#pragma once
#include "passes/index/DependencySets.h"
#include "passes/core/Pass.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd {

class SetsResult : public PassResult {
public:
  // `title` heads the text report; `channelsOf` gives each member's channel
  // count, shown for each set of two or more (all distinct counts, in member
  // order, when the members disagree: NNI's depthwise walk can tie a layer
  // across a channel cat).
  SetsResult(std::string title, const DependencySets &sets,
             const std::function<std::optional<int64_t>(const Layer &)> &channelsOf);

  void writeJson(JsonWriter &w) const override;
  void writeText(std::ostream &os) const override;
  void writeCsv(std::ostream &os) const override;
  std::string summary() const override;

private:
  std::vector<std::string> names(size_t set) const;
  std::string_view label(size_t set) const;

  std::string title_;
  // The sets as in DependencySets, flat: set i is members_[begin_[i], begin_[i+1]).
  // Symbols (interned for the process) rather than strings: no allocation per name.
  // LargeVectors: at a million ops these are MBs, which std::vectors took
  // from fresh pages (a fault and a page clear per 4 KiB) on every run.
  LargeVector<Symbol> members_;
  LargeVector<uint32_t> begin_;
  // Set i's channel label ("64", "58/116" or "?"; empty for singletons) is
  // labels_[labelBegin_[i], labelBegin_[i+1]): one string, not one per set.
  std::string labels_;
  LargeVector<uint32_t> labelBegin_;
  LargeVector<uint32_t> graphOrder_;
};

} // namespace pd
