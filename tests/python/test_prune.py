"""prunedep.prune: in-place pruning from the channel groups (issue 24).

Each model is pruned at ratio 0.5 with its classifier kept, then must still
run with the original output shape, have fewer parameters, and pass the
check (the pruned model computes what the original computes with the removed
channels zeroed)."""
import json
import warnings

import pytest
import torch
import torch.nn as nn

import prunedep
from conftest import (build_model, facts, inputs_for, model_path, run_cli, shape_flags,
                      trace_models)


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


# ---------------------------------------------------------------- sizes the forward reads

class MhaBlock(nn.Module):
    """embed -> x + MultiheadAttention(x) -> fc: the residual stream (embed's
    outputs, in_proj's inputs, out_proj's outputs, fc's inputs) and the
    attention's q/k/v channels are two sets."""

    def __init__(self, hidden=16, heads=2):
        super().__init__()
        self.embed = nn.Linear(4, hidden)
        self.attn = nn.MultiheadAttention(hidden, heads, batch_first=True)
        self.fc = nn.Linear(hidden, 5)

    def forward(self, x):
        x = self.embed(x)
        return self.fc(x + self.attn(x, x, x, need_weights=False)[0])


def test_multihead_attention_by_heads():
    torch.manual_seed(0)
    model = MhaBlock().eval()
    x = torch.randn(2, 6, 4)
    r = prunedep.prune(model, x, ratio=0.5, ignored_layers=['fc:out'], granularity='head')
    a = model.attn
    assert (a.embed_dim, a.kdim, a.vdim, a.num_heads, a.head_dim) == (8, 8, 8, 1, 8)
    assert a.in_proj_weight.shape == (24, 8) and a.out_proj.weight.shape == (8, 8)
    assert a._qkv_same_embed_dim
    assert model(x).shape == (2, 6, 5)
    # Whole heads: the softmax scale 1/sqrt(head_dim) is the original's, so
    # the values are compared, not only the shapes.
    assert r.check['ok'] and r.check['values'] and r.check['max_error'] <= 1e-4
    assert r.plan['granularity'] == 'head'
    assert {'module': 'attn', 'attr': 'num_heads', 'old': 2, 'new': 1,
            'from': 'nn.MultiheadAttention'} in r.attributes['updated']


def test_multihead_attention_by_channels_changes_the_scale():
    """channel-groups keeps the larger factor of [heads, head_dim]: one
    feature of every head. Then head_dim shrinks (8 -> 4), the model runs, and
    its softmax scale is no longer the zeroed original's: the check fails and
    says why."""
    torch.manual_seed(0)
    model = MhaBlock().eval()
    x = torch.randn(2, 6, 4)
    with pytest.raises(prunedep.Error, match=r'head_dim pruned.*8 -> 4.*granularity=.head') as e:
        prunedep.prune(model, x, ratio=0.5, ignored_layers=['fc:out'])
    a = model.attn
    assert (a.embed_dim, a.num_heads, a.head_dim) == (8, 2, 4)
    assert model(x).shape == (2, 6, 5)
    r = e.value.report
    assert not r.check['ok'] and r.forward_error is None


