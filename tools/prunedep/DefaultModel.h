// The model analysed when no INPUT is given: a resnet18 traced at build time
// and installed with the tool.
#pragma once
#include <string>

namespace pd {

inline constexpr const char *kDefaultModelInputShape = "1x3x224x224";
// The first of (build tree, install tree) locations relative to the
// executable that exists; throws pd::Error listing them if none does.
std::string defaultModelPath();

} // namespace pd
