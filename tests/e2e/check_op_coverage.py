#!/usr/bin/python3
"""Every op a traced model uses has a rule, and every op on tensors a channel map.

    check_op_coverage.py PRUNEDEP MODEL.pt FACTS.json
    check_op_coverage.py PRUNEDEP GRAPH.pdir --expect-missing KIND

The second form is the check's own test: it passes only when the check
reports exactly KIND (an op the graph uses without a rule or a map).

Runs the op-stats pass on the model (FACTS.json, written by
tests/models/trace_models.py, gives the input shapes) and fails, naming each
op kind and the modules it occurs in, when an op has no rule (the default
report would warn about it) or touches tensors without a channel map
(channel-groups and the layer-level sets would stop at it). An op that
genuinely blocks says so with the "opaque" map, so it passes here.
"""
import json
import subprocess
import sys


def main():
    prunedep, model = sys.argv[1:3]
    expect = sys.argv[4] if len(sys.argv) == 5 and sys.argv[3] == '--expect-missing' else None
    cmd = [prunedep, model, '--passes=op-stats', '--format=json', '--unknown-ops=barrier']
    if model.endswith('.pt'):
        for s in json.load(open(sys.argv[3]))['input_shapes']:
            cmd += ['--input-shape', s]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        print('FAIL %s: prunedep exited %d: %s' % (model, run.returncode, run.stderr.strip()))
        return 1
    stats = json.loads(run.stdout)['results'][0]
    missing = []
    for what, key in [('no rule', 'unknown'), ('no channel map', 'no-channel-map')]:
        for kind, where in sorted(stats[key].items()):
            print('%s: %s: %s (in %s)' % (model, what, kind, ', '.join(where[:4]) or '<top>'))
            missing.append(kind)
    print('%s: %d ops of %d kinds, %d without a rule or a map' % (model, stats['ops'], len(stats['kinds']), len(missing)))
    if expect is not None:
        return 0 if missing == [expect] else 1
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
