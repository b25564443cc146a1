#!/usr/bin/python3
"""Proves check_heads.py can fail: runs it with --from-json on a hand-made
report and wants an exact exit code and count lines.

    heads_selftest.py CHECK_HEADS.py CASE WORKDIR

The report: an attention with q and k Linear layers of 8 channels, 2 heads of
4 (channels 0:4 and 4:8), and a layer x apart. CASE picks the groups.
"""
import json
import os
import subprocess
import sys


def member(layer, groups):
    """An out member whose group g holds groups[g] (a list of channels)."""
    flat = [i for g in groups for i in g]
    runs = []
    for i in flat:
        if runs and runs[-1][1] == i:
            runs[-1][1] += 1
        else:
            runs.append([i, i + 1])
    return {"layer": layer, "role": "out", "dim": 0, "per-group": len(groups[0]), "indices": runs}


def cg(granularity, sets):
    return {"pass": "channel-groups", "options": {"values": "false", "granularity": granularity},
            "sets": [{"set": i + 1, "groups": len(ms[0][1]), "prunable": True, "blocked": [], "outputs": [],
                      "members": [member(name, groups) for name, groups in ms]}
                     for i, ms in enumerate(sets)]}


def report(fine_qk, head_qk, x_head=None, head_members=("q", "k")):
    x = [[i] for i in range(8)]
    heads = {"pass": "attention-heads", "attentions": [{
        "attention": 1, "read": True, "num-heads": 2, "head-dim": 4, "kv-heads": 2, "v-head-dim": 4,
        "q": {"layer": "q", "role": "out", "dim": 0, "indices": [[0, 8]]},
        "k": {"layer": "k", "role": "out", "dim": 0, "indices": [[0, 8]]}, "v": None, "o": None,
        "head-groups": {"set": 1, "groups": 2, "problem": ""}}]}
    return {"schema": "prunedep/1", "model": "hand-made", "results": [
        cg("channel", [[(m, fine_qk) for m in ("q", "k")], [("x", x)]]),
        cg("head", [[(m, head_qk) for m in head_members], [("x", x_head or x)]]),
        heads]}


HEADS = [[0, 1, 2, 3], [4, 5, 6, 7]]
FEATURES = [[0, 4], [1, 5], [2, 6], [3, 7]]  # one feature of each head
COUNTS = ["untouched", "heads", "crossing"]
# name -> (report, exit code, the three counts)
REPORTS = {
    # channel-groups' groups are features, each meets both heads evenly.
    "crossing": (report(FEATURES, HEADS), 0, [0, 0, 0]),
    # channel-groups' groups are heads already: each lies within one.
    "nested": (report(HEADS, HEADS), 0, [0, 0, 0]),
    # A channel-groups group with 3 channels in head 0 and 1 in head 1.
    "uneven": (report([[0, 1, 2, 4], [3, 5, 6, 7]], HEADS), 1, [0, 0, 4]),
    # The head set lacks k's channels.
    "missing": (report(FEATURES, HEADS, head_members=("q",)), 1, [0, 1, 0]),
    # x's set differs between the runs, though no attention touches it.
    "untouched": (report(FEATURES, HEADS, x_head=[[0, 1], [2, 3], [4, 5], [6, 7]]), 1, [2, 0, 0]),
}


def main():
    checker, case, workdir = sys.argv[1:4]
    data, want_rc, counts = REPORTS[case]
    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, case + '.json')
    with open(path, 'w') as f:
        json.dump(data, f)
    r = subprocess.run([sys.executable, checker, '--from-json', path], capture_output=True, text=True)
    print(r.stdout, r.stderr)
    if r.returncode != want_rc:
        sys.exit('%s: exit %d, expected %d' % (case, r.returncode, want_rc))
    for name, n in zip(COUNTS, counts):
        line = '%s: %d violation%s' % (name, n, '' if n == 1 else 's')
        if line not in r.stdout.splitlines():
            sys.exit('%s: no line %r' % (case, line))
    print('ok', case)


if __name__ == '__main__':
    main()
