// One-line messages out of LibTorch's exceptions.
//
// A LibTorch error carries a C++ backtrace ("Exception raised from ..."), and
// one raised inside the TorchScript interpreter a TorchScript traceback whose
// last line ("RuntimeError: ...") is the actual reason. The driver prints one
// line per error, so we keep the reason and drop the rest.
#pragma once
#include <string>
#include <string_view>

namespace pd::ts {

// The reason in `what`, on one line: the last "SomethingError: ..." line of a
// traceback without the "SomethingError: " prefix, else the first non-empty
// line; the backtrace dropped; inner whitespace runs collapsed.
std::string condenseTorchMessage(std::string_view what);

// `text` with every byte that is not part of well-formed UTF-8, and every
// control character, written as \xNN: a corrupt archive's bytes reach
// messages (a token LibTorch could not read), and a message must stay one
// readable line.
std::string printableText(std::string_view text);

// Collapses newlines and runs of spaces into single spaces and trims.
std::string oneLine(std::string_view text);

} // namespace pd::ts
