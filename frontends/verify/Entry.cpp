// The module's one exported function (frontends/PruningVerifier.h): load the
// archive, run the unpruned IR once, then prune and run one group of every
// prunable set, and check that every member is needed. Nothing escapes it:
// every exception becomes one line in out->error.
#include "frontends/PruningVerifier.h"
#include "frontends/torchscript/Loader.h"
#include "frontends/verify/ModuleBoundary.h"
#include "frontends/verify/ExampleInputs.h"
#include "frontends/verify/Interpreter.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <chrono>
#include <iostream>

namespace pd::verify {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void verify(const VerifyOptions &o, VerifyOutput &out) {
  if (!o.graph || !o.registry || !o.groups)
    throw Error("the verifier needs the graph, the op table and the channel groups");
  auto t0 = Clock::now();
  at::set_num_threads(std::max(1, at::get_num_interop_threads()));
  at::NoGradGuard noGrad;
  Interpreter it(*o.graph, *o.registry, ts::loadArchive(o.modelPath), exampleInputs(*o.graph));
  it.runBaseline();
  out.baselineSeconds = secondsSince(t0);
  const std::vector<ChannelSet> &sets = o.groups->sets;
  for (size_t s = 0; s < sets.size(); ++s) {
    const ChannelSet &set = sets[s];
    if (!set.prunable()) {
      ++out.skipped;
      continue;
    }
    auto ts = Clock::now();
    VerifySetResult r;
    r.set = static_cast<uint32_t>(s + 1);
    r.group = 0;
    std::optional<std::string> failure = it.run(Pruning(set, r.group), true);
    r.ok = !failure;
    if (failure)
      r.failure = *failure;
    // A member of a set of one is the whole pruning: trivially needed.
    if (r.ok && o.minimality && set.members.size() > 1)
      for (size_t m = 0; m < set.members.size(); ++m)
        if (!it.run(Pruning(set, r.group, static_cast<int>(m)), false))
          r.overCoupled.push_back(memberName(set.members[m]));
    r.seconds = secondsSince(ts);
    if (o.progress)
      std::cerr << "prunedep: set " << r.set << ": "
                << (!r.ok ? "FAILED" : r.overCoupled.empty() ? "ok" : "over-coupled") << " ("
                << set.members.size() << " members, " << r.seconds << " s)\n";
    out.sets.push_back(std::move(r));
  }
}

} // namespace
} // namespace pd::verify

extern "C" __attribute__((visibility("default"))) void prunedep_verify_v1(const pd::VerifyOptions *opts,
                                                                         pd::VerifyOutput *out) {
  if (!out)
    return;
  std::string message = pd::verify::runAtModuleBoundary(
      [&] {
        if (!opts)
          throw pd::Error("no options given to the verifier");
        pd::verify::verify(*opts, *out);
      },
      "unknown error in the verifier");
  if (message.empty())
    return;
  out->error = (opts ? opts->modelPath : std::string("<model>")) + ": error: " + message;
}
