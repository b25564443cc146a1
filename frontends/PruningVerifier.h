// The contract between the driver and the pruning verifier module
// (`prunedep verify MODEL.pt --input-shape ...`).
//
// The verifier runs the model with LibTorch, so, like the TorchScript
// frontend, it is a shared module (libprunedep_verify.so) that the driver
// dlopen()s only for `verify`. This header is LibTorch-free: plain structs and
// one versioned C entry point.
//
// For every prunable set of the channel-groups analysis the verifier builds
// the pruned model for one group (every member's weights sliced on their dim,
// norm statistics and affine parameters too, groups / normalized_shape /
// view sizes recomputed) and runs it: the IR itself, op by op through the
// ATen dispatcher, because a traced archive has channel counts baked into
// its code (conv groups, view sizes). Every op must run and produce the shape
// the analysis predicts. Then, per member, the same pruning without that
// member must fail; a member it can do without is "over-coupled".
#pragma once
#include "frontends/TorchScriptFrontend.h"
#include "passes/channels/ChannelGroups.h"

#include <string>
#include <vector>

namespace pd {

struct VerifyOptions {
  std::string modelPath;                 // the TorchScript archive (weights, leaf modules)
  std::vector<TensorInputSpec> inputs;   // its input shapes
  const Graph *graph = nullptr;          // the IR the frontend lowered from it
  const OpRegistry *registry = nullptr;  // the op table (channel maps)
  const ChannelGroups *groups = nullptr; // channel-groups of `graph`
  bool minimality = true;                // also check that every member is needed
  bool progress = false;                 // print one line per set on stderr
};

struct VerifySetResult {
  uint32_t set = 0;       // 1-based, as the channel-groups report numbers sets
  uint32_t group = 0;     // the group of the set that was pruned (0-based)
  bool ok = false;        // the pruned model ran with the predicted shapes
  std::string failure;    // else: the first op that failed and why
  std::vector<std::string> overCoupled; // members the pruning runs without
  double seconds = 0;
};

struct VerifyOutput {
  std::vector<VerifySetResult> sets; // the prunable sets, in set order
  uint32_t skipped = 0;              // sets that are not prunable (blocked)
  double baselineSeconds = 0;        // loading and running the unpruned model
  std::string error;                 // set instead of throwing across the module boundary
};

// extern "C" void prunedep_verify_v1(const VerifyOptions *, VerifyOutput *);
// Never throws; on a failure to verify at all (model not loadable, the IR
// cannot be run unpruned) sets `error` to one line.
using VerifyFn = void (*)(const VerifyOptions *, VerifyOutput *);
inline constexpr const char *kVerifySymbol = "prunedep_verify_v1";

} // namespace pd
