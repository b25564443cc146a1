#!/usr/bin/python3
"""End-to-end test of `prunedep verify` on one traced model.

    check_verify.py PRUNEDEP MODEL.pt FACTS.json

Runs `prunedep verify --format=json MODEL.pt --input-shape ...` (the shapes
from FACTS.json, written by tests/models/trace_models.py) and checks that it
exits 0 and that its report is well formed and says what the exit code says:
at least one set verified, every verified set "ok" (the pruned model ran with
the predicted shapes, and every member was needed), none failed or
over-coupled. Prints the summary (docs/channel-groups.md's table is made of these).
"""
import json
import subprocess
import sys

prunedep, model, facts_path = sys.argv[1:4]
facts = json.load(open(facts_path))
cmd = [prunedep, 'verify', '--format=json', model]
for shape in facts['input_shapes']:
    cmd += ['--input-shape', shape]
run = subprocess.run(cmd, capture_output=True, text=True)
problems = []
try:
    report = json.loads(run.stdout)
except json.JSONDecodeError:
    sys.exit('%s: not JSON (exit %d): %s%s' % (model, run.returncode, run.stdout[:500], run.stderr[-2000:]))
if report.get('schema') != 'prunedep/1':
    problems.append('schema is %r' % report.get('schema'))
results = report.get('results', [])
if len(results) != 1 or results[0].get('pass') != 'verify':
    sys.exit('%s: expected one "verify" result, got %r' % (model, [r.get('pass') for r in results]))
summary, sets = results[0]['summary'], results[0]['sets']
if summary['verified'] == 0:
    problems.append('no set verified')
if summary['verified'] != len(sets):
    problems.append('summary says %d verified, %d sets listed' % (summary['verified'], len(sets)))
for s in sets:
    if s['status'] != 'ok':
        problems.append('set %d: %s: %s%s' % (s['set'], s['status'], s.get('failure', ''),
                                             ' over-coupled: ' + ', '.join(s['over-coupled'])
                                             if s['over-coupled'] else ''))
if run.returncode != (0 if not problems else 1):
    problems.append('exit code %d does not match the report' % run.returncode)
print('%s: %d sets verified, %d ok, %d failed, %d over-coupled, %d blocked, %.1f s' % (
    facts['name'], summary['verified'], summary['ok'], summary['failed'], summary['over-coupled'],
    summary['blocked'], summary['seconds'] / 1000.0))
if problems:
    print('\n'.join(problems), file=sys.stderr)
    sys.exit(1)
