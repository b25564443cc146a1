// Command-line options of the prunedep driver. Parsed by hand: the grammar is
// small (long options with = or a separate value, repeatable flags) and a
// dependency would not make it simpler.
#pragma once
#include "frontends/TorchScriptFrontend.h"
#include "tools/common/InputShape.h" // parseInputShape, for --input-shape

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace pd {

// Bad usage: the driver prints the message and exits with code 2.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class OutputFormat { Text, Json, Csv, Dot };
// --color: Auto paints the text report only when stdout is a terminal.
enum class ColorMode { Auto, Always, Never };

struct CommandLine {
  std::string input; // empty: the built-in default model
  std::optional<std::string> pipeline;
  std::vector<TensorInputSpec> inputShapes;
  std::vector<std::string> ruleFiles;
  std::vector<std::string> plugins;
  std::string unknownOps = "warn";
  std::string explain;  // --explain LAYER
  bool dotCoupledOnly = false;
  std::string outputFile;
  OutputFormat format = OutputFormat::Text;
  ColorMode color = ColorMode::Auto;
  bool emitIR = false;
  bool listPasses = false;
  bool help = false;
  bool version = false;
  bool verifyEach = false;
  bool timePasses = false;
  bool printIRAfterAll = false;
  std::set<std::string> printIRAfter;
};

CommandLine parseCommandLine(int argc, char **argv);
std::string helpText();

// Whether INPUT names a TorchScript archive (.pt, .pth, .zip, .torchscript);
// anything else is read as IR.
bool isTorchScriptPath(const std::string &path);

} // namespace pd
