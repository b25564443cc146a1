#!/usr/bin/python3
"""Negative end-to-end checks: bad inputs give one clear line and exit 1.

    check_error.py PRUNEDEP CASE MODELDIR WORKDIR

CASE is one of the keys of CASES. Each runs prunedep on a bad input and
checks: exit code 1 (not a crash, not 2), exactly one line on stderr, that
line says "error:" and contains the case's expected words. MODELDIR holds
the traced test models (tests/models, and tests/e2e for the models of the
hostile-input corpus); the bad archives are derived from them here.

CASE "mutated-archives" instead damages a real archive in many seeded ways
(bytes overwritten in its zip headers, pickles and code) and checks that
each run ends in a report (exit 0: the damage hit only weights) or in one
error line with exit 1, never a crash, a hang or a LibTorch backtrace.
"""
import os
import random
import subprocess
import sys
import zipfile


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


def rewrite_archive(src, dst, drop=lambda name: False, edit=None):
    """A copy of the zip `src` without the entries `drop` accepts, each other
    entry's bytes passed through `edit(name, data)`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if drop(info.filename):
                continue
            data = zin.read(info.filename)
            zout.writestr(info, edit(info.filename, data) if edit else data)
    return dst


def missing_class(workdir, models):
    """The archive's code names a class (Conv2d) whose code file is gone."""
    p = rewrite_archive(os.path.join(models, 'residual_add.pt'), os.path.join(workdir, 'missing_class.pt'),
                        drop=lambda n: '/code/__torch__/torch/nn/modules/conv.py' in n)
    return [p, '--input-shape', '1x3x32x32']


def undefined_call(workdir, models):
    """The forward calls a class the archive does not define."""
    def edit(name, data):
        if name.endswith('/code/__torch__.py'):
            return data.replace(b'return (head).forward(input0, )', b'return __torch__.NoSuchClass(input0)')
        return data
    p = rewrite_archive(os.path.join(models, 'residual_add.pt'), os.path.join(workdir, 'undefined_call.pt'),
                        edit=edit)
    return [p, '--input-shape', '1x3x32x32']


def without_code(workdir, models):
    """A TorchScript archive with every code/ entry removed."""
    p = rewrite_archive(os.path.join(models, 'residual_add.pt'), os.path.join(workdir, 'no_code.pt'),
                        drop=lambda n: '/code/' in n)
    return [p, '--input-shape', '1x3x32x32']


def plain_zip(workdir, models):
    """A zip file that is nothing PyTorch wrote."""
    p = os.path.join(workdir, 'plain.pt')
    with zipfile.ZipFile(p, 'w') as z:
        z.writestr('readme.txt', 'not a model')
    return [p, '--input-shape', '1x3x224x224']


def resnet(shape):
    return lambda w, m: [os.path.join(m, 'resnet18.pt'), '--input-shape', shape]


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
    'missing-class': (missing_class, ["the archive's TorchScript code does not compile",
                                      'code/__torch__.py:',
                                      "Unknown type name '__torch__.torch.nn.modules.conv.Conv2d'"]),
    'undefined-call': (undefined_call, ["the archive's TorchScript code does not compile"]),
    'zip-without-code': (without_code, ['not TorchScript', 'no TorchScript code']),
    'plain-zip': (plain_zip, ['a zip archive but not a TorchScript archive']),
    'forward-raises': (lambda w, m: [os.path.join(m, 'checked_input.pt'), '--input-shape', '1x3x4x4'],
                       ['forward failed on input shape(s) 1x3x4x4', 'input smaller than 8x8']),
    # Two layers' weights in one storage through different views.
    'overlapping-weights': (lambda w, m: [os.path.join(m, 'shared_view.pt'), '--input-shape', '2x6'],
                            ["'b' shares entries with the weight of 'a' through a different view",
                             'cannot tell which entries of one are which of the other']),
    'zero-dim': (resnet('1x3x0x224'), ["--input-shape '1x3x0x224'", 'dimension 0 must be at least 1']),
    'negative-dim': (resnet('1x-3x224x224'), ['dimension -3 must be at least 1']),
    'huge-dim': (resnet('1x3x99999999999x224'), ['would take 244.5 TiB', 'refuses inputs above 1.0 GiB']),
    'huge-input': (resnet('1x3x65536x65536'), ['would take 48.0 GiB', 'use batch 1']),
    # Each below the limit, together above it: the frontend's own check.
    'huge-inputs-together': (lambda w, m: [os.path.join(m, 'self_attention.pt'), '--input-shape', '1x150000000',
                                           '--input-shape', '1x80000000:int64'],
                             ['input 2 (1x80000000): the inputs would take more than 1024 MiB']),
    'overflowing-dims': (resnet('4294967296x4294967296x4294967296'),
                         ['more elements than fit in 64 bits']),
    'dim-beyond-int64': (resnet('1x3x99999999999999999999x224'), ['does not fit in 64 bits']),
    'too-many-dims': (resnet('x'.join(['1'] * 65)), ['more than 64 dimensions']),
    'malformed-shape': (resnet('1x3xabcx224'), ['expected dimensions like 1x3x224x224']),
    'empty-shape': (resnet(''), ['expected dimensions like 1x3x224x224']),
    'trailing-x': (resnet('1x3x224x'), ['expected dimensions like 1x3x224x224']),
    'unknown-dtype': (resnet('1x3x224x224:complex'), ["unknown dtype 'complex'"]),
}


def mutated_archives(prunedep, models, workdir):
    """Seeded damage to residual_add.pt: each run exits 0, or 1 with one line."""
    src = open(os.path.join(models, 'residual_add.pt'), 'rb').read()
    problems, outcomes = [], {}
    for seed in range(24):
        rng = random.Random(seed)
        data = bytearray(src)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        p = os.path.join(workdir, 'mutant%d.pt' % seed)
        with open(p, 'wb') as f:
            f.write(data)
        cmd = [prunedep, '--passes=verify', p, '--input-shape', '1x3x32x32']
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            problems.append('seed %d: no answer after 120 s' % seed)
            continue
        try:  # the archive's bytes must reach the message escaped
            r.stderr = r.stderr.decode('utf-8')
        except UnicodeDecodeError:
            problems.append('seed %d: the message is not UTF-8: %r' % (seed, r.stderr[:300]))
            continue
        lines = [l for l in r.stderr.split('\n') if l.strip()]
        outcomes[r.returncode] = outcomes.get(r.returncode, 0) + 1
        if r.returncode == 0:
            continue
        if r.returncode != 1 or len(lines) != 1 or 'error:' not in lines[0] or 'frame #' in r.stderr:
            problems.append('seed %d: exit %d, stderr: %s' % (seed, r.returncode, r.stderr.strip()[:500]))
    if problems:
        print('FAIL mutated-archives:\n  ' + '\n  '.join(problems))
        sys.exit(1)
    print('ok mutated-archives: exit codes %s' % outcomes)


def main():
    prunedep, case, models, workdir = sys.argv[1:5]
    os.makedirs(workdir, exist_ok=True)
    if case == 'mutated-archives':
        return mutated_archives(prunedep, models, workdir)
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
