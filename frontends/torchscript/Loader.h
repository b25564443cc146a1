// Loading a TorchScript archive, with errors a user can act on: a missing
// file, a file that is not a zip archive, a truncated archive, and a zip that
// torch.save (not torch.jit.save) wrote are told apart.
#pragma once
#include <torch/csrc/jit/api/module.h>

#include <string>

namespace pd::ts {

// The module in eval mode, on the CPU. Throws pd::Error with one line.
torch::jit::Module loadArchive(const std::string &path);

} // namespace pd::ts
