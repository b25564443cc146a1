// `prunedep prune MODEL.pt`: lowers the archive with the TorchScript frontend,
// computes its channel groups, and hands both to the pruner module
// (libprunedep_prune.so, frontends/TorchScriptPruner.h), which plans, prunes,
// checks and writes the pruned archive. LibTorch is loaded only here.
#pragma once
#include "frontends/TorchScriptPruner.h"
#include "ir/OpRegistry.h"

#include <memory>
#include <string>
#include <vector>

namespace pd {

struct TorchScriptPruneRequest {
  std::string modelPath;
  std::vector<TensorInputSpec> inputs;
  OpRegistry *registry = nullptr;      // unknown ops may be given rules here
  std::string unknownOps = "warn";      // policy for ops without a rule (as the main command)
  PlanOptions plan;                     // granularity "channel" or "head" picks the groups ranked
  std::string planIn;                   // a saved plan to apply instead ("" : plan here)
  std::string outputPath;               // the pruned archive ("" : plan and check only)
  bool check = true;
};

struct TorchScriptPruneResult {
  std::unique_ptr<Graph> graph; // the pruned IR (the archive's forward)
  PruneOutput out;              // plan, params, timings, check
  int64_t macsBefore = 0, macsAfter = 0; // of the model's IR and of the pruned IR (Cost.h)
};

// Throws pd::Error (one line, naming the layer or set) on any failure.
TorchScriptPruneResult pruneTorchScript(const TorchScriptPruneRequest &r);

} // namespace pd
