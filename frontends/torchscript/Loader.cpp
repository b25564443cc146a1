#include "frontends/torchscript/Loader.h"

#include "frontends/torchscript/Messages.h"
#include "ir/Diagnostic.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/import.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace pd::ts {
namespace {

bool contains(const std::string &s, const char *what) { return s.find(what) != std::string::npos; }

// The zip's directory, read before LibTorch compiles anything, tells a
// truncated or corrupt file, a zip that is no PyTorch archive at all, and a
// PyTorch archive without TorchScript code (torch.save) apart.
void checkRecords(const std::string &path) {
  std::vector<std::string> records;
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    records = reader.getAllRecords();
  } catch (const c10::Error &e) {
    std::string why = condenseTorchMessage(e.what_without_backtrace());
    if (contains(why, "failed reading zip archive") || contains(why, "central directory"))
      throw Error("truncated or corrupt TorchScript archive: " + why);
    throw Error("a zip archive but not a TorchScript archive (torch.jit.save writes one directory "
                "with code/, data.pkl and version): " + why);
  }
  bool code = false, data = false;
  for (const std::string &r : records) {
    code |= r.rfind("code/", 0) == 0;
    data |= r == "data.pkl";
  }
  if (!code || !data)
    throw Error("a zip archive but not TorchScript: it holds no TorchScript code (was it saved with "
                "torch.save instead of torch.jit.save?)");
}

// `File "code/__torch__.py", line 6` of a TorchScript compilation error, as
// "code/__torch__.py:6"; empty when there is none.
std::string codeLocation(const std::string &what) {
  size_t f = what.find("File \"code/");
  if (f == std::string::npos)
    return {};
  size_t start = f + 6, end = what.find('"', start);
  if (end == std::string::npos)
    return {};
  std::string loc = what.substr(start, end - start);
  size_t line = what.find(", line ", end);
  if (line == end + 1) {
    size_t digits = line + 7, stop = digits;
    while (stop < what.size() && std::isdigit(static_cast<unsigned char>(what[stop])))
      ++stop;
    if (stop > digits)
      loc += ":" + what.substr(digits, stop - digits);
  }
  return loc;
}

} // namespace

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
  checkRecords(path);

  torch::jit::Module m;
  auto failed = [](const std::string &what) {
    std::string why = condenseTorchMessage(what);
    std::string where = codeLocation(what);
    // The code is compiled when loaded: a class the code names but the
    // archive lacks, or code that does not parse.
    if (!where.empty())
      return Error("the archive's TorchScript code does not compile (" + where + "): " + why);
    if (contains(why, "INTERNAL ASSERT FAILED"))
      return Error("corrupt TorchScript archive (LibTorch's consistency check failed): " + why);
    return Error("truncated or corrupt TorchScript archive: " + why);
  };
  try {
    m = torch::jit::load(path, c10::Device(c10::kCPU));
  } catch (const c10::Error &e) {
    throw failed(e.what_without_backtrace());
  } catch (const std::exception &e) {
    // Compilation errors (torch::jit::ErrorReport) are no c10::Error.
    throw failed(e.what());
  }
  m.eval();
  return m;
}

} // namespace pd::ts
