#!/usr/bin/python3
"""The pruning verifier catches a wrong index map that shapes cannot show.

    check_wrong_map.py PRUNEDEP WORKDIR

Traces a small model whose channels pass torch.flip (channel i becomes
channel C-1-i) into WORKDIR, and runs `prunedep verify` on it:
  1. with the built-in table, which has no channel map for aten::flip: the
     groups through it are blocked (not verified); the one left verifies;
  2. with a rule file that wrongly maps aten::flip as "elementwise" (index i
     stays i): every shape still agrees, but the value check must fail at
     the flip and say that an index map is wrong;
and, as a control, on the same model with a permute of the spatial dims in
place of the flip (mapped by the built-in table), which verifies.
"""
import os
import subprocess
import sys

import torch
import torch.nn as nn

prunedep, workdir = sys.argv[1:3]
os.makedirs(workdir, exist_ok=True)


class Flipped(nn.Module):
    def __init__(self, flip):
        super().__init__()
        self.flip = flip
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.b = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        y = self.a(x)
        y = torch.flip(y, [1]) if self.flip else y.permute(0, 1, 3, 2)
        return self.b(y)


def trace(flip, name):
    torch.manual_seed(0)
    path = os.path.join(workdir, name)
    torch.jit.trace(Flipped(flip).eval(), torch.randn(1, 3, 8, 8)).save(path)
    return path


def verify(model, rules=None):
    cmd = [prunedep, 'verify', model, '--input-shape', '1x3x8x8']
    if rules:
        cmd += ['--rules', rules]
    return subprocess.run(cmd, capture_output=True, text=True)


problems = []
flipped = trace(True, 'flipped.pt')
run = verify(flipped)
if run.returncode != 0 or 'verify: 1 prunable sets: 1 ok' not in run.stdout:
    problems.append('built-in table: expected exit 0 with the flip group blocked:\n' + run.stdout + run.stderr)

wrong = os.path.join(workdir, 'flip-as-elementwise.toml')
with open(wrong, 'w') as f:
    f.write('[channel-map]\n"aten::flip" = { kind = "elementwise" }\n')
run = verify(flipped, wrong)
expected = 'an index map or a weight slice is wrong'
if run.returncode != 1 or expected not in run.stdout or 'aten::flip' not in run.stdout:
    problems.append('flip mapped as elementwise: expected exit 1 and "%s" at aten::flip:\n%s%s'
                    % (expected, run.stdout, run.stderr))

run = verify(trace(False, 'permuted.pt'))
if run.returncode != 0:
    problems.append('permute: expected exit 0:\n' + run.stdout + run.stderr)

if problems:
    sys.exit('\n\n'.join(problems))
print('the value check caught the wrong map of aten::flip')
