#!/usr/bin/python3
"""End-to-end check of the TorchScript frontend on one traced model.

    check_model.py PRUNEDEP MODEL.pt MODEL.json WORKDIR

MODEL.json is what tests/models/trace_models.py learned from PyTorch. Checks:
  1. `prunedep --emit-ir MODEL.pt --input-shape ...` lowers it (every op has a
     rule: --unknown-ops=error);
  2. the module paths of the layer ops (Conv*, Linear, BatchNorm*, ...) are
     exactly the layers PyTorch called;
  3. the graph's outputs have PyTorch's output shapes;
  4. every tensor has a concrete shape, and each layer's hyper-parameters
     agree with the shapes around it (in/out channels, features, ...);
  5. the IR holds the lines the model's facts list (`ir_contains`: which
     tensors meet where, with which constant arguments);
  6. the printed IR re-parses and re-prints byte-identically.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdir  # noqa: E402

LAYER_TYPES = {
    "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    "Linear", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "LayerNorm",
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "Embedding", "PReLU",
}

failures = []


def fail(msg):
    failures.append(msg)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def layer_consistency(g):
    """Each layer's attributes against the shapes of its operand and result."""
    for op in g.ops:
        if not op.kind.startswith('nn.') or not op.results or not op.operands:
            continue
        t = op.kind[3:]
        a = op.attrs
        _, xin = pdir.parse_type(g.types[op.operands[0]])
        _, yout = pdir.parse_type(op.results[0][1])
        where = '%s (%s)' % (op.module, t)
        checks = []
        if t.startswith('Conv'):
            checks = [('in_channels', xin[1]), ('out_channels', yout[1]),
                      ('kernel_size', None), ('groups', None), ('bias', None)]
            if len(a.get('kernel_size', [])) != len(xin) - 2:
                fail('%s: kernel_size %s does not match a %d-d input' % (where, a.get('kernel_size'), len(xin)))
            if a.get('in_channels', 0) % max(a.get('groups', 1), 1):
                fail('%s: groups %s do not divide in_channels' % (where, a.get('groups')))
        elif t == 'Linear':
            checks = [('in_features', xin[-1]), ('out_features', yout[-1]), ('bias', None)]
        elif t.startswith('BatchNorm') or t.startswith('InstanceNorm'):
            checks = [('num_features', xin[1]), ('eps', None), ('affine', None)]
        elif t == 'GroupNorm':
            checks = [('num_channels', xin[1]), ('num_groups', None), ('eps', None), ('affine', None)]
            if a.get('num_channels', 0) % max(a.get('num_groups', 1), 1):
                fail('%s: num_groups does not divide num_channels' % where)
        elif t == 'LayerNorm':
            checks = [('normalized_shape', None), ('eps', None), ('elementwise_affine', None)]
            ns = a.get('normalized_shape')
            if ns is not None and xin[-len(ns):] != ns:
                fail('%s: normalized_shape %s is not the end of the input shape %s' % (where, ns, xin))
        elif t == 'Embedding':
            checks = [('num_embeddings', None), ('embedding_dim', yout[-1]), ('padding_idx', None)]
        elif t == 'PReLU':
            checks = [('num_parameters', None)]
        for key, want in checks:
            if key not in a:
                fail('%s: no attribute %s' % (where, key))
            elif want is not None and a[key] != want:
                fail('%s: %s = %s but the shapes say %s' % (where, key, a[key], want))


def main():
    prunedep, model, facts_path, workdir = sys.argv[1:5]
    facts = json.load(open(facts_path))
    name = facts['name']
    os.makedirs(workdir, exist_ok=True)
    ir_path = os.path.join(workdir, name + '.pdir')
    cmd = [prunedep, '--passes=verify', '--unknown-ops=error', '--emit-ir', '-o', ir_path, model]
    for s in facts['input_shapes']:
        cmd += ['--input-shape', s]
    rc, _, err = run(cmd)
    if rc != 0:
        sys.exit('FAIL %s: prunedep exited %d: %s' % (name, rc, err.strip()))
    text = open(ir_path).read()
    g = pdir.Graph(text)

    got = sorted({op.module for op in g.ops
                  if op.module is not None and op.kind[3:] in LAYER_TYPES})
    want = sorted(facts['modules'])
    if got != want:
        fail('layer module paths differ: missing %s, unexpected %s' % (
            sorted(set(want) - set(got)), sorted(set(got) - set(want))))

    out_shapes = [pdir.parse_type(g.types[o])[1] for o in g.outputs]
    if out_shapes != facts['outputs']:
        fail('graph outputs %s, PyTorch %s' % (out_shapes, facts['outputs']))

    for v, t in g.types.items():
        _, dims = pdir.parse_type(t)
        if dims is not None and any(d < 0 for d in dims):
            fail('%%%s has an unknown dimension: %s' % (v, t))
    layer_consistency(g)
    for want_line in facts.get('ir_contains', []):
        if want_line not in text:
            fail('the IR lacks: ' + want_line)

    again = os.path.join(workdir, name + '.again.pdir')
    rc, _, err = run([prunedep, '--passes=verify', '--emit-ir', '-o', again, ir_path])
    if rc != 0:
        fail('the printed IR does not re-parse: ' + err.strip())
    elif open(again, 'rb').read() != open(ir_path, 'rb').read():
        fail('print -> parse -> print is not byte-identical')

    if failures:
        for f in failures[:30]:
            print('FAIL %s: %s' % (name, f))
        sys.exit(1)
    print('ok %s: %d ops, %d layers, outputs %s' % (name, len(g.ops), len(got), out_shapes))


if __name__ == '__main__':
    main()
