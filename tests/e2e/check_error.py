#!/usr/bin/python3
"""Negative end-to-end checks: bad inputs give one clear line and exit 1.

    check_error.py PRUNEDEP CASE MODELDIR WORKDIR

CASE is one of the keys of CASES. Each runs prunedep on a bad input and
checks: exit code 1 (not a crash, not 2), exactly one line on stderr, that
line says "error:" and contains the case's expected words.
"""
import os
import random
import subprocess
import sys


def garbage(workdir, models):
    """Random bytes named .pt."""
    p = os.path.join(workdir, 'garbage.pt')
    rng = random.Random(3)
    with open(p, 'wb') as f:
        f.write(bytes(rng.getrandbits(8) for _ in range(4096)))
    return [p, '--input-shape', '1x3x224x224']


def truncated(workdir, models):
    """The first half of a real archive: the zip's central directory is gone."""
    src = open(os.path.join(models, 'residual_add.pt'), 'rb').read()
    p = os.path.join(workdir, 'truncated.pt')
    with open(p, 'wb') as f:
        f.write(src[:len(src) // 2])
    return [p, '--input-shape', '1x3x32x32']


def state_dict(workdir, models):
    """A zip that torch.save wrote (weights only, no TorchScript code)."""
    import torch
    p = os.path.join(workdir, 'state_dict.pt')
    torch.save({'weight': torch.zeros(2, 2)}, p)
    return [p, '--input-shape', '1x3x224x224']


CASES = {
    # name: (arguments, words the one error line must contain)
    'not-an-archive': (garbage, ['not a TorchScript archive']),
    'truncated-archive': (truncated, ['truncated or corrupt TorchScript archive']),
    'torch-save-archive': (state_dict, ['not TorchScript', 'torch.jit.save']),
    'missing-file': (lambda w, m: [os.path.join(w, 'no-such-model.pt'), '--input-shape', '1x3'],
                     ['cannot open']),
    'wrong-input-rank': (lambda w, m: [os.path.join(m, 'resnet18.pt'), '--input-shape', '1x3x224'],
                         ["forward failed on input shape(s) 1x3x224", 'input']),
    'wrong-input-channels': (lambda w, m: [os.path.join(m, 'resnet18.pt'), '--input-shape', '1x1x224x224'],
                             ["forward failed", 'channels']),
    'wrong-input-count': (lambda w, m: [os.path.join(m, 'self_attention.pt'), '--input-shape', '2x12x64'],
                          ['forward takes 2 input(s) (hidden, mask) but 1']),
    'missing-input-shape': (lambda w, m: [os.path.join(m, 'resnet18.pt')], ['--input-shape']),
    'data-dependent-loop': (lambda w, m: [os.path.join(m, 'scripted_loop.pt'), '--input-shape', '1x3x8x8'],
                            ['prim::Loop', 'top-level module (ScriptedLoop)']),
}


def main():
    prunedep, case, models, workdir = sys.argv[1:5]
    os.makedirs(workdir, exist_ok=True)
    make_args, words = CASES[case]
    cmd = [prunedep, '--passes=verify', '--emit-ir'] + make_args(workdir, models)
    r = subprocess.run(cmd, capture_output=True, text=True)
    lines = [l for l in r.stderr.split('\n') if l.strip()]
    problems = []
    if r.returncode != 1:
        problems.append('exit code %d, want 1' % r.returncode)
    if len(lines) != 1:
        problems.append('%d lines on stderr, want 1' % len(lines))
    text = ' '.join(lines)
    if 'error:' not in text:
        problems.append('no "error:" in the message')
    for w in words:
        if w not in text:
            problems.append('the message lacks %r' % w)
    if r.stdout:
        problems.append('something on stdout')
    if problems:
        print('FAIL %s: %s\n  command: %s\n  stderr: %s' % (case, '; '.join(problems), ' '.join(cmd),
                                                          r.stderr.strip()))
        sys.exit(1)
    print('ok %s: %s' % (case, text))


if __name__ == '__main__':
    main()
