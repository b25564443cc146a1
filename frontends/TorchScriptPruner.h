// The contract between the driver and the TorchScript pruner
// (`prunedep prune MODEL.pt --input-shape ... -o pruned.pt`).
//
// Like the frontend and the verifier, the pruner links LibTorch, so it is a
// shared module (libprunedep_prune.so) the driver dlopen()s only for a .pt.
// This header is LibTorch-free: plain structs and one versioned C entry.
//
// The pruner ranks the groups by the archive's weights (L1/L2; or random),
// plans (passes/prune/PrunePlan.h) unless a plan is given, runs the model
// pruned, op by op, with verify's value check (every op the pruning touches
// computes what it computes unpruned with the removed indices zeroed),
// rewrites the IR into the pruned IR, and emits that back to TorchScript: an
// archive whose modules hold the sliced parameters and buffers under their
// original names, and whose forward is the pruned IR's ops with their
// recomputed sizes. The emitted forward must compute what the checked run
// computed, and the written archive, loaded back, what the emitted one did.
#pragma once
#include "frontends/TorchScriptFrontend.h"
#include "passes/channels/ChannelGroups.h"
#include "passes/prune/PrunePlan.h"

#include <string>
#include <vector>

namespace pd {

struct PruneOptions {
  std::string modelPath;                 // the TorchScript archive
  std::vector<TensorInputSpec> inputs;   // its input shapes
  // The IR the frontend lowered from the archive; rewritten in place into
  // the pruned IR (PrunedGraph.h), which is what the archive's forward runs.
  Graph *graph = nullptr;
  const OpRegistry *registry = nullptr;  // the op table (channel maps)
  const ChannelGroups *groups = nullptr; // channel-groups of `graph`
  PlanOptions plan;                      // how to plan (importance l1, l2 or random)
  const PrunePlan *givenPlan = nullptr;  // apply this plan instead (--plan-in; checked)
  std::string outputPath;                // the pruned archive ("" : plan and check only)
  // Run the value check (--no-check skips it); it compares as verify does:
  // |pruned - reference| <= 1e-4 x max(1, |reference|).
  bool check = true;
};

struct PruneOutput {
  PrunePlan plan;
  int64_t paramsBefore = 0, paramsAfter = 0; // parameters of the archive and of the pruned one
  double planSeconds = 0;  // scores and plan
  double pruneSeconds = 0; // slicing the tensors and emitting the pruned forward
  double checkSeconds = 0; // the value check and the reloaded archive's run
  double writeSeconds = 0; // saving the archive
  bool checked = false;    // the check ran (and passed: a failure is `error`)
  double maxError = 0;     // largest relative difference of the emitted forward's outputs from the checked run's
  std::string error;       // one line, instead of throwing across the module boundary
};

// extern "C" void prunedep_prune_v1(const PruneOptions *, PruneOutput *);
using PruneFn = void (*)(const PruneOptions *, PruneOutput *);
inline constexpr const char *kPruneSymbol = "prunedep_prune_v1";

} // namespace pd
