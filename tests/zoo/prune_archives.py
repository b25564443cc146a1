#!/usr/bin/python3
"""`prunedep prune` on every traced model of the zoo cache: the table of
docs/pruning.md's command-line section.

    prune_archives.py CACHE_DIR [--ratio 0.5] [--only NAME,...] [--timeout S]
                      [--prunedep build/tools/prunedep/prunedep]

For each NAME.pt with its NAME.trace.json (written by run_zoo.py):
  1. `prunedep prune NAME.pt --input-shape ... --ratio R --format=json -o
     CACHE_DIR/pruned/NAME.pt`: the plan, MACs, parameters, the time the plan
     and the pruning take, and the check (verify's value check on every op
     the pruning touches, then the written archive run again);
  2. in a child /usr/bin/python3: torch.jit.load of the pruned archive, one
     forward on a random input: every output has the original's shape (and,
     with --ratio 0, the original's values: the emitted archive is the model).
The model's outputs are kept (prunedep's default: sets that change an
output's shape are skipped). Writes CACHE_DIR/prune_cli.json and
CACHE_DIR/prune_cli.md.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

LOAD_AND_RUN = r'''
import sys, torch
torch.set_num_threads(1)
e2e, orig, pruned, values, shapes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == 'values', sys.argv[5:]
sys.path.insert(0, e2e)
from torch_io import flat_outputs as flat, inputs_for
xs = inputs_for(shapes)
with torch.no_grad():
    # Seeded alike: a forward may draw random numbers (tacotron2's dropout).
    torch.manual_seed(1); a = flat(torch.jit.load(orig)(*[x.clone() for x in xs]))
    torch.manual_seed(1); b = flat(torch.jit.load(pruned)(*[x.clone() for x in xs]))
same = len(a) == len(b) and all(x.shape == y.shape for x, y in zip(a, b))
if same and values:
    for x, y in zip(a, b):
        if x.is_floating_point() and x.numel():
            same = same and (x.double() - y.double()).abs().max().item() <= 1e-5 * max(1.0, x.abs().max().item())
        elif x.numel():
            same = same and torch.equal(x, y)
print('SHAPES %s %s' % ('same' if same else 'differ', [list(t.shape) for t in b]))
'''


def run_model(args, name, facts):
    pt = os.path.join(args.cache, name + '.pt')
    out = os.path.join(args.cache, 'pruned', name + '.pt')
    cmd = [args.prunedep, 'prune', pt, '--ratio', str(args.ratio), '--format=json', '-o', out]
    for s in facts['input_shapes']:
        cmd += ['--input-shape', s]
    row = {'name': name, 'family': facts.get('family', ''), 'ok': False}
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        row['error'] = 'timeout after %d s' % args.timeout
        return row
    row['wall_seconds'] = round(time.time() - t0, 2)
    if p.returncode != 0:
        row['error'] = (p.stderr.strip().splitlines() or ['exit %d' % p.returncode])[-1][:300]
        return row
    report = json.loads(p.stdout)
    res = next(r for r in report['results'] if r.get('pass') == 'prune-plan')
    for key in ('macs_before', 'macs_after', 'params_before', 'params_after', 'checked', 'seconds'):
        if key in res:
            row[key] = res[key]
    row['sets_pruned'] = len(res.get('sets', []))
    # At ratio 0 the archive must be the model itself: values compared too.
    mode = 'values' if args.ratio == 0 else 'shapes'
    run = subprocess.run(['/usr/bin/python3', '-c', LOAD_AND_RUN, os.path.join(REPO, 'tests', 'e2e'), pt, out, mode]
                         + facts['input_shapes'],
                         capture_output=True, text=True, timeout=args.timeout)
    line = [l for l in run.stdout.splitlines() if l.startswith('SHAPES')]
    row['reloaded'] = line[0].split()[1] if line else 'error: ' + (run.stderr.strip().splitlines() or ['?'])[-1][:200]
    row['ok'] = row['reloaded'] == 'same'
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('cache')
    ap.add_argument('--ratio', type=float, default=0.5)
    ap.add_argument('--only', default='')
    ap.add_argument('--timeout', type=int, default=900)
    ap.add_argument('--out', default='prune_cli', help='CACHE_DIR/OUT.json and OUT.md')
    ap.add_argument('--prunedep', default=os.path.join(REPO, 'build', 'tools', 'prunedep', 'prunedep'))
    args = ap.parse_args()
    os.makedirs(os.path.join(args.cache, 'pruned'), exist_ok=True)
    only = set(filter(None, args.only.split(',')))
    rows = []
    for f in sorted(os.listdir(args.cache)):
        if not f.endswith('.trace.json'):
            continue
        name = f[:-len('.trace.json')]
        if only and name not in only:
            continue
        with open(os.path.join(args.cache, f)) as fh:
            facts = json.load(fh)
        if not facts.get('ok') or not os.path.exists(os.path.join(args.cache, name + '.pt')):
            continue
        row = run_model(args, name, facts)
        rows.append(row)
        print('%-28s %s' % (name, 'OK' if row['ok'] else 'FAIL ' + row.get('error', row.get('reloaded', ''))),
              flush=True)
        with open(os.path.join(args.cache, args.out + '.json'), 'w') as fh:
            json.dump(rows, fh, indent=1)
    write_md(args, rows)


def fmt_m(x):
    return '%.1fM' % (x / 1e6) if x is not None else '-'


def fmt_g(x):
    return '%.2fG' % (x / 1e9) if x is not None else '-'


def write_md(args, rows):
    ok = sum(r['ok'] for r in rows)
    lines = ['%d of %d models pruned at ratio %g, checked, written, reloaded and run with the original output shapes.'
             % (ok, len(rows), args.ratio), '',
             '| family | model | OK | params | MACs | plan | prune | check | reason |',
             '|---|---|---|---|---|---:|---:|---|---|']
    for r in sorted(rows, key=lambda r: (r['family'], r['name'])):
        s = r.get('seconds', {}) or {}
        check = r.get('checked')
        check_txt = '-' if check is None else ('OK' if (check is True or (isinstance(check, dict) and check.get('ok'))) else str(check))
        lines.append('| %s | %s | %s | %s -> %s | %s -> %s | %s | %s | %s | %s |' % (
            r['family'], r['name'], 'yes' if r['ok'] else 'no',
            fmt_m(r.get('params_before')), fmt_m(r.get('params_after')),
            fmt_g(r.get('macs_before')), fmt_g(r.get('macs_after')),
            ('%.3f s' % s['plan']) if 'plan' in s else '-', ('%.3f s' % s['prune']) if 'prune' in s else '-',
            check_txt, '' if r['ok'] else (r.get('error') or r.get('reloaded', '')).replace('|', '/')))
    with open(os.path.join(args.cache, args.out + '.md'), 'w') as fh:
        fh.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
