#include "frontends/torchscript/Loader.h"

#include "frontends/torchscript/Messages.h"
#include "ir/Diagnostic.h"

#include <torch/csrc/jit/serialization/import.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace pd::ts {

torch::jit::Module loadArchive(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw Error("cannot open the model: " + std::string(std::strerror(errno)));
  if (S_ISDIR(st.st_mode))
    throw Error("cannot open the model: it is a directory");
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {0, 0, 0, 0};
  if (!in || !in.read(magic, 4) || std::memcmp(magic, "PK\x03\x04", 4) != 0)
    throw Error("not a TorchScript archive: expected the zip file that torch.jit.save writes "
                "(torch.jit.trace(model, x).save(path))");
  in.close();

  torch::jit::Module m;
  try {
    m = torch::jit::load(path, c10::Device(c10::kCPU));
  } catch (const c10::Error &e) {
    std::string why = condenseTorchMessage(e.what_without_backtrace());
    if (why.find("constants.pkl") != std::string::npos || why.find("code/") != std::string::npos)
      throw Error("a zip archive but not TorchScript (no TorchScript code in it: was it saved "
                  "with torch.save instead of torch.jit.save?): " + why);
    throw Error("truncated or corrupt TorchScript archive: " + why);
  }
  m.eval();
  return m;
}

} // namespace pd::ts
