"""Shapes read from the traced types (frontends/torchscript/TracedShapes.h)
give exactly the IR that recording them with a forward pass gives, on every
traced test model; whatever the types cannot tell falls back to the forward."""
import warnings

import pytest
import torch

import prunedep
from conftest import build_model, model_path
import trace_models

# Every traced test model but the largest torchvision ones (their forward
# alone takes seconds on 2 cores); the small ones cover the same ops:
# residuals, concatenation, chunk/split, size arithmetic feeding view
# (shufflenet, self_attention), permutes, attention, tuple/dict/list outputs.
SKIPPED = {'resnet50', 'resnext50_32x4d', 'vgg16_bn', 'inception_v3', 'regnet_y_400mf',
           'convnext_tiny', 'efficientnet_b0', 'googlenet', 'alexnet'}
# Refused on purpose (tests/e2e/check_error.py): no IR to compare.
REFUSED = {'shared_view'}
TRACED = [name for name, (_, _, mode) in trace_models.MODELS.items()
          if mode == 'trace' and name not in SKIPPED and name not in REFUSED]


def traced(name):
    model = build_model(name)
    torch.manual_seed(0)
    inputs, _ = trace_models.example_inputs(trace_models.MODELS[name][1])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return prunedep.trace(model, tuple(inputs)), tuple(inputs)


@pytest.mark.parametrize('name', TRACED)
def test_traced_types_give_the_forward_ir(name):
    module, inputs = traced(name)
    from_trace = prunedep.lower(module, inputs, shapes='trace')
    from_forward = prunedep.lower(module, inputs, shapes='forward')
    assert (from_trace.shape_source, from_forward.shape_source) == ('trace', 'forward')
    # Read in place (no graph called twice, no control flow) versus inlined
    # into a copy and run: two ways to the same IR.
    assert (from_trace.flat_forward, from_forward.flat_forward) == (True, False)
    assert str(from_trace) == str(from_forward)


def test_vit_size_arithmetic_from_the_trace():
    # aten::size results feed view and reshape sizes all through the encoder.
    module, inputs = traced('vit_b_16')
    report = prunedep.analyze(module, inputs, shapes='trace')
    assert report.shape_source == 'trace' and 'shapes (trace)' in report.timings
    assert str(prunedep.lower(module, inputs)) == str(prunedep.lower(module, inputs, shapes='forward'))


def test_other_input_shapes_run_the_forward():
    module, _ = traced('resnet18')
    other = torch.randn(1, 3, 128, 128)
    ir = prunedep.lower(module, other)
    assert ir.shape_source == 'forward'
    assert '%input: f32[1,3,128,128]' in str(ir)
    with pytest.raises(prunedep.Error, match='the inputs differ from those the module was traced with'):
        prunedep.lower(module, other, shapes='trace')


def test_loaded_and_scripted_modules_run_the_forward():
    loaded = torch.jit.load(model_path('resnet18'))
    x = torch.randn(1, 3, 224, 224)
    assert prunedep.lower(loaded, x).shape_source == 'forward'
    with pytest.raises(prunedep.Error, match='has no traced shape'):
        prunedep.lower(loaded, x, shapes='trace')
    scripted = torch.jit.load(model_path('scripted_branches'))
    assert prunedep.lower(scripted, torch.randn(1, 3, 16, 16)).shape_source == 'forward'


class MaskedRows(torch.nn.Module):
    """A shape that depends on the data: how many rows the mask keeps."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x[x[:, 0] > 0])


def test_data_dependent_shapes_run_the_forward():
    torch.manual_seed(0)
    x = torch.randn(8, 4)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        module = prunedep.trace(MaskedRows().eval(), x)
    # Same shape, other data: the trace's row count would be wrong.
    y = torch.ones(8, 4)
    ir = prunedep.lower(module, y)
    assert ir.shape_source == 'forward'
    assert 'f32[8,3] = nn.Linear' in str(ir)
    with pytest.raises(prunedep.Error, match='depends on tensor data'):
        prunedep.lower(module, y, shapes='trace')


def test_bad_shapes_argument():
    module, inputs = traced('residual_add')
    with pytest.raises(ValueError, match="shapes='fast'"):
        prunedep.analyze(module, inputs, shapes='fast')
