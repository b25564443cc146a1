"""Shared set-up of the Python API tests (run by `meson test --suite python`).

The meson test sets PRUNEDEP_BUILD_ROOT (the build dir: the prunedep command,
the traced models in tests/models) and puts the built package on PYTHONPATH.
The CLI is the reference: the Python API must give what it prints.
"""
import json
import os
import subprocess
import sys

import pytest
import torch

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_ROOT = os.environ.get('PRUNEDEP_BUILD_ROOT', os.path.join(SOURCE_ROOT, 'build'))
PRUNEDEP = os.path.join(BUILD_ROOT, 'tools', 'prunedep', 'prunedep')
MODELS = os.path.join(BUILD_ROOT, 'tests', 'models')
GOLDEN = os.path.join(SOURCE_ROOT, 'tests', 'golden')

# The hand-written and torchvision model builders the build traces.
sys.path.insert(0, os.path.join(SOURCE_ROOT, 'tests', 'models'))
import trace_models  # noqa: E402

# The inputs the prunedep command makes (shared with the e2e checks).
sys.path.insert(0, os.path.join(SOURCE_ROOT, 'tests', 'e2e'))
from torch_io import inputs_for  # noqa: E402,F401


def model_path(name):
    path = os.path.join(MODELS, name + '.pt')
    if not os.path.exists(path):
        pytest.skip('%s not built (needs the traced test models)' % path)
    return path


def facts(name):
    model_path(name)
    with open(os.path.join(MODELS, name + '.json')) as f:
        return json.load(f)


def run_cli(args):
    if not os.access(PRUNEDEP, os.X_OK):
        pytest.skip('%s not built' % PRUNEDEP)
    return subprocess.run([PRUNEDEP] + args, capture_output=True, text=True)


def cli_output(args):
    run = run_cli(args)
    assert run.returncode == 0, run.stderr
    return run.stdout


def shape_flags(name):
    flags = []
    for s in facts(name)['input_shapes']:
        flags += ['--input-shape', s]
    return flags


def build_model(name):
    """The nn.Module the build traced for NAME (same seed, eval mode)."""
    builder = trace_models.MODELS[name][0]
    torch.manual_seed(0)
    return builder().eval()
