"""`prunedep prune MODEL.pt` end to end, against the Python pruner.

    check_prune_archive.py PRUNEDEP MODEL.pt FACTS.json WORKDIR [--ignore L]... [--round-to N]
                           [--tolerance T]

1. The command line prunes the archive at ratio 0.5 (--plan-out, -o), L1,
   with the options given.
2. The written archive loads in plain PyTorch (torch.jit.load) and runs on a
   random input: every output has the original's shape.
3. The Python planner, prunedep.prune_plan, with the same options on the
   model rebuilt as an nn.Module (tests/models/trace_models.py) with the
   archive's weights, gives the very plan the command wrote (every set,
   group, index and skip reason; no tolerance).
4. The Python pruner applies that plan (prunedep.prune(plan=...)): the two
   pruned models have the same parameter count and compute the same
   outputs. Two parts of prunedep, one answer.
Exit 0 when all hold; 1 with what differs.
"""
import json
import os
import subprocess
import sys
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'models'))
from driver import command  # noqa: E402
from torch_io import flat_outputs as flat, inputs_for  # noqa: E402


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def plan_difference(cpp, py):
    """The first difference between two plans, or None."""
    for key in sorted(set(cpp) | set(py)):
        if key not in ('sets', 'skipped') and cpp.get(key) != py.get(key):
            return '"%s": %r here, %r in Python' % (key, cpp.get(key), py.get(key))
    for key in ('sets', 'skipped'):
        a = {s['set']: s for s in cpp[key]}
        b = {s['set']: s for s in py[key]}
        if sorted(a) != sorted(b):
            return '%s: sets %s here, %s in Python' % (key, sorted(a), sorted(b))
        for n in sorted(a):
            for field in a[n]:
                here, there = a[n][field], b[n].get(field)
                if field == 'members' and here != there and len(here) == len(there):
                    here, there = next((x, y) for x, y in zip(here, there) if x != y)
                if here != there:
                    return '%s: set %d: "%s": %r here, %r in Python' % (key, n, field, here, there)
    return None


def params(m):
    seen, n = set(), 0
    for p in m.parameters():
        if id(p) not in seen:
            seen.add(id(p))
            n += p.numel()
    return n


def main(argv):
    prunedep, model_path, facts_path, workdir = argv[1:5]
    ignore, round_to, tolerance = [], None, 1e-4
    rest = argv[5:]
    while rest:
        if rest[0] == '--ignore' and len(rest) > 1:
            ignore.append(rest[1])
            rest = rest[2:]
        elif rest[0] == '--round-to' and len(rest) > 1:
            round_to = int(rest[1])
            rest = rest[2:]
        elif rest[0] == '--tolerance' and len(rest) > 1:
            tolerance = float(rest[1])
            rest = rest[2:]
        else:
            fail('unexpected argument ' + rest[0])
    os.makedirs(workdir, exist_ok=True)
    name = os.path.splitext(os.path.basename(model_path))[0]
    # Tests of one model may run at the same time.
    stem = name + ('.round%d' % round_to if round_to else '')
    out_pt = os.path.join(workdir, stem + '.pruned.pt')
    plan_json = os.path.join(workdir, stem + '.plan.json')
    for f in (out_pt, plan_json):
        if os.path.exists(f):
            os.remove(f)
    options = [a for layer in ignore for a in ('--ignore', layer)]
    if round_to:
        options += ['--round-to', str(round_to)]
    cmd = command(prunedep, model_path, facts_path, 'prune', '--ratio', '0.5', *options,
                  '--plan-out', plan_json, '-o', out_pt)
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        fail('%s exited %d: %s' % (' '.join(cmd), run.returncode, run.stderr.strip()[-2000:]))
    with open(plan_json) as f:
        plan = json.load(f)
    if not plan['sets']:
        fail('the plan prunes no set')

    with open(facts_path) as f:
        facts = json.load(f)
    inputs = inputs_for(facts['input_shapes'])
    original = torch.jit.load(model_path)
    pruned = torch.jit.load(out_pt)
    with torch.no_grad():
        want = flat(original(*inputs))
        got = flat(pruned(*inputs))
    if len(got) != len(want):
        fail('the pruned archive returns %d tensor(s), the original %d' % (len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        if g.shape != w.shape:
            fail('output %d: shape %s, the original %s' % (i, list(g.shape), list(w.shape)))

    import trace_models
    import prunedep
    module = trace_models.MODELS[name][0]()
    # The archive also holds the module's non-persistent buffers (rotary
    # caches, causal masks), which its state_dict() leaves out.
    weights = original.state_dict()
    missing = [k for k in module.state_dict() if k not in weights]
    if missing:
        fail('the archive has no %s' % ', '.join(missing[:3]))
    module.load_state_dict({k: weights[k] for k in module.state_dict()})
    module.eval()
    # The archive is the reference here: prune's own check (against the
    # zeroed original) is skipped, as it cannot compare values through a
    # norm over pruned channels that it does not know (llama_lm's RMSNorm).
    py_plan = prunedep.prune_plan(module, tuple(inputs), ratio=0.5, ignored_layers=ignore,
                                  round_to=round_to)
    diff = plan_difference(plan, py_plan)
    if diff:
        fail('the Python plan differs from the command\'s: ' + diff)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        report = prunedep.prune(module, tuple(inputs), plan=plan, check=False)
    if report.forward_error:
        fe = report.forward_error
        ambiguous = ['%s.%s = %d' % (a['module'], a['attr'], a['value']) for a in fe['ambiguous']]
        fail('the Python-pruned module does not run: %s at %s; ambiguous: %s'
             % (fe['error'], fe['source'], ', '.join(ambiguous) or '-'))
    if params(pruned) != params(module) or params(pruned) != report.params_after:
        fail('parameters: archive %d, Python pruner %d (report %d)'
             % (params(pruned), params(module), report.params_after))
    with torch.no_grad():
        py = flat(module(*inputs))
    for i, (g, p) in enumerate(zip(got, py)):
        scale = max(1.0, p.abs().max().item())
        err = (g - p).abs().max().item()
        if not err <= tolerance * scale:
            fail('output %d: the archive and the Python-pruned module differ by %.3g (scale %.3g); '
                 'the plans and parameter counts are the same' % (i, err, scale))
    print('OK %s: the same plan (%d sets pruned, %d skipped), params %d -> %d, outputs %s'
          % (' '.join([name] + options), len(plan['sets']), len(plan['skipped']),
             params(original), params(pruned), [list(g.shape) for g in got]))


if __name__ == '__main__':
    main(sys.argv)
