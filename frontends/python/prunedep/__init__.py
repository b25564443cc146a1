"""prunedep: which layers of a PyTorch model are tied together, in your process.

    import prunedep
    report = prunedep.analyze(model, torch.randn(1, 3, 224, 224))
    report['channel-dependency'].sets    # [['conv1', 'layer1.0.conv2', ...], ...]
    report.to_json()                     # what `prunedep --format=json` prints

The model (an nn.Module, traced here with torch.jit.trace, or a module you
traced or scripted) goes to prunedep's TorchScript frontend in memory: no file
is written and LibTorch is the one already loaded. `prunedep.nni` is a drop-in
for NNI's dependency classes (`from prunedep.nni import ChannelDependency`).
`prunedep.prune(model, x, ratio=0.5)` prunes an nn.Module in place from its
channel groups (docs/pruning.md).

Every failure of prunedep itself raises prunedep.Error with the message the
`prunedep` command prints.
"""
import contextlib
import os
import warnings

# First: loads LibTorch and torch's Python bindings, whose symbols and
# pybind11 types (Tensor, ScriptModule) the extension uses.
import torch

from . import _prunedep
from ._prunedep import DEFAULT_PIPELINE, IR, Error
from .results import (SCHEMA, ChannelSet, ChannelSetMember, GroupConstraint, Report, Result,
                      SetsResult)

__all__ = ['analyze', 'trace', 'lower', 'load_ir', 'run', 'pass_names', 'Error', 'IR', 'Report',
           'Result', 'SetsResult', 'GroupConstraint', 'ChannelSet', 'ChannelSetMember',
           'DEFAULT_PIPELINE', 'SCHEMA', 'prune', 'prune_plan', 'PruneReport']


def _paths(value, what):
    """A path or a sequence of paths, as a list of str."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, os.PathLike)):
        value = [value]
    try:
        return [os.fsdecode(os.fspath(v)) for v in value]
    except TypeError:
        raise TypeError('%s: expected a path or a sequence of paths, got %r' % (what, value))


def _pipeline(passes):
    """Pipeline text ('a,b{opt=v}') from None, a str or a sequence of pass texts."""
    if passes is None:
        return DEFAULT_PIPELINE
    if isinstance(passes, str):
        return passes
    return ','.join(passes)


def _inputs(example_inputs):
    """The example inputs as a tuple of tensors (one tensor, or a tuple/list of them)."""
    inputs = (example_inputs,) if isinstance(example_inputs, torch.Tensor) else example_inputs
    if not isinstance(inputs, (tuple, list)) or not all(isinstance(t, torch.Tensor) for t in inputs):
        raise TypeError('example_inputs: expected a tensor or a tuple of tensors, got %s'
                        % type(example_inputs).__name__)
    return tuple(inputs)


@contextlib.contextmanager
def _eval_mode(module):
    """Eval mode for tracing, then every submodule's own training flag back."""
    flags = [(m, m.training) for m in module.modules()]
    module.eval()
    try:
        yield module
    finally:
        for m, training in flags:
            m.training = training


def _is_script_module(model):
    return isinstance(model, torch.jit.ScriptModule)


def trace(model, example_inputs):
    """`model` traced as prunedep traces it: eval mode, autograd on (as NNI
    traces, so nn.MultiheadAttention shows its projections), strict=False (a
    model may return a dict), no check run. A ScriptModule is returned as is."""
    if _is_script_module(model):
        return model
    if not isinstance(model, torch.nn.Module):
        raise TypeError('expected a torch.nn.Module or a traced/scripted module, got %s'
                        % type(model).__name__)
    inputs = _inputs(example_inputs)
    with _eval_mode(model), warnings.catch_warnings():
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        return torch.jit.trace(model, inputs, check_trace=False, strict=False)


def _model_name(model):
    return getattr(model, 'original_name', None) or type(model).__name__


