// `prunedep verify MODEL.pt --input-shape SHAPE [options]`: proves the
// channel groups of a model by pruning it (frontends/PruningVerifier.h).
#pragma once

namespace pd {

// argv[0] is "verify". Returns the exit code: 0 when every prunable set's
// pruned model runs with the predicted shapes and no member is over-coupled,
// 1 otherwise. Throws UsageError / pd::Error like the main command.
int runVerifyCommand(int argc, char **argv);

} // namespace pd
