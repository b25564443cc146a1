#!/usr/bin/python3
"""Benchmark of the Python API: prunedep.analyze on an already traced module.

    PYTHONPATH=build/frontends/python /usr/bin/python3 tools/bench/python_api_bench.py \
        [--repeat N] [--processes N] [--pipeline TEXT]... [--shapes auto|trace|forward] [MODEL...]

For each torchvision model (default: resnet50 densenet121 vit_b_16, random
weights, input 1x3x224x224) in one process: trace once (not timed), run
prunedep.analyze once to warm up, then N times, and print the median wall
time with its split (learning the shapes: from the traced types, or by a
forward pass with --shapes=forward; lowering plus verification, the passes,
and the rest: Python, result objects), next to
Torch-Pruning's DependencyGraph build time measured on this machine (Debian
torch 1.13, 2 cores) and the issue's target of a tenth of it.
Not a test: nothing here asserts a time.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

import torch
import torchvision

import prunedep

# Torch-Pruning's DependencyGraph().build_dependency(model, example_inputs), seconds.
TORCH_PRUNING = {'resnet50': 0.17, 'densenet121': 0.11, 'vit_b_16': 10.0}


def traced_model(name):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return prunedep.trace(model, x), x


def measure(traced, x, pipeline, repeat, shapes):
    # Warm-up: first-call costs of LibTorch.
    source = prunedep.analyze(traced, x, passes=pipeline, shapes=shapes).shape_source
    rows = []
    for _ in range(repeat):
        t = time.perf_counter()
        report = prunedep.analyze(traced, x, passes=pipeline, shapes=shapes)
        total = time.perf_counter() - t
        tm = report.timings
        learn = tm['shapes (%s)' % report.shape_source]
        lower = tm.get('lower', 0.0) + tm.get('verify', 0.0)
        passes = sum(v for k, v in tm.items() if k.startswith('pass '))
        rows.append((total, learn, lower, passes, total - learn - lower - passes))
    return source, [statistics.median(col) for col in zip(*rows)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    ap.add_argument('models', nargs='*', default=list(TORCH_PRUNING))
    ap.add_argument('--repeat', type=int, default=5)
    ap.add_argument('--pipeline', action='append',
                    help='pipeline text (repeatable); default: the five analyses, then channel-groups')
    ap.add_argument('--shapes', default='auto', choices=['auto', 'trace', 'forward'],
                    help='where analyze() takes the shapes from (default: auto)')
    ap.add_argument('--processes', type=int, default=1,
                    help='measure each model in N fresh processes and give the median of their '
                         'medians with the range: the same calls run up to 1.8x slower in one '
                         'process than in another (heap and page layout, a neighbour filling the '
                         'shared cache), so one process is one draw')
    ap.add_argument('--rows-json', action='store_true', help=argparse.SUPPRESS)  # child mode
    args = ap.parse_args()
    pipelines = args.pipeline or [prunedep.DEFAULT_PIPELINE, 'channel-groups']
    print('torch %s, %d threads, median of %d runs%s, seconds' %
          (torch.__version__, torch.get_num_threads(), args.repeat,
           ' per process, median over %d processes (min-max)' % args.processes
           if args.processes > 1 else ''), flush=True)
    header = ('model', 'pipeline', 'total', 'shapes (from)', 'lower', 'passes', 'other', 'TP build',
              'target')
    if args.processes > 1:
        print('%-12s %-16s %-20s %-16s %8s %8s %8s %10s %8s' % header)
        for name in args.models:
            runs = [rows_of_child(name, args) for _ in range(args.processes)]
            for i, row in enumerate(runs[0]):
                column = lambda key: [run[i][key] for run in runs]
                totals = column('total')
                print_row(name, row['pipeline'], '%.3f (%.3f-%.3f)' % (
                    statistics.median(totals), min(totals), max(totals)),
                    statistics.median(column('learn')), row['source'],
                    *(statistics.median(column(k)) for k in ('lower', 'passes', 'other')))
        return
    if not args.rows_json:
        print('%-12s %-16s %8s %-16s %8s %8s %8s %10s %8s' % header)
    for name in args.models:
        traced, x = traced_model(name)
        for pipeline in pipelines:
            source, (total, learn, lower, passes, other) = measure(traced, x, pipeline,
                                                                  args.repeat, args.shapes)
            if args.rows_json:
                print(json.dumps(dict(pipeline=pipeline, total=total, learn=learn, source=source,
                                      lower=lower, passes=passes, other=other)), flush=True)
            else:
                print_row(name, pipeline, '%8.3f' % total, learn, source, lower, passes, other)


def print_row(name, pipeline, total, learn, source, lower, passes, other):
    tp = TORCH_PRUNING.get(name)
    label = 'five analyses' if pipeline == prunedep.DEFAULT_PIPELINE else pipeline
    print('%-12s %-16s %-20s %-16s %8.3f %8.3f %8.3f %10s %8s' % (
        name, label[:16], total, '%.3f (%s)' % (learn, source), lower, passes, other,
        '%.2f' % tp if tp else '-', '%.3f' % (tp / 10) if tp else '-'), flush=True)


def rows_of_child(model, args):
    """One fresh process measuring `model`: its rows, one per pipeline."""
    command = [sys.executable, os.path.abspath(__file__), '--rows-json', '--repeat',
               str(args.repeat), '--shapes', args.shapes, model]
    for pipeline in args.pipeline or []:
        command += ['--pipeline', pipeline]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith('{')]


if __name__ == '__main__':
    main()
