"""`prunedep prune MODEL.pt --ratio 0`: the archive the backend emits, with
nothing removed, must compute exactly what the original archive computes.

    check_prune_identity.py PRUNEDEP MODEL.pt FACTS.json WORKDIR

The pruned IR is emitted as a fresh TorchScript forward (traced from the
IR, on a new module tree); at ratio 0 that forward must be the model's own.
This holds the backend to the original model rather than to prunedep's own
interpreter: a lost in-place write (Swin fills its attention mask through
slices of it) or a dropped constant shows here. Both run on the same seeded
random inputs; outputs must agree within 1e-5 relative to max(1, |output|).
"""
import json
import os
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from driver import command  # noqa: E402
from torch_io import flat_outputs as flat, inputs_for  # noqa: E402


def main(argv):
    prunedep, model_path, facts_path, workdir = argv[1:5]
    os.makedirs(workdir, exist_ok=True)
    name = os.path.splitext(os.path.basename(model_path))[0]
    out_pt = os.path.join(workdir, name + '.ratio0.pt')
    if os.path.exists(out_pt):
        os.remove(out_pt)
    cmd = command(prunedep, model_path, facts_path, 'prune', '--ratio', '0', '-o', out_pt)
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        print('FAIL: %s exited %d: %s' % (' '.join(cmd), run.returncode, run.stderr.strip()[-2000:]))
        return 1
    with open(facts_path) as f:
        facts = json.load(f)
    inputs = inputs_for(facts['input_shapes'])
    with torch.no_grad():  # seeded alike: a forward may draw random numbers
        torch.manual_seed(1)
        want = flat(torch.jit.load(model_path)(*[x.clone() for x in inputs]))
        torch.manual_seed(1)
        got = flat(torch.jit.load(out_pt)(*[x.clone() for x in inputs]))
    if len(got) != len(want):
        print('FAIL: the archive returns %d tensor(s), the original %d' % (len(got), len(want)))
        return 1
    for i, (g, w) in enumerate(zip(got, want)):
        if g.shape != w.shape or g.dtype != w.dtype:
            print('FAIL: output %d: %s %s, the original %s %s' % (i, list(g.shape), g.dtype, list(w.shape), w.dtype))
            return 1
        if not w.is_floating_point():
            if not torch.equal(g, w):
                print('FAIL: output %d (%s) differs' % (i, w.dtype))
                return 1
            continue
        scale = max(1.0, w.abs().max().item()) if w.numel() else 1.0
        err = (g.double() - w.double()).abs().max().item() if w.numel() else 0.0
        if not err <= 1e-5 * scale:
            print('FAIL: output %d: the ratio-0 archive differs from the original by %.3g (scale %.3g)'
                  % (i, err, scale))
            return 1
    print('OK %s: %d output(s) equal at ratio 0' % (name, len(got)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
