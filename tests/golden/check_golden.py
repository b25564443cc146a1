#!/usr/bin/python3
"""Golden test of the five dependency analyses on one traced model.

    check_golden.py PRUNEDEP MODEL.pt FACTS.json GOLDEN.json [NNI_EXPECTED.json]

Runs `prunedep --format=json MODEL.pt --input-shape ...` (the default
pipeline: all five analyses) and checks, in this order:
  1. it succeeds and writes `prunedep/1` JSON with the five results in order;
  2. the results are well formed: set members sorted and unique across sets,
     sets sorted by their first member, every name a module the model really
     calls (FACTS.json, written by tests/models/trace_models.py), attention
     groups of four distinct layers, min_groups dividing divisor;
  3. NNI's own expected channel sets, when NNI_EXPECTED.json lists the model;
  4. the results equal the reviewed GOLDEN.json, so any change is a visible
     diff. With PRUNEDEP_UPDATE_GOLDEN=1 the golden file is (re)written
     instead, after checks 1-3 pass; review the diff before committing it.
"""
import difflib
import json
import os
import subprocess
import sys

PASSES = ['channel-dependency', 'input-channel-dependency', 'group-dependency',
          'reshape-dependency', 'attention-weight-dependency']

problems = []


def problem(msg):
    problems.append(msg)


def pretty(value, indent=0):
    """JSON with one set / layer / op per line: small reviewable diffs."""
    pad = ' ' * indent
    if isinstance(value, dict):
        if not value:
            return '{}'
        items = [pad + ' ' + json.dumps(k) + ': ' + pretty(v, indent + 1) for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + '\n' + pad + '}'
    if isinstance(value, list) and value and any(isinstance(v, (list, dict)) for v in value):
        items = [pad + ' ' + pretty(v, indent + 1) for v in value]
        return '[\n' + ',\n'.join(items) + '\n' + pad + ']'
    return json.dumps(value)


def check_sets(name, sets, known, ordered_members=True):
    seen = {}
    for s in sets:
        if not s:
            problem('%s: an empty set' % name)
            continue
        if ordered_members and s != sorted(s):
            problem('%s: members not sorted: %s' % (name, s))
        for m in s:
            if m in seen:
                problem('%s: %s is in two sets' % (name, m))
            seen[m] = True
            if m not in known:
                problem('%s: %s is no module the model calls' % (name, m))
    firsts = [s[0] for s in sets if s]
    if firsts != sorted(firsts):
        problem('%s: sets not sorted by their first member' % name)


def check_well_formed(results, known):
    for r in results:
        p = r['pass']
        if p in ('channel-dependency', 'input-channel-dependency'):
            check_sets(p, r['sets'], known)
        elif p == 'group-dependency':
            if list(r['layers']) != sorted(r['layers']):
                problem('group-dependency: layers not sorted')
            for layer, c in r['layers'].items():
                if layer not in known:
                    problem('group-dependency: %s is no module the model calls' % layer)
                if c['divisor'] < 1 or c['min_groups'] < 1 or c['divisor'] % c['min_groups']:
                    problem('group-dependency: %s has divisor %d, min_groups %d'
                            % (layer, c['divisor'], c['min_groups']))
        elif p == 'reshape-dependency':
            for op, layers in r['ops'].items():
                if layers != sorted(set(layers)):
                    problem('reshape-dependency: layers of %s not sorted and unique' % op)
                for layer in layers:
                    if layer not in known:
                        problem('reshape-dependency: %s is no module the model calls' % layer)
        elif p == 'attention-weight-dependency':
            for s in r['sets']:
                if len(s) != 4 or len(set(s)) != 4:
                    problem('attention-weight-dependency: not four distinct layers: %s' % s)
            # q, k, v keep graph order, so only the sets are sorted.
            check_sets(p, [[s[0]] for s in r['sets']], known)


def check_nni(model, results, expected_file):
    expected = json.load(open(expected_file)).get(model)
    if expected is None:
        return
    channel = next(r for r in results if r['pass'] == 'channel-dependency')
    got = {frozenset(s) for s in channel['sets'] if len(s) > 1}
    want = {frozenset(s) for s in expected['sets']}
    for s in sorted(want - got, key=sorted):
        problem('NNI expects the channel set %s' % sorted(s))
    # `only`: these are all the sets with more than one member (NNI's test
    # asserts the count too); otherwise the golden file pins the others.
    if expected.get('only', True):
        for s in sorted(got - want, key=sorted):
            problem('NNI expects no channel set %s' % sorted(s))


def main():
    prunedep, model_pt, facts_file, golden_file = sys.argv[1:5]
    nni_file = sys.argv[5] if len(sys.argv) > 5 else None
    facts = json.load(open(facts_file))
    model = facts['name']
    cmd = [prunedep, '--format=json', model_pt]
    for s in facts['input_shapes']:
        cmd += ['--input-shape', s]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        sys.exit('%s: prunedep failed (exit %d)' % (model, run.returncode))
    try:
        report = json.loads(run.stdout)
    except ValueError as e:
        sys.exit('%s: prunedep wrote invalid JSON: %s' % (model, e))
    if report.get('schema') != 'prunedep/1':
        problem('schema is %r, not prunedep/1' % report.get('schema'))
    results = report.get('results', [])
    if [r.get('pass') for r in results] != PASSES:
        problem('results are %s, not the five analyses in order'
                % [r.get('pass') for r in results])
    else:
        check_well_formed(results, set(facts['modules']))
        if nni_file:
            check_nni(model, results, nni_file)

    golden = pretty({'schema': report.get('schema'), 'results': results}) + '\n'
    if not problems and os.environ.get('PRUNEDEP_UPDATE_GOLDEN') == '1':
        with open(golden_file, 'w') as f:
            f.write(golden)
        print('%s: wrote %s' % (model, golden_file))
    elif not problems:
        want = open(golden_file).read() if os.path.exists(golden_file) else ''
        if want != golden:
            diff = difflib.unified_diff(want.splitlines(True), golden.splitlines(True),
                                        golden_file, 'prunedep output')
            sys.stderr.write(''.join(diff))
            problem('results differ from %s (PRUNEDEP_UPDATE_GOLDEN=1 rewrites it)' % golden_file)
    for p in problems:
        sys.stderr.write('%s: %s\n' % (model, p))
    if problems:
        sys.exit(1)
    print('%s: ok' % model)


if __name__ == '__main__':
    main()