def test_multihead_attention_on_the_model_input():
    """The model's input is never pruned, so in_proj keeps 16 input channels
    while its q/k/v rows go to 8: torch's MultiheadAttention computes head_dim
    from the input's channels and cannot run; the report says so."""
    class OnInput(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
            self.fc = nn.Linear(16, 5)

        def forward(self, x):
            return self.fc(self.attn(x, x, x, need_weights=False)[0])

    model = OnInput().eval()
    x = torch.randn(1, 3, 16)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        r = prunedep.prune(model, x, ratio=0.5, ignored_layers=['fc:out'], granularity='head')
    assert not r.check['ok'] and r.forward_error is not None
    assert any('q/k/v projections keep 8 channels and its input keeps 16' in n
               for n in r.attributes['notes'])
    with pytest.raises(RuntimeError):
        model(x)


class TinyViT(nn.Module):
    """A ViT whose forward holds its width (torchvision's self.hidden_dim) and
    reads an attribute it never prunes (patch)."""

    def __init__(self, hidden=16, heads=2):
        super().__init__()
        self.hidden_dim, self.patch, self.unused = hidden, 4, hidden
        self.conv_proj = nn.Conv2d(3, hidden, 4, stride=4)
        self.class_token = nn.Parameter(torch.randn(1, 1, hidden))
        self.attn = nn.MultiheadAttention(hidden, heads, batch_first=True)
        self.head = nn.Linear(hidden, 5)

    def forward(self, x):
        n = x.shape[0]
        assert x.shape[-1] % self.patch == 0
        x = self.conv_proj(x).reshape(n, self.hidden_dim, -1).permute(0, 2, 1)
        x = torch.cat([self.class_token.expand(n, -1, -1), x], dim=1)
        x = x + self.attn(x, x, x, need_weights=False)[0]
        return self.head(x[:, 0])


def test_vit_like_hidden_dim():
    torch.manual_seed(0)
    model = TinyViT().eval()
    x = torch.randn(2, 3, 8, 8)
    r = prunedep.prune(model, x, ratio=0.5, ignored_layers=['head:out'], granularity='head')
    assert model.hidden_dim == 8 and model.conv_proj.out_channels == 8
    assert model.class_token.shape == (1, 1, 8) and model.attn.embed_dim == 8
    assert model.patch == 4       # read, but no pruned size equals it
    assert model.unused == 16     # equals the pruned width, but the forward never reads it
    upd = [(u['module'], u['attr'], u['old'], u['new']) for u in r.attributes['updated']]
    assert ('', 'hidden_dim', 16, 8) in upd
    assert model(x).shape == (2, 5)
    assert r.check['ok'] and r.check['values'] and r.forward_error is None


def test_torchvision_vit():
    vt = pytest.importorskip('torchvision.models.vision_transformer')
    torch.manual_seed(0)
    model = vt.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4,
                                 hidden_dim=40, mlp_dim=48, num_classes=5).eval()
    x = torch.randn(1, 3, 32, 32)
    r = prunedep.prune(model, x, ratio=0.5, ignored_layers=['heads.head:out'], granularity='head')
    assert model.hidden_dim == 20 and model.conv_proj.out_channels == 20
    assert model.image_size == 32 and model.patch_size == 8
    for layer in model.encoder.layers:
        a = layer.self_attention
        assert (a.embed_dim, a.num_heads, a.head_dim) == (20, 2, 10)
        assert a.out_proj.in_features == 20
    assert model(x).shape == (1, 5)
    # LayerNorms over the pruned width: compared by shape.
    assert r.check['ok'] and r.check['values'] is False and r.forward_error is None


