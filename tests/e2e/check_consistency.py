#!/usr/bin/python3
"""Checks that channel-groups and the NNI-style set analyses agree on a model.

    check_consistency.py PRUNEDEP MODEL [FACTS.json]
    check_consistency.py --from-json REPORT.json

MODEL is a .pdir file or a traced .pt; a .pt needs FACTS.json (written by
tests/models/trace_models.py), whose "input_shapes" become --input-shape
flags. --from-json checks a report saved from
`prunedep --format=json --passes=channel-dependency,input-channel-dependency,channel-groups`
instead of running the driver (the self-tests feed it hand-made reports).

channel-groups says which channels of which layers are removed together;
channel-dependency (output channels) and input-channel-dependency (input
channels) say which layers are pruned together. For each role R and its
set analysis A ("out" with channel-dependency, "in" with
input-channel-dependency):
  forward:  two layers of A whose R members share a channel-groups set are in
            one set of A (channel-groups ties them, so A must too);
  backed:   two layers in one set of A are connected by a chain of
            channel-groups sets through their R members (A ties nothing that
            channel-groups does not).
Prints the number of violating pairs per check with up to 10 examples, and
exits 1 if any check has one, 0 otherwise.
"""
import argparse
import itertools
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import driver  # noqa: E402

PASSES = 'channel-dependency,input-channel-dependency,channel-groups'
EXAMPLES = 10
CHECKS = [('out', 'channel-dependency'), ('in', 'input-channel-dependency')]


def run_driver(prunedep, model, facts):
    """The driver's JSON report. A failing driver is reported but whatever
    JSON it printed is still checked: a pass that gave up must not hide the
    results of the others."""
    cmd = driver.command(prunedep, model, facts, '--format=json', '--passes=' + PASSES)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print('note: prunedep exited %d: %s' % (r.returncode, r.stderr.strip()[:500]))
    try:
        return json.loads(r.stdout)
    except ValueError:
        sys.exit('error: prunedep printed no JSON report (exit %d): %s'
                 % (r.returncode, r.stderr.strip()[:500]))


def results_by_pass(report):
    return {res.get('pass'): res for res in report.get('results', [])}


def set_index(sets):
    """layer -> index of its set, for a list of name lists."""
    return {name: i for i, names in enumerate(sets) for name in names}


def layers_of_role(cg_set, role):
    """The layers with a member of `role` in one channel-groups set (a member
    names its layer under "layer"; "name" is read too)."""
    names = (m.get('layer', m.get('name')) for m in cg_set.get('members', [])
             if m.get('role') == role)
    return sorted({n for n in names if n is not None})


def components(cg_sets, role):
    """layer -> component id of the graph whose edges join the layers with a
    `role` member in one channel-groups set (union-find)."""
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s in cg_sets:
        names = layers_of_role(s, role)
        for n in names:
            find(n)
        for a, b in zip(names, names[1:]):
            parent[find(a)] = find(b)
    return {n: find(n) for n in parent}


def check(report):
    """[(check name, sorted violating pairs)] for the four checks."""
    res = results_by_pass(report)
    missing = [a for _, a in CHECKS if a not in res]
    if missing:
        sys.exit('error: the report has no result of ' + ', '.join(missing))
    # A missing channel-groups result counts as no ties: every tie of the
    # set analyses is then unbacked, which is what the check must say.
    cg_sets = res.get('channel-groups', {}).get('sets', [])
    out = []
    for role, analysis in CHECKS:
        sets = res.get(analysis, {}).get('sets', [])
        where = set_index(sets)
        forward = set()
        for s in cg_sets:
            # Only the analysis' targets: e.g. BatchNorm "out" members are
            # not layers channel-dependency prunes (prune-type=filter).
            names = [n for n in layers_of_role(s, role) if n in where]
            forward.update((a, b) for a, b in itertools.combinations(names, 2) if where[a] != where[b])
        comp = components(cg_sets, role)
        unbacked = set()
        for names in sets:
            for a, b in itertools.combinations(sorted(names), 2):
                if a not in comp or b not in comp or comp[a] != comp[b]:
                    unbacked.add((a, b))
        out.append(('%s-role ties split by %s' % (role, analysis), sorted(forward)))
        out.append(('%s ties without an %s-role chain' % (analysis, role), sorted(unbacked)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--from-json', metavar='REPORT', help='check a saved JSON report')
    ap.add_argument('prunedep', nargs='?')
    ap.add_argument('model', nargs='?')
    ap.add_argument('facts', nargs='?', help='the .json of a traced .pt (its input shapes)')
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            report, label = json.load(f), args.from_json
    else:
        if not args.model or (args.model.endswith('.pt') and not args.facts):
            ap.error('need PRUNEDEP MODEL, and FACTS.json for a .pt')
        report, label = run_driver(args.prunedep, args.model, args.facts), args.model
    results = check(report)
    bad = 0
    print(label)
    for name, pairs in results:
        print('  %s: %d pairs' % (name, len(pairs)))
        for a, b in pairs[:EXAMPLES]:
            print('    %s ~ %s' % (a, b))
        bad += len(pairs)
    print('FAIL' if bad else 'OK')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
