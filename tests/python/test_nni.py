"""prunedep.nni: NNI's classes, arguments, attributes and export()."""
import csv
import json
import os

import pytest
import torch
import torchvision

import prunedep
from prunedep import nni
from conftest import GOLDEN, build_model, cli_output, facts, inputs_for, model_path, shape_flags


def golden_result(model, pass_name):
    with open(os.path.join(GOLDEN, model + '.json')) as f:
        return next(r for r in json.load(f)['results'] if r['pass'] == pass_name)


@pytest.fixture(scope='module')
def resnet18():
    torch.manual_seed(0)
    return torchvision.models.resnet18(weights=None)


@pytest.fixture(scope='module')
def image():
    return torch.randn(1, 3, 224, 224)


def test_channel_dependency_has_nnis_golden_sets(resnet18, image):
    """NNI's own expected sets (tests/golden/nni_expected.json: its test
    suite's ground truth, all the sets with more than one member)."""
    dep = nni.ChannelDependency(resnet18, image)
    with open(os.path.join(GOLDEN, 'nni_expected.json')) as f:
        expected = json.load(f)['resnet18']
    assert expected['only']
    coupled = {frozenset(s) for s in dep.dependency_sets if len(s) > 1}
    assert coupled == {frozenset(s) for s in expected['sets']}
    # And every set, singletons too, as the reviewed golden file has them.
    assert sorted(map(sorted, dep.dependency_sets)) == \
        sorted(golden_result('resnet18', 'channel-dependency')['sets'])
    for s in dep.dependency_sets:
        for layer in s:
            assert dep.dependency[layer] == s
    assert dep.prune_type == 'Filter' and 'Conv2d' in dep.target_types
    assert dep.model is resnet18


def test_traced_model_argument(resnet18, image):
    traced = prunedep.trace(resnet18, image)
    dep = nni.ChannelDependency(resnet18, image, traced_model=traced)
    assert {frozenset(s) for s in dep.dependency_sets} == \
        {frozenset(s) for s in nni.ChannelDependency(resnet18, image).dependency_sets}


def test_batchnorm_prune_type(resnet18, image):
    dep = nni.ChannelDependency(resnet18, image, prune_type='Batchnorm')
    assert dep.target_types == ['BatchNorm2d']
    assert {'bn1', 'layer1.0.bn2', 'layer1.1.bn2'} in dep.dependency_sets
    with pytest.raises(ValueError):
        nni.ChannelDependency(resnet18, image, prune_type='filter-ish')


def test_input_channel_dependency(resnet18, image):
    dep = nni.InputChannelDependency(resnet18, image)
    assert sorted(map(sorted, dep.dependency_sets)) == \
        sorted(golden_result('resnet18', 'input-channel-dependency')['sets'])
    assert {'layer1.0.conv1', 'layer1.1.conv1', 'layer2.0.conv1', 'layer2.0.downsample.0'} \
        in dep.dependency_sets


def test_group_dependency_min_groups():
    model = build_model('depthwise_grouped')
    x = inputs_for(facts('depthwise_grouped')['input_shapes'])
    dep = nni.GroupDependency(model, x)
    golden = golden_result('depthwise_grouped', 'group-dependency')['layers']
    assert dep.dependency == {k: v['divisor'] for k, v in golden.items()}
    assert dep.min_groups == {k: v['min_groups'] for k, v in golden.items()}
    assert dep.dependency_sets is dep.dependency
    assert any(v > 1 for v in dep.dependency.values())


def test_reshape_and_attention_dependencies():
    model = build_model('self_attention')
    x = inputs_for(facts('self_attention')['input_shapes'])
    reshape = nni.ReshapeDependency(model, x)
    assert reshape.dependency == golden_result('self_attention', 'reshape-dependency')['ops']
    assert sorted(reshape.dependency_sets) == ['key', 'query', 'value']
    attention = nni.AttentionWeightDependency(model, x)
    sets = golden_result('self_attention', 'attention-weight-dependency')['sets']
    assert attention.dependency_sets == sets
    assert list(attention.dependency.values()) == sets
    assert all(op.startswith('matmul') for op in attention.dependency)


@pytest.mark.parametrize('cls,block', [(nni.ChannelDependency, 0), (nni.InputChannelDependency, 1),
                                       (nni.GroupDependency, 2), (nni.ReshapeDependency, 3),
                                       (nni.AttentionWeightDependency, 4)])
def test_export_writes_the_cli_csv(tmp_path, cls, block):
    path = model_path('self_attention')
    x = inputs_for(facts('self_attention')['input_shapes'])
    out = tmp_path / 'dep.csv'
    cls(torch.jit.load(path), x).export(str(out))
    blocks = cli_output(['--format=csv', path] + shape_flags('self_attention')).split('\n\n')
    assert out.read_text() == blocks[block] + ('' if block == 4 else '\n')
    rows = list(csv.reader(out.open()))
    assert rows[0] == {0: ['Dependency Set', 'Layers'], 1: ['Dependency Set', 'Layers'],
                       2: ['Conv Layer Name', 'Group'], 3: ['Reshape OP', 'Dependent Layers'],
                       4: ['Attention layer matmul op', 'Group']}[block]


def test_nni_argument_errors(image):
    with pytest.raises(ValueError):
        nni.ChannelDependency(None, image)
    with pytest.raises(ValueError):
        nni.GroupDependency(torchvision.models.resnet18(weights=None), None)
