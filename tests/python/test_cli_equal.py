"""prunedep.analyze gives exactly what `prunedep --format=json` prints for
the same model: on the traced archive loaded with torch.jit.load, and on the
nn.Module itself (traced by prunedep.analyze, as the build traced it)."""
import pytest
import torch

import prunedep
from conftest import build_model, cli_output, facts, inputs_for, model_path, shape_flags

TRACED = ['resnet18', 'mobilenet_v2', 'densenet121', 'shufflenet_v2_x1_0', 'residual_add',
          'cat_axes', 'chunk_split', 'view_linear', 'depthwise_grouped', 'embedding',
          'self_attention', 'dict_output', 'scripted_branches']


@pytest.mark.parametrize('name', TRACED)
def test_loaded_archive_equals_cli(name):
    path = model_path(name)
    want = cli_output(['--format=json', path] + shape_flags(name))
    report = prunedep.analyze(torch.jit.load(path), inputs_for(facts(name)['input_shapes']),
                              name=path)
    assert report.to_json() == want


@pytest.mark.parametrize('name', ['resnet18', 'mobilenet_v2', 'se_block', 'self_attention'])
def test_module_traced_by_analyze_equals_cli(name):
    path = model_path(name)
    want = cli_output(['--format=json', path] + shape_flags(name))
    model = build_model(name)
    report = prunedep.analyze(model, inputs_for(facts(name)['input_shapes']), name=path)
    assert report.to_json() == want


@pytest.mark.parametrize('pipeline', ['channel-groups', 'channel-dependency{prune-type=batchnorm},group-dependency'])
def test_other_pipelines_equal_cli(pipeline):
    path = model_path('resnet18')
    want = cli_output(['--format=json', '--passes=' + pipeline, path] + shape_flags('resnet18'))
    report = prunedep.analyze(torch.jit.load(path), inputs_for(['1x3x224x224']),
                              passes=pipeline, name=path)
    assert report.to_json() == want


def test_csv_equals_cli():
    path = model_path('self_attention')
    want = cli_output(['--format=csv', path] + shape_flags('self_attention'))
    report = prunedep.analyze(torch.jit.load(path), inputs_for(facts('self_attention')['input_shapes']))
    assert report.to_csv() == want


def test_result_objects_mirror_the_json():
    path = model_path('resnet18')
    report = prunedep.analyze(torch.jit.load(path), inputs_for(['1x3x224x224']), name=path)
    doc = report.to_dict()
    assert doc['schema'] == report.schema == 'prunedep/1'
    assert doc['model'] == report.model == path
    assert [r.pass_name for r in report] == prunedep.DEFAULT_PIPELINE.split(',')
    for result, obj in zip(report, doc['results']):
        assert result.to_dict() == obj
    channel = report['channel-dependency']
    assert channel.sets == doc['results'][0]['sets']
    assert channel.options == {'prune-type': 'filter'}
    assert channel.set_of('conv1') == ['conv1', 'layer1.0.conv2', 'layer1.1.conv2']
    groups = report['group-dependency']
    for layer, c in doc['results'][2]['layers'].items():
        assert groups.layers[layer] == prunedep.GroupConstraint(c['divisor'], c['min_groups'])
    assert report['reshape-dependency'].ops == doc['results'][3]['ops']
    assert report['attention-weight-dependency'].sets == doc['results'][4]['sets']


def test_channel_groups_objects():
    report = prunedep.analyze(build_model('residual_add'), inputs_for(['1x3x32x32']),
                              passes='channel-groups')
    cg = report['channel-groups']
    raw = report.to_dict()['results'][0]
    assert cg.summary == raw['summary']
    assert len(cg.sets) == len(raw['sets'])
    first = cg.sets[0]
    assert first.groups == raw['sets'][0]['groups']
    assert [m.layer for m in first.members] == [m['layer'] for m in raw['sets'][0]['members']]
    assert first.members[0].per_group == raw['sets'][0]['members'][0]['per-group']