def _graph_name(name):
    """The IR graph's name, as the command names it after the model's file."""
    base = os.path.basename(name)
    stem, dot, _ = base.rpartition('.')
    return stem if dot and stem else base


_SHAPES_DOC = """shapes         where the shapes come from: 'auto' (default): the types
                   torch.jit.trace left on the module when they give every
                   shape for these inputs, else one forward pass; 'trace': only
                   the traced types (prunedep.Error saying why when they cannot);
                   'forward': always run the forward pass"""


def _check_shapes(shapes):
    if shapes not in ('auto', 'trace', 'forward'):
        raise ValueError("shapes=%r: expected 'auto', 'trace' or 'forward'" % (shapes,))
    return shapes


def analyze(model, example_inputs, passes=None, rules=(), plugins=(), unknown_ops='warn',
            name=None, shapes='auto'):
    """Runs prunedep's analyses on `model` and returns a Report.

    model          an nn.Module (traced here, see trace()) or a traced/scripted module
    example_inputs a tensor or a tuple of tensors: the forward's inputs
    passes         pipeline text ('channel-dependency,group-dependency', options in
                   braces: 'channel-dependency{prune-type=batchnorm}') or a list of
                   pass texts; None: the five NNI analyses (DEFAULT_PIPELINE)
    rules          rule files (TOML), like --rules; a path or a list of paths
    plugins        plugin .so files, like --load-plugin
    unknown_ops    error | warn | transparent | barrier, like --unknown-ops
    name           the report's "model" (default: the model's class name)
    %s
    """
    inputs = _inputs(example_inputs)
    traced = trace(model, inputs)
    name = name if name is not None else _model_name(model)
    # Run in eval mode, the module's training flags restored after (in C++).
    core = _prunedep.analyze(traced, list(inputs), model=name, graph_name=_graph_name(name),
                             pipeline=_pipeline(passes), rules=_paths(rules, 'rules'),
                             plugins=_paths(plugins, 'plugins'), unknown_ops=unknown_ops,
                             shapes=_check_shapes(shapes))
    return Report(core)


analyze.__doc__ %= _SHAPES_DOC


def lower(model, example_inputs, rules=(), plugins=(), name=None, shapes='auto'):
    """The model lowered to prunedep's IR (str(ir) is the .pdir text;
    ir.shape_source tells 'trace' or 'forward', ir.flat_forward whether the
    traced graphs were read in place rather than inlined into a copy).
    Arguments as for analyze()."""
    inputs = _inputs(example_inputs)
    traced = trace(model, inputs)
    name = name if name is not None else _model_name(model)
    return _prunedep.lower(traced, list(inputs), graph_name=_graph_name(name),
                           rules=_paths(rules, 'rules'), plugins=_paths(plugins, 'plugins'),
                           shapes=_check_shapes(shapes))


def load_ir(text, file_name='<string>'):
    """Parses .pdir text into an IR (errors name file_name:line:col)."""
    return _prunedep.load_ir(text, file_name)


def run(ir, passes=None, rules=(), plugins=(), unknown_ops='warn', name=None):
    """Runs a pipeline on an IR (from load_ir or lower); passes that change
    the graph (dead-code) change `ir`. Arguments as for analyze()."""
    if not isinstance(ir, IR):
        raise TypeError('run: expected a prunedep.IR (load_ir(text) or lower(model, x)), got %s'
                        % type(ir).__name__)
    return Report(_prunedep.run(ir, model=name if name is not None else ir.name,
                                pipeline=_pipeline(passes), rules=_paths(rules, 'rules'),
                                plugins=_paths(plugins, 'plugins'), unknown_ops=unknown_ops))


def pass_names():
    """The built-in passes (`prunedep --list-passes` has their options)."""
    return _prunedep.pass_names()


from . import nni  # noqa: E402  (needs the names above)
from .prune import PruneReport, prune  # noqa: E402
from .prune import plan as prune_plan  # noqa: E402
