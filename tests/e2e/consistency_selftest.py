#!/usr/bin/python3
"""Proves check_consistency.py can fail: runs it with --from-json on a
hand-made report and wants an exact exit code and count lines.

    consistency_selftest.py CHECK_CONSISTENCY.py CASE WORKDIR

CASE is one of the REPORTS below. An exact exit code (not meson's
should_fail) so that a crash of the checker does not count as "it failed".
"""
import json
import os
import subprocess
import sys


def member(layer, role):
    return {"layer": layer, "role": role, "dim": 0 if role == "out" else 1,
            "per-group": 1, "indices": [[0, 8]]}


def report(cd, icd, cg):
    """A prunedep/1 report: cd and icd are lists of name lists, cg a list of
    member lists (None: no channel-groups result, as when the pass failed)."""
    results = [{"pass": "channel-dependency", "options": {"prune-type": "filter"}, "sets": cd},
               {"pass": "input-channel-dependency", "sets": icd}]
    if cg is not None:
        results.append({"pass": "channel-groups", "sets": [
            {"set": i + 1, "groups": 8, "prunable": True, "blocked": [], "outputs": [], "members": ms}
            for i, ms in enumerate(cg)]})
    return {"schema": "prunedep/1", "model": "hand-made", "results": results}


# a and b add up (their outputs share a set) and c and d read the sum; bn is
# a BatchNorm (not a channel-dependency target).
CG = [[member("a", "out"), member("b", "out"), member("bn", "out"), member("c", "in"), member("d", "in")],
      [member("c", "out")], [member("d", "out")]]
CD = [["a", "b"], ["c"], ["d"]]
ICD = [["a"], ["b"], ["c", "d"]]
# The four count lines, in the checker's order.
CHECKS = ["out-role ties split by channel-dependency",
          "channel-dependency ties without an out-role chain",
          "in-role ties split by input-channel-dependency",
          "input-channel-dependency ties without an in-role chain"]
# name -> (report, exit code, the four counts, example lines)
REPORTS = {
    "consistent": (report(CD, ICD, CG), 0, [0, 0, 0, 0], []),
    # channel-groups ties a and b, channel-dependency keeps them apart.
    "split-out-tie": (report([["a"], ["b"], ["c"], ["d"]], ICD, CG), 1, [1, 0, 0, 0], ["a ~ b"]),
    # channel-dependency ties c to a and b, no channel-groups set does.
    "unbacked-tie": (report([["a", "b", "c"], ["d"]], ICD, CG), 1, [0, 2, 0, 0], ["a ~ c", "b ~ c"]),
    # c and d read the same channels, input-channel-dependency keeps them apart.
    "split-in-tie": (report(CD, [["a"], ["b"], ["c"], ["d"]], CG), 1, [0, 0, 1, 0], ["c ~ d"]),
    # Without channel-groups every tie of the two analyses is unbacked.
    "no-channel-groups": (report(CD, ICD, None), 1, [0, 1, 0, 1], ["a ~ b", "c ~ d"]),
}


def main():
    checker, case, workdir = sys.argv[1:4]
    data, want_rc, counts, examples = REPORTS[case]
    want_lines = ["%s: %d pairs" % (c, n) for c, n in zip(CHECKS, counts)] + examples
    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, case + ".json")
    with open(path, "w") as f:
        json.dump(data, f)
    r = subprocess.run([sys.executable, checker, "--from-json", path], capture_output=True, text=True)
    print(r.stdout + r.stderr)
    lines = [l.strip() for l in r.stdout.splitlines()]
    errors = []
    if r.returncode != want_rc:
        errors.append("exit %d, want %d" % (r.returncode, want_rc))
    for w in want_lines:
        if w.strip() not in lines:
            errors.append("missing line: " + w)
    for e in errors:
        print("error: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
