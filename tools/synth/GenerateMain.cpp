// prunedep-synth: writes a synthetic model graph as .pdir.
//   prunedep-synth SHAPE MIN_OPS [--channels N] [-o FILE]
// SHAPE is resnet, densenet, mobilenet or transformer; --channels sets the
// width the shape's other widths follow (a multiple of 4; default: the
// shape's own).
#include "ir/Printer.h"
#include "tools/synth/SyntheticModels.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace {

int usage() {
  std::cerr << "usage: prunedep-synth resnet|densenet|mobilenet|transformer MIN_OPS [--channels N] [-o FILE]\n";
  return 2;
}

// A whole decimal number in [lo, hi], or 0.
unsigned long long number(const char *s, unsigned long long lo, unsigned long long hi) {
  char *end = nullptr;
  unsigned long long n = std::strtoull(s, &end, 10);
  return *s && !*end && n >= lo && n <= hi ? n : 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    if (argc < 3)
      return usage();
    std::string outPath;
    int64_t channels = 0;
    for (int i = 3; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "-o" && i + 1 < argc) {
        outPath = argv[++i];
      } else if (a == "--channels" && i + 1 < argc) {
        channels = static_cast<int64_t>(number(argv[++i], 4, 1 << 16));
        if (channels == 0 || channels % 4) {
          std::cerr << "prunedep-synth: --channels must be a multiple of 4 from 4 to 65536\n";
          return 2;
        }
      } else {
        return usage();
      }
    }
    pd::SyntheticShape shape = pd::parseSyntheticShape(argv[1]);
    unsigned long long n = number(argv[2], 1, 100000000ULL);
    if (n == 0) {
      std::cerr << "prunedep-synth: MIN_OPS must be a number from 1 to 100000000\n";
      return 2;
    }
    auto g = pd::buildSyntheticModel(shape, n, channels);
    if (!outPath.empty()) {
      std::ofstream out(outPath, std::ios::binary);
      pd::printGraph(*g, out);
      if (!out.flush()) {
        std::cerr << outPath << ": error: write failed\n";
        return 1;
      }
    } else {
      pd::printGraph(*g, std::cout);
    }
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "prunedep-synth: " << e.what() << "\n";
    return 1;
  }
}
