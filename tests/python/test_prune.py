"""prunedep.prune: in-place pruning from the channel groups (issue 24).

Each model is pruned at ratio 0.5 with its classifier kept, then must still
run with the original output shape, have fewer parameters, and pass the
check (the pruned model computes what the original computes with the removed
channels zeroed)."""
import warnings

import pytest
import torch
import torch.nn as nn

import prunedep
from conftest import build_model, trace_models


def model_inputs(name):
    torch.manual_seed(0)
    out = []
    for spec in trace_models.MODELS[name][1]:
        if isinstance(spec[0], tuple):
            out.append(torch.randint(0, 10, spec[0], dtype=spec[1]))
        else:
            out.append(torch.randn(spec))
    return tuple(out)


def shapes(out):
    if isinstance(out, torch.Tensor):
        return [tuple(out.shape)]
    if isinstance(out, dict):
        return [s for k in sorted(out) for s in shapes(out[k])]
    return [s for o in out for s in shapes(o)]


class ResidualNet(nn.Module):
    """conv-BN-ReLU stem, a residual block (two conv-BN, an add), pooling, Linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.conv1 = nn.Conv2d(16, 24, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(24)
        self.conv2 = nn.Conv2d(24, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.hidden = nn.Linear(16, 32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = torch.relu(self.bn(self.stem(x)))
        y = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(x + self.bn2(self.conv2(y)))
        x = x.mean((2, 3))
        return self.fc(torch.relu(self.hidden(x)))


def randomize_bn(model):
    """Non-trivial BN statistics, so the check sees them sliced right."""
    torch.manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    return model


def prune_and_run(model, inputs, ignored, **kw):
    model.eval()
    with torch.no_grad():
        before = shapes(model(*inputs))
    report = prunedep.prune(model, inputs, ratio=0.5, ignored_layers=ignored, **kw)
    with torch.no_grad():
        after = shapes(model(*inputs))
    assert after == before
    assert report.params_after < report.params_before
    assert report.check['ok'], report.check
    assert report.forward_error is None
    assert report.plan['schema'] == 'prunedep/1' and report.plan['sets']
    return report


def test_resnet18():
    torchvision = pytest.importorskip('torchvision')
    model = torchvision.models.resnet18()
    r = prune_and_run(model, (torch.randn(1, 3, 64, 64),), ['fc'])
    assert r.macs_after < r.macs_before
    assert model.conv1.out_channels == model.bn1.num_features == model.conv1.weight.shape[0] == 32
    assert model.fc.in_features == 512  # the set holding fc's inputs is kept whole
    # fc:out keeps only the classifier's outputs: its inputs are pruned too.
    model = torchvision.models.resnet18()
    prune_and_run(model, (torch.randn(1, 3, 64, 64),), ['fc:out'])
    assert model.fc.in_features == 256 and model.fc.out_features == 1000


def test_mobilenet_v2_depthwise():
    torchvision = pytest.importorskip('torchvision')
    model = torchvision.models.mobilenet_v2()
    prune_and_run(model, (torch.randn(1, 3, 64, 64),), ['classifier.1'])
    dw = model.features[2].conv[1][0]
    assert dw.groups == dw.in_channels == dw.out_channels == dw.weight.shape[0] == 48


def test_residual_bn_linear():
    model = randomize_bn(ResidualNet())
    r = prune_and_run(model, (torch.randn(2, 3, 8, 8),), [model.fc])
    assert model.stem.out_channels == model.conv2.out_channels == model.bn2.num_features == 8
    assert model.conv1.out_channels == 12 and model.conv2.in_channels == 12
    assert model.hidden.in_features == 8 and model.hidden.out_features == 32  # feeds fc
    assert model.bn1.running_var.shape == (12,) and model.conv1.bias.shape == (12,)
    assert model.fc.in_features == 32  # fc kept whole: its input set is not pruned
    assert all(p.requires_grad for p in model.parameters())
    assert r.check['max_error'] <= 1e-4
    # The plan names every member's removed indices.
    members = {m['layer'] for s in r.plan['sets'] for m in s['members']}
    assert {'stem', 'bn', 'conv1', 'conv2', 'bn2', 'hidden'} <= members


@pytest.mark.parametrize('importance', ['l2', 'random', 'callable'])
def test_importance(importance):
    model = randomize_bn(ResidualNet())
    if importance == 'callable':
        def importance(cset, tensors):
            assert len(tensors) == len(cset.members)
            return list(range(cset.groups))  # the first groups go
    r = prune_and_run(model, (torch.randn(2, 3, 8, 8),), ['fc'], importance=importance)
    if not isinstance(importance, str):
        s = r.plan['sets'][0]
        assert s['removed'] == list(range(s['groups'] - s['kept']))


def test_round_to():
    model = ResidualNet()
    r = prunedep.prune(model, torch.randn(1, 3, 8, 8), ratio=0.7, ignored_layers=['fc'],
                       round_to=4)
    assert all(s['kept'] % 4 == 0 for s in r.plan['sets'])
    assert model.conv1.out_channels == 8  # 24 * 0.3 = 7.2 -> 8


@pytest.mark.parametrize('name,ignored', [('recurrent', ['tag:out', 'cls:out']),
                                          ('lstm_lm', ['decoder:out']),
                                          ('lstm_lm', ['decoder'])])
def test_recurrent_models(name, ignored):
    model = build_model(name)
    r = prune_and_run(model, model_inputs(name), ignored)
    if name == 'lstm_lm':
        assert model.encoder.embedding_dim == model.rnn.input_size == 16
        assert model.rnn.hidden_size == (24 if ignored == ['decoder:out'] else 48)
    else:
        assert model.lstm.hidden_size == 6 and model.gru.hidden_size == 5
        assert model.cls.in_features == 2 * 6 + 5
    assert r.time_prune < 1


def test_size_held_by_the_forward_is_an_answer():
    class Flatten(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.fc = nn.Linear(8 * 4 * 4, 5)

        def forward(self, x):
            return self.fc(self.conv(x).view(x.shape[0], 128))

    model = Flatten()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        r = prunedep.prune(model, torch.randn(2, 3, 4, 4), ratio=0.5, ignored_layers=['fc:out'])
    fe = r.forward_error
    assert fe is not None and 'view(x.shape[0], 128)' in fe['line']
    assert {'old': 128, 'new': 64} in [{'old': o['old'], 'new': o['new']} for o in fe['old_sizes']]
    assert not r.check['ok'] and any('does not run' in str(w.message) for w in caught)


def test_bad_arguments():
    model = ResidualNet()
    x = torch.randn(1, 3, 8, 8)
    for ratio in (1.0, -0.1, 1.5):
        with pytest.raises(prunedep.Error, match=r'ratio=.*\[0, 1\)'):
            prunedep.prune(model, x, ratio=ratio)
    with pytest.raises(prunedep.Error, match="ignored layer 'classifier'"):
        prunedep.prune(model, x, ratio=0.5, ignored_layers=['classifier'])
    with pytest.raises(prunedep.Error, match='importance'):
        prunedep.prune(model, x, importance='l3')
    assert model.stem.out_channels == 16  # nothing pruned


def test_ratio_zero_changes_nothing():
    model = ResidualNet()
    r = prunedep.prune(model, torch.randn(1, 3, 8, 8), ratio=0.0)
    assert r.params_after == r.params_before and r.plan['sets'] == []


class NormedMlp(nn.Module):
    """A LayerNorm over the channels a set loses: zeroed channels still count
    in its mean and variance, removed ones do not."""

    def __init__(self):
        super().__init__()
        self.up = nn.Linear(4, 8)
        self.norm = nn.LayerNorm(8)
        self.down = nn.Linear(8, 3)

    def forward(self, x):
        return self.down(self.norm(self.up(x)))


def test_layer_norm_over_pruned_channels_checks_shapes_only():
    torch.manual_seed(0)
    model = NormedMlp().eval()
    x = torch.randn(2, 4)
    report = prunedep.prune(model, x, ratio=0.5, ignored_layers=['down:out'])
    assert model.up.out_features == 4 and model.norm.normalized_shape == (4,)
    assert report['check']['ok'] and report['check']['values'] is False
    assert 'norm (LayerNorm)' in report['check']['notes'][0]
    assert report.summary().endswith('check OK (shapes only)')
    assert model(x).shape == (2, 3)
