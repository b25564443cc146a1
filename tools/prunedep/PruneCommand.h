// `prunedep prune MODEL --ratio R [options]`: plans a pruning of the model's
// channel groups and writes the pruned model. An IR file (.pdir) gives the
// pruned IR (random importance: IR has no weights); a TorchScript archive
// goes to the TorchScript pruner (pruneTorchScript), which ranks by the
// weights, checks the values and writes a pruned archive.
#pragma once
#include "frontends/TorchScriptFrontend.h"
#include "passes/prune/PrunePlan.h"
#include "tools/prunedep/CommandLine.h"

#include <string>
#include <vector>

namespace pd {

struct PruneCommandOptions {
  std::string modelPath;                    // .pt (TorchScript) or .pdir
  std::vector<TensorInputSpec> inputShapes; // --input-shape, a .pt's inputs
  // --ratio, --importance (l1 by default for a .pt, random for IR), --seed,
  // --ratio-of, --ignore, --round-to, --global, --prune-outputs, --granularity.
  PlanOptions plan;
  std::string planIn;     // --plan-in: apply this saved plan (planning options then do not apply)
  std::string planOut;    // --plan-out: write the plan JSON here ("": not written)
  std::string outputPath; // -o: the pruned model (.pt archive, or IR text; "" for IR: stdout)
  OutputFormat format = OutputFormat::Text; // the report: text summary or JSON (plan and MACs)
  ColorMode color = ColorMode::Auto;
  bool check = true;                 // --no-check: skip the TorchScript pruner's value check
  std::vector<std::string> ruleFiles; // --rules
  std::vector<std::string> plugins;   // --load-plugin
  std::string unknownOps = "warn";    // --unknown-ops
};

// argv[0] is "prune". Returns the exit code; throws UsageError / pd::Error
// like the main command.
int runPruneCommand(int argc, char **argv);

// The options of `prunedep prune` parsed (argv[0] is "prune"); `help` is set
// for --help, and then nothing else is checked.
PruneCommandOptions parsePruneCommand(int argc, char **argv, bool &help);

} // namespace pd