class HeadAttention(nn.Module):
    """q, k, v, o Linear layers, heads split by view with the module's own
    num_heads and head_dim, optionally grouped-query (kv_heads < heads, k and
    v repeated as HF Llama's repeat_kv does)."""

    def __init__(self, hidden=24, heads=4, kv_heads=4, head_dim=6):
        super().__init__()
        self.num_heads, self.kv_heads, self.head_dim = heads, kv_heads, head_dim
        self.embed = nn.Linear(3, hidden)
        self.q = nn.Linear(hidden, heads * head_dim)
        self.k = nn.Linear(hidden, kv_heads * head_dim)
        self.v = nn.Linear(hidden, kv_heads * head_dim)
        self.o = nn.Linear(heads * head_dim, hidden)
        self.fc = nn.Linear(hidden, 5)

    def split(self, t, heads):
        b, n, _ = t.shape
        return t.view(b, n, heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
        x = self.embed(x)
        b, n, _ = x.shape
        q, k, v = self.split(self.q(x), self.num_heads), self.split(self.k(x), self.kv_heads), \
            self.split(self.v(x), self.kv_heads)
        r = self.num_heads // self.kv_heads
        if r > 1:
            k = k[:, :, None].expand(b, self.kv_heads, r, n, self.head_dim).reshape(
                b, self.num_heads, n, self.head_dim)
            v = v[:, :, None].expand(b, self.kv_heads, r, n, self.head_dim).reshape(
                b, self.num_heads, n, self.head_dim)
        s = torch.softmax(q @ k.transpose(-1, -2) / self.head_dim ** 0.5, -1)
        ctx = (s @ v).transpose(1, 2).reshape(b, n, self.num_heads * self.head_dim)
        return self.fc(x + self.o(ctx))


@pytest.mark.parametrize('kv_heads', [8, 4])
def test_head_pruning(kv_heads):
    """granularity='head': whole heads go (with grouped-query attention, a
    key/value head and the query heads that read it), head_dim stays, and
    the module's num_heads / kv_heads follow."""
    torch.manual_seed(0)
    model = HeadAttention(hidden=48, heads=8, kv_heads=kv_heads, head_dim=6).eval()
    x = torch.randn(2, 7, 3)
    r = prunedep.prune(model, x, ratio=0.5, ignored_layers=['fc:out'], granularity='head')
    assert (model.num_heads, model.kv_heads, model.head_dim) == (4, kv_heads // 2, 6)
    assert model.q.out_features == 24 and model.k.out_features == 6 * (kv_heads // 2)
    assert model.o.in_features == 24
    assert model(x).shape == (2, 7, 5)
    assert r.check['ok'] and r.check['values'] and r.check['max_error'] <= 1e-4
    got = {u['attr']: (u['old'], u['new']) for u in r.attributes['updated']}
    assert got['num_heads'] == (8, 4) and 'head_dim' not in got
    assert r.attributes['ambiguous'] == []


def test_head_count_equal_to_head_dim_is_ambiguous():
    """4 heads of 4: the value 4 is both the head count (4 -> 2) and head_dim
    (stays 4), so neither attribute is touched and the report names both."""
    torch.manual_seed(0)
    model = HeadAttention(hidden=16, heads=4, kv_heads=4, head_dim=4).eval()
    x = torch.randn(3, 7, 3)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        r = prunedep.prune(model, x, ratio=0.5, ignored_layers=['fc:out'], granularity='head')
    assert (model.num_heads, model.head_dim) == (4, 4)
    amb = {a['attr'] for a in r.attributes['ambiguous']}
    assert amb == {'num_heads', 'kv_heads', 'head_dim'}
    fe = r.forward_error
    assert fe is not None and fe['module'] == '' and not r.check['ok']
    assert {a['attr'] for a in fe['ambiguous']} == amb
    with pytest.raises(RuntimeError):
        model(x)


def test_granularity_argument():
    with pytest.raises(prunedep.Error, match="granularity='heads'"):
        prunedep.prune(ResidualNet(), torch.randn(1, 3, 8, 8), granularity='heads')


def test_a_size_equal_by_chance_is_caught():
    """The value rule's limit: torchvision's ViT built with image_size equal to
    hidden_dim (32) has both halved, and the pruned forward stops at its own
    image-size assert; the report names the line and the updates."""
    vt = pytest.importorskip('torchvision.models.vision_transformer')
    torch.manual_seed(0)
    model = vt.VisionTransformer(image_size=32, patch_size=8, num_layers=1, num_heads=2,
                                 hidden_dim=32, mlp_dim=48, num_classes=5).eval()
    x = torch.randn(1, 3, 32, 32)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        r = prunedep.prune(model, x, ratio=0.5, ignored_layers=['heads.head:out'])
    assert model.image_size == 16 and model.hidden_dim == 16
    fe = r.forward_error
    assert 'Wrong image height' in fe['error'] and fe['module'] == ''
    assert {u['attr'] for u in fe['updated']} == {'image_size', 'hidden_dim'}
    assert not r.check['ok']
    with pytest.raises(AssertionError):
        model(x)


# ---------------------------------------------------------------- the plan: the C++ planner's

def test_keep_outputs():
    """By default, as `prunedep prune` does, a set that changes a model
    output's shape is skipped with the reason; keep_outputs=False prunes it."""
    x = torch.randn(1, 3, 8, 8)
    model = ResidualNet()
    r = prunedep.prune(model, x, ratio=0.5)
    assert model.fc.out_features == 10 and model.fc.in_features == 16   # fc's inputs: pruned
    skipped = {s['reason'] for s in r.plan['skipped']}
    assert "changes the model's output %fc (its shape is kept)" in skipped
    assert r.plan['keep_outputs'] is True and all(not s['outputs'] for s in r.plan['sets'])
    model = ResidualNet()
    r = prunedep.prune(model, x, ratio=0.5, keep_outputs=False)
    assert model.fc.out_features == 5 and model(x).shape == (1, 5)
    assert r.check['ok'] and any(s['outputs'] == ['%fc'] for s in r.plan['sets'])


def test_round_to_counts_channels_per_member():
    """round_to is in channels per member (PrunePlan.cpp): a set whose groups
    hold 8 channels each (whole heads) keeps a multiple of 8 with one group
    per step; a set too small for a multiple is skipped; a multiple that
    cuts across a group's channels is an error naming the set."""
    torch.manual_seed(0)
    x = torch.randn(2, 6, 4)
    plan = prunedep.prune_plan(MhaBlock().eval(), x, ratio=0.5, granularity='head', round_to=8,
                               ignored_layers=['fc:out'])
    heads = [s for s in plan['sets'] if s['groups'] == 2]
    assert heads and heads[0]['kept'] == 1   # one head of 8 channels: a multiple of 8
    plan = prunedep.prune_plan(ResidualNet(), torch.randn(1, 3, 8, 8), ratio=0.5, round_to=32)
    reasons = {s['set']: s['reason'] for s in plan['skipped']}
    assert 'round-to 32: its 16 group(s) cannot keep a multiple of 32 channels' in reasons.values()
    assert plan['sets'] == []   # 32 groups keep 32
    conflict = (r'round_to=3 conflicts with set \d+ \(attn.in_proj_weight, \.\.\.\): '
                r'its 2 groups hold 24 channel')
    with pytest.raises(prunedep.Error, match=conflict):
        prunedep.prune_plan(MhaBlock().eval(), x, granularity='head', round_to=3)


def test_ratio_of_and_global_ranking():
    x = torch.randn(1, 3, 8, 8)
    plan = prunedep.prune_plan(ResidualNet(), x, ratio=0.5, ratio_of={'conv1': 0.25})
    kept = {s['members'][0]['layer']: s['kept'] for s in plan['sets']}
    # Every set conv1 is in: its outputs' (24 -> 18) and its inputs' (16 -> 12).
    assert kept == {'stem': 12, 'conv1': 18, 'hidden': 16} and plan['ratio_of'] == {'conv1': 0.25}
    plan = prunedep.prune_plan(ResidualNet(), x, ratio=0.5, ratio_of={'conv1:out': 0.25})
    assert {s['members'][0]['layer']: s['kept'] for s in plan['sets']} == \
        {'stem': 8, 'conv1': 18, 'hidden': 16}
    plan = prunedep.prune_plan(ResidualNet(), x, ratio=0.5, global_ranking=True)
    # floor(0.5 * all groups of the ranked sets), each set keeping one at least.
    assert plan['global'] is True and all(s['kept'] >= 1 for s in plan['sets'])
    assert sum(s['groups'] - s['kept'] for s in plan['sets']) == (16 + 24 + 32) // 2
    with pytest.raises(prunedep.Error, match="ratio_of layer 'nope'"):
        prunedep.prune_plan(ResidualNet(), x, ratio_of={'nope': 0.1})
    with pytest.raises(prunedep.Error, match=r"ratio_of\['conv1'\]=1.5"):
        prunedep.prune_plan(ResidualNet(), x, ratio_of={'conv1': 1.5})
    # Only in a blocked set (the model's input): its ratio cannot apply.
    with pytest.raises(prunedep.Error, match=r"ratio_of layer 'stem:in': set \d+ \(stem\) cannot be "
                                             r"pruned: the model's input %input"):
        prunedep.prune_plan(ResidualNet(), x, ratio_of={'stem:in': 0.3})


def test_ties_go_to_the_lower_group():
    """Equal scores: the lower group goes first, as the C++ planner's stable sort."""
    plan = prunedep.prune_plan(ResidualNet(), torch.randn(1, 3, 8, 8), ratio=0.5,
                               importance=lambda cset, tensors: [0.0] * cset.groups)
    assert all(s['removed'] == list(range(s['groups'] - s['kept'])) for s in plan['sets'])


# ---------------------------------------------------------------- prune(plan=...)

def test_apply_a_given_plan(tmp_path):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 8, 8)
    model = randomize_bn(ResidualNet()).eval()
    planned = copy_of(model)
    plan = prunedep.prune_plan(model, x, ratio=0.5, importance='random', seed=3)
    want = prunedep.prune(planned, x, ratio=0.5, importance='random', seed=3)
    assert want.plan == plan
    report = {'schema': 'prunedep/1', 'model': 'ResidualNet', 'results': [plan]}   # --format=json
    for given in (plan, tmp_path / 'plan.json', report):
        (tmp_path / 'plan.json').write_text(json.dumps(plan))
        m = copy_of(model)
        r = prunedep.prune(m, x, plan=given)
        assert r.params_after == want.params_after and r.check['ok']
        assert r.plan['sets'] == plan['sets']
        assert m.conv1.weight.shape == planned.conv1.weight.shape
        assert torch.equal(m.conv1.weight, planned.conv1.weight)
    assert model.stem.out_channels == 16   # prune_plan changes nothing


def copy_of(model):
    import copy
    return copy.deepcopy(model)


def bad_plan(plan, edit):
    import copy
    plan = copy.deepcopy(plan)
    edit(plan)
    return plan


def test_a_plan_that_does_not_fit_the_model():
    x = torch.randn(1, 3, 8, 8)
    plan = prunedep.prune_plan(ResidualNet(), x, ratio=0.5)
    s0 = plan['sets'][0]
    n = s0['set']

    def member_layer(p):
        p['sets'][0]['members'][1]['layer'] = 'conv2'

    def indices(p):
        p['sets'][0]['members'][0]['indices'] = [[0, 1]]

    def groups(p):
        p['sets'][0]['groups'] += 1

    def set_number(p):
        p['sets'][-1]['set'] = 99

    def removed(p):
        p['sets'][0]['removed'] = [0, 0]

    where = r'plan set %d \(stem, \.\.\.\): ' % n
    cases = [(member_layer, where + r'member 2 is conv2 \(dim 0\), the model.s is bn \(dim 0\)'),
             (indices, where + r'member stem: its indices are not those of the removed groups'),
             (groups, where + r'the plan says 17 groups, the model has 16'),
             (set_number, r'plan set 99: the model has \d+ channel-groups sets'),
             (removed, r'removed groups must be ascending and distinct')]
    for edit, message in cases:
        model = ResidualNet()
        with pytest.raises(prunedep.Error, match=message):
            prunedep.prune(model, x, plan=bad_plan(plan, edit))
        assert model.stem.out_channels == 16   # nothing changed
    blocked = next(s['set'] for s in plan['skipped'] if s['reason'].startswith('blocked'))
    with pytest.raises(prunedep.Error, match=r'plan set %d .*cannot be pruned' % blocked):
        prunedep.prune(ResidualNet(), x, plan=bad_plan(
            plan, lambda p: p['sets'].insert(0, dict(s0, set=blocked))))
    with pytest.raises(prunedep.Error, match=r'plan= applies a given plan, so ratio=0.3, '
                                             r'round_to=4 do not apply'):
        prunedep.prune(ResidualNet(), x, plan=plan, ratio=0.3, round_to=4)
    with pytest.raises(prunedep.Error, match='missing.json: error: cannot read the plan'):
        prunedep.prune(ResidualNet(), x, plan='missing.json')


# ---------------------------------------------------------------- the same plan as the command

def cli_plan(name, tmp_path, *options):
    path = model_path(name)
    out = tmp_path / (name + '.plan.json')
    run = run_cli(['prune', path] + shape_flags(name) + ['--no-check', '--plan-out', str(out),
                                                          '-o', str(tmp_path / 'pruned.pt')]
                  + list(options))
    assert run.returncode == 0, run.stderr
    return json.loads(out.read_text())


def archive_module(name):
    """The nn.Module with the archive's weights (its state_dict's keys)."""
    model = build_model(name)
    weights = torch.jit.load(model_path(name)).state_dict()
    model.load_state_dict({k: weights[k] for k in model.state_dict()})
    return model


@pytest.mark.parametrize('name,options,kw', [
    ('resnet18', [], {}),
    ('resnet18', ['--round-to', '8', '--ignore', 'layer4.1.conv1'],
     {'round_to': 8, 'ignored_layers': ['layer4.1.conv1']}),
    ('mobilenet_v2', [], {}),
    ('mobilenet_v2', ['--round-to', '8', '--ignore', 'features.1'],
     {'round_to': 8, 'ignored_layers': ['features.1']}),
    ('self_attention', [], {}),
    ('self_attention', ['--round-to', '8', '--ignore', 'dense:in'],
     {'round_to': 8, 'ignored_layers': ['dense:in']}),
    ('resnet18', ['--importance', 'random', '--seed', '7', '--global', '--ratio-of', 'layer4=0.25',
                  '--prune-outputs'],
     {'importance': 'random', 'seed': 7, 'global_ranking': True, 'ratio_of': {'layer4': 0.25},
      'keep_outputs': False}),
    ('mobilenet_v2', ['--importance', 'l2', '--global', '--round-to', '4'],
     {'importance': 'l2', 'global_ranking': True, 'round_to': 4}),
])
def test_the_same_plan_as_the_command(name, options, kw, tmp_path):
    """prune_plan gives exactly the plan `prunedep prune --plan-out` writes
    (the same scores to the bit, ties to the lower group): L1 at 0.5 with the
    defaults, with round-to and an ignored layer, and random/L2, global,
    ratio-of, prune-outputs. vit_b_16 is compared the same way by the
    'prune archive' tests (tests/e2e/check_prune_archive.py)."""
    want = cli_plan(name, tmp_path, '--ratio', '0.5', *options)
    got = prunedep.prune_plan(archive_module(name), inputs_for(facts(name)['input_shapes']),
                              ratio=0.5, **kw)
    assert got['skipped'] == want['skipped']
    assert [s['set'] for s in got['sets']] == [s['set'] for s in want['sets']]
    for a, b in zip(got['sets'], want['sets']):
        assert a == b, 'set %d' % b['set']
    assert got == want
    assert want['sets']


class TiedLM(nn.Module):
    """An embedding whose weight is also the output layer's (GPT-2's lm_head)."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8)
        self.mid = nn.Linear(8, 8)
        self.head = nn.Linear(8, 20, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, ids):
        x = self.embed(ids)
        return self.head(x + self.mid(x))


def test_tied_weights_stay_tied():
    """A tied parameter is sliced once and both modules get the one new
    Parameter: the tie holds, and it is counted once (as in the archive)."""
    model = TiedLM().eval()
    ids = torch.randint(0, 20, (1, 5))
    r = prunedep.prune(model, ids, ratio=0.5)
    assert model.head.weight is model.embed.weight and model.embed.weight.shape == (20, 4)
    assert r.params_after == 20 * 4 + 4 * 4 + 4 and model(ids).shape == (1, 5, 20)
