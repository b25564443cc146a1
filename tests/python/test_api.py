"""The rest of the API: .pdir work, errors as exceptions with the command's
messages, the user's model left as it was."""
import os
import subprocess

import pytest
import torch
import torch.nn as nn

import prunedep
from conftest import GOLDEN, SOURCE_ROOT, build_model, cli_output, inputs_for, model_path, run_cli

PDIR = os.path.join(GOLDEN, 'resnet18.pdir')


def test_load_ir_and_run_equal_cli():
    text = open(PDIR).read()
    ir = prunedep.load_ir(text, PDIR)
    assert str(ir) == cli_output(['--emit-ir', '--passes=verify', PDIR])
    report = prunedep.run(ir, name=PDIR)
    assert report.to_json() == cli_output(['--format=json', PDIR])
    sub = prunedep.run(prunedep.load_ir(text), passes=['group-dependency', 'reshape-dependency'])
    assert [r.pass_name for r in sub] == ['group-dependency', 'reshape-dependency']


def test_lower_gives_the_cli_ir():
    path = model_path('residual_add')
    ir = prunedep.lower(torch.jit.load(path), inputs_for(['1x3x32x32']), name=path)
    assert ir.name == 'residual_add'
    assert str(ir) == cli_output(['--emit-ir', '--passes=verify', path, '--input-shape', '1x3x32x32'])
    assert ir.num_ops > 0 and set(ir.frontend_seconds) == {'shapes', 'lower'}
    assert ir.shape_source == 'forward'  # a loaded archive keeps no traced shapes


def cli_error(args):
    run = run_cli(args)
    assert run.returncode != 0
    return run.stderr.strip().splitlines()[-1]


def test_parse_error_has_the_cli_message(tmp_path):
    bad = tmp_path / 'bad.pdir'
    bad.write_text('graph @g(%x: f32[1,3]) {\n  %y: f32[1,3] = aten::relu(%nope)\n  return %y\n}\n')
    with pytest.raises(prunedep.Error) as e:
        prunedep.load_ir(bad.read_text(), str(bad))
    assert str(e.value) == cli_error([str(bad)])


def test_wrong_input_shape_has_the_cli_message():
    path = model_path('resnet18')
    with pytest.raises(prunedep.Error) as e:
        prunedep.analyze(torch.jit.load(path), inputs_for(['1x4x32x32']), name=path)
    assert str(e.value) == cli_error([path, '--input-shape', '1x4x32x32'])
    assert 'the model\'s forward failed on input shape(s) 1x4x32x32' in str(e.value)


def test_wrong_input_count():
    x = torch.randn(1, 3, 32, 32)
    traced = prunedep.trace(build_model('residual_add'), x)
    with pytest.raises(prunedep.Error, match=r"takes 1 input\(s\) \(x\) but 2 example input\(s\)"):
        prunedep.analyze(traced, (x, x))


def test_pipeline_and_rule_errors_have_the_cli_messages(tmp_path):
    path = model_path('residual_add')
    x = inputs_for(['1x3x32x32'])
    with pytest.raises(prunedep.Error) as e:
        prunedep.analyze(torch.jit.load(path), x, passes='channel-dependency,no-such-pass')
    assert 'prunedep: ' + str(e.value) == cli_error(['--passes=channel-dependency,no-such-pass', path,
                                                     '--input-shape', '1x3x32x32'])
    rules = tmp_path / 'bad.toml'
    rules.write_text('[op."x::y"]\ntraits = ["no-such-trait"]\n')
    with pytest.raises(prunedep.Error) as e:
        prunedep.analyze(torch.jit.load(path), x, rules=rules)
    assert str(e.value) == cli_error(['--rules', str(rules), path, '--input-shape', '1x3x32x32'])
    with pytest.raises(prunedep.Error, match='unknown-ops'):
        prunedep.analyze(torch.jit.load(path), x, unknown_ops='sometimes')


def test_rules_and_unknown_ops(tmp_path):
    class Fused(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(3, 8, 1)
            self.b = nn.Conv2d(3, 8, 1)

        def forward(self, x):
            return torch.hypot(self.a(x), self.b(x))
    model, x = Fused(), torch.randn(1, 3, 8, 8)
    report = prunedep.analyze(model, x, passes='channel-dependency')
    assert report['channel-dependency'].sets == [['a'], ['b']]
    assert any('aten::hypot' in w for w in report.warnings)
    with pytest.raises(prunedep.Error, match='aten::hypot'):
        prunedep.analyze(model, x, unknown_ops='error')
    rules = tmp_path / 'hypot.toml'
    rules.write_text('[op."aten::hypot"]\ntraits = ["elementwise"]\n')
    report = prunedep.analyze(model, x, passes='channel-dependency', rules=[rules])
    assert report['channel-dependency'].sets == [['a', 'b']]


def test_failing_forward_raises_and_the_interpreter_survives():
    class Raises(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 1)

        def forward(self, x):
            if x.sum() > 1e9:
                raise RuntimeError('too big')
            return self.conv(x)
    scripted = torch.jit.script(Raises())
    with pytest.raises(prunedep.Error, match='too big'):
        prunedep.analyze(scripted, torch.full((1, 3, 4, 4), 1e9))
    assert prunedep.analyze(scripted, torch.zeros(1, 3, 4, 4))['channel-dependency'].sets == [['conv']]


def test_type_errors():
    with pytest.raises(TypeError):
        prunedep.analyze(object(), torch.randn(1))
    with pytest.raises(TypeError):
        prunedep.analyze(build_model('residual_add'), [1, 2])
    with pytest.raises(TypeError):
        prunedep.run('graph @g() {}')


def test_model_left_as_it_was():
    model = build_model('residual_add').train()
    model.bn1.eval()
    stats = model.bn0.running_mean.clone()
    prunedep.analyze(model, torch.randn(4, 3, 32, 32) * 10)
    assert model.training and model.bn0.training and not model.bn1.training
    assert torch.equal(model.bn0.running_mean, stats)
    traced = prunedep.trace(model, torch.randn(1, 3, 32, 32))
    assert model.training and traced.training is False
    traced.train()
    prunedep.analyze(traced, torch.randn(2, 3, 32, 32) * 10)
    assert traced.training and traced.bn0.training


def test_installed_names():
    for name in prunedep.__all__:
        assert hasattr(prunedep, name)
    assert 'channel-groups' in prunedep.pass_names()
