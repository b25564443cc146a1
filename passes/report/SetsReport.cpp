#include "passes/report/SetsReport.h"

#include "passes/report/ReportFormat.h"
#include "passes/report/TextStyle.h"

#include <algorithm>

namespace pd {

SetsResult::SetsResult(std::string title, const DependencySets &sets,
                       const std::function<std::optional<int64_t>(const Layer &)> &channelsOf)
    : title_(std::move(title)), graphOrder_(sets.graphOrder().begin(), sets.graphOrder().end()) {
  // Sized once: a million-op graph has hundreds of thousands of sets.
  const size_t numMembers = sets.members().size();
  members_.reserve(numMembers);
  begin_.reserve(sets.sets().size() + 1);
  labelBegin_.reserve(sets.sets().size() + 1);

  // The channel counts (only the text report shows them, and only for sets
  // of two or more) read each member's Op attributes (outChannels /
  // inChannels). Members come in name order, so at a million ops those reads
  // are DRAM misses scattered over hundreds of MB of IR: the attribute
  // lines of the member kAhead places on are prefetched, so that the misses
  // overlap. (Reading them in graph order instead, the earlier way, put a
  // random write per member into the arrays that map one order to the other.)
  constexpr size_t kAhead = 64;
  const Layer *first = sets.members().data();
  LargeVector<uint32_t> labelled; // members of sets of two or more, in member order
  if (numMembers > sets.sets().size()) // else every set is a singleton: no label
    for (DependencySets::Set s : sets.sets())
      if (s.size() > 1)
        for (const Layer &l : s)
          labelled.push_back(static_cast<uint32_t>(&l - first));
  LargeVector<std::optional<int64_t>> channels(labelled.empty() ? 0 : numMembers);
  for (size_t i = 0; i < labelled.size(); ++i) {
    if (i + kAhead < labelled.size())
      first[labelled[i + kAhead]].op->prefetchKindAndAttrs();
    channels[labelled[i]] = channelsOf(first[labelled[i]]);
  }

  begin_.push_back(0);
  labelBegin_.push_back(0);
  std::vector<int64_t> counts; // one set's distinct counts (reused: no allocation per set)
  for (DependencySets::Set s : sets.sets()) {
    counts.clear();
    bool unknown = false;
    for (const Layer &l : s) {
      members_.push_back(l.name);
      if (s.size() < 2)
        continue;
      const std::optional<int64_t> &c = channels[&l - first];
      if (!c)
        unknown = true;
      else if (std::find(counts.begin(), counts.end(), *c) == counts.end())
        counts.push_back(*c);
    }
    const size_t labelStart = labels_.size();
    for (int64_t c : counts) {
      if (labels_.size() > labelStart)
        labels_ += '/';
      labels_ += std::to_string(c);
    }
    if (s.size() > 1 && (counts.empty() || unknown))
      labels_ += counts.empty() ? "?" : "/?";
    begin_.push_back(static_cast<uint32_t>(members_.size()));
    labelBegin_.push_back(static_cast<uint32_t>(labels_.size()));
  }
}

std::string_view SetsResult::label(size_t set) const {
  return std::string_view(labels_).substr(labelBegin_[set], labelBegin_[set + 1] - labelBegin_[set]);
}

std::vector<std::string> SetsResult::names(size_t set) const {
  std::vector<std::string> out;
  for (uint32_t i = begin_[set]; i < begin_[set + 1]; ++i)
    out.emplace_back(members_[i].str());
  return out;
}

void SetsResult::writeJson(JsonWriter &w) const {
  w.key("sets").beginArray();
  for (size_t s = 0; s + 1 < begin_.size(); ++s) {
    w.beginArray();
    for (uint32_t i = begin_[s]; i < begin_[s + 1]; ++i)
      w.value(members_[i].str());
    w.endArray();
  }
  w.endArray();
}

void SetsResult::writeText(std::ostream &os) const {
  size_t numSets = begin_.size() - 1, tied = 0;
  for (size_t s = 0; s < numSets; ++s)
    tied += begin_[s + 1] - begin_[s] > 1;
  os << paint(Paint::Title, title_) << ": " << members_.size() << " layers in " << numSets
     << " sets, " << tied << (tied == 1 ? " set" : " sets") << " with more than one member\n";
  size_t n = 0;
  for (size_t s = 0; s < numSets; ++s) {
    if (begin_[s + 1] - begin_[s] < 2)
      continue;
    std::string head = paint(Paint::Label, "set " + std::to_string(++n)) + "  " +
                       paint(Paint::Count, std::string(label(s)) + " ch") + "  ";
    writeWrapped(os, head, names(s));
  }
}

std::string SetsResult::summary() const {
  size_t tied = 0;
  for (size_t s = 0; s + 1 < begin_.size(); ++s)
    tied += begin_[s + 1] - begin_[s] > 1;
  // "channel-dependency" -> "4 coupled channel sets", "input-channel-..." -> "input"
  std::string what = pass.substr(0, pass.rfind("-dependency"));
  if (what.size() > 8 && what.compare(what.size() - 8, 8, "-channel") == 0)
    what.resize(what.size() - 8);
  return std::to_string(tied) + " coupled " + what + (tied == 1 ? " set" : " sets");
}

// NNI's ChannelDependency.export(): a header, then "Set N" and the members of
// each set, numbered in graph order of the set's first target layer.
void SetsResult::writeCsv(std::ostream &os) const {
  writeCsvRow(os, {"Dependency Set", "Layers"});
  for (size_t k = 0; k < graphOrder_.size(); ++k) {
    std::vector<std::string> row = names(graphOrder_[k]);
    row.insert(row.begin(), "Set " + std::to_string(k + 1));
    writeCsvRow(os, row);
  }
}

} // namespace pd
