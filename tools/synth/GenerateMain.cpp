// prunedep-synth: writes a synthetic model graph as .pdir.
//   prunedep-synth SHAPE MIN_OPS [-o FILE]
// SHAPE is resnet, densenet, mobilenet or transformer.
#include "ir/Printer.h"
#include "tools/synth/SyntheticModels.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

int main(int argc, char **argv) {
  try {
    if (argc != 3 && !(argc == 5 && std::string(argv[3]) == "-o")) {
      std::cerr << "usage: prunedep-synth resnet|densenet|mobilenet|transformer MIN_OPS [-o FILE]\n";
      return 2;
    }
    pd::SyntheticShape shape = pd::parseSyntheticShape(argv[1]);
    char *end = nullptr;
    unsigned long long n = std::strtoull(argv[2], &end, 10);
    if (!*argv[2] || *end || n == 0 || n > 100000000ULL) {
      std::cerr << "prunedep-synth: MIN_OPS must be a number from 1 to 100000000\n";
      return 2;
    }
    auto g = pd::buildSyntheticModel(shape, n);
    if (argc == 5) {
      std::ofstream out(argv[4], std::ios::binary);
      pd::printGraph(*g, out);
      if (!out.flush()) {
        std::cerr << argv[4] << ": error: write failed\n";
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
