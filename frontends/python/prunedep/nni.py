"""A drop-in for NNI's dependency analyses (nni.compression.pytorch.utils.shape_dependency).

Swap one import line:

    # from nni.compression.pytorch.utils.shape_dependency import ChannelDependency
    from prunedep.nni import ChannelDependency

    dep = ChannelDependency(model, dummy_input)
    dep.dependency_sets      # [{'conv1', 'layer1.0.conv2', 'layer1.1.conv2'}, ...]
    dep.export('sets.csv')   # NNI's CSV layout

Same constructor arguments (model, dummy_input, traced_model=None, and
prune_type for ChannelDependency), same attributes (dependency,
dependency_sets, min_groups, prune_type, target_types, model) and export().
Each class runs the one prunedep pass that does its analysis; the results
follow prunedep's deviations from NNI (README, "Deviations from NNI"): every
walk terminates, a cat is judged by its real channel axis, ops without a rule
are reported instead of passed. NNI's `graph` (its TorchModuleGraph) has no
counterpart; `report` is the prunedep Report instead.

Differences in form: dependency_sets lists sets sorted by their first member
(NNI lists them in graph order), and `dependency` maps every target layer to
its set (NNI only those it met while merging).
"""
import ast
import csv
import io

from . import analyze

__all__ = ['ChannelDependency', 'InputChannelDependency', 'GroupDependency',
           'ReshapeDependency', 'AttentionWeightDependency']


class Dependency:
    """Runs `self._pipeline()` on the model and hands the result to build_dependency()."""

    def __init__(self, model=None, dummy_input=None, traced_model=None):
        if traced_model is None and (model is None or dummy_input is None):
            raise ValueError('give model and dummy_input (or traced_model and dummy_input)')
        if dummy_input is None:
            # NNI reads shapes from its trace; prunedep records them by running
            # the forward once, which needs an input.
            raise ValueError('prunedep needs dummy_input (to record the shapes), '
                             'also when traced_model is given')
        self.model = model
        self.dependency = dict()
        self.report = analyze(traced_model if traced_model is not None else model, dummy_input,
                              passes=self._pipeline())
        self.result = self.report.results[0]
        self.build_dependency()

    def _pipeline(self):
        raise NotImplementedError

    def build_dependency(self):
        raise NotImplementedError

    def export(self, filepath):
        """Writes NNI's CSV for this analysis (what `prunedep --format=csv` prints)."""
        with open(filepath, 'w') as f:
            f.write(self.result.to_csv())


class ChannelDependency(Dependency):
    """Layers whose output channels (filters) must be pruned together.

    prune_type: 'Filter' (convs, linears, embeddings) or 'Batchnorm' (batch norms)."""

    def __init__(self, model, dummy_input, traced_model=None, prune_type='Filter'):
        if prune_type not in ('Filter', 'Batchnorm'):
            raise ValueError("prune_type must be 'Filter' or 'Batchnorm', not %r" % (prune_type,))
        self.prune_type = prune_type
        self.target_types = []
        if self.prune_type == 'Filter':
            self.target_types.extend(['Conv2d', 'Linear', 'ConvTranspose2d', 'Embedding'])
        elif self.prune_type == 'Batchnorm':
            self.target_types.append('BatchNorm2d')
        super().__init__(model, dummy_input, traced_model)

    def _pipeline(self):
        return 'channel-dependency{prune-type=%s}' % self.prune_type.lower()

    def build_dependency(self):
        for members in self.result.sets:
            shared = set(members)
            for layer in members:
                self.dependency[layer] = shared
        return self.dependency

    @property
    def dependency_sets(self):
        """The list of dependency sets, e.g. [{'conv1', 'conv2'}, {'conv3'}]."""
        return [set(s) for s in self.result.sets]


class InputChannelDependency(ChannelDependency):
    """Layers whose input channels must be pruned together (they read the same tensor)."""

    def __init__(self, model, dummy_input, traced_model=None):
        super().__init__(model, dummy_input, traced_model)

    def _pipeline(self):
        return 'input-channel-dependency'


class GroupDependency(Dependency):
    """For each conv: the number its filter count must stay divisible by
    (`dependency`, NNI's lcm of the group counts) and `min_groups`."""

    def __init__(self, model, dummy_input, traced_model=None):
        self.min_groups = {}
        super().__init__(model, dummy_input, traced_model)

    def _pipeline(self):
        return 'group-dependency'

    def build_dependency(self):
        for layer, constraint in self.result.layers.items():
            self.dependency[layer] = constraint.divisor
            self.min_groups[layer] = constraint.min_groups
        return self.dependency

    @property
    def dependency_sets(self):
        return self.dependency


class ReshapeDependency(Dependency):
    """For each view/reshape op: the conv/linear layers right above it."""

    def _pipeline(self):
        return 'reshape-dependency'

    def build_dependency(self):
        for op, layers in self.result.ops.items():
            self.dependency[op] = list(layers)
        return self.dependency

    @property
    def dependency_sets(self):
        """Every layer some view/reshape depends on (a list, no order)."""
        return list({layer for layers in self.dependency.values() for layer in layers})


class AttentionWeightDependency(Dependency):
    """The four linear layers of each attention block: q, k, v (any order), then the output."""

    def _pipeline(self):
        return 'attention-weight-dependency'

    def build_dependency(self):
        # NNI keys each group by its matmul op; the JSON lists the groups only,
        # the CSV (NNI's export layout: op, str(list)) names the op too.
        rows = list(csv.reader(io.StringIO(self.result.to_csv())))
        for row in rows[1:]:
            if len(row) == 2:
                self.dependency[row[0]] = list(ast.literal_eval(row[1]))
        return self.dependency

    @property
    def dependency_sets(self):
        """[[q, k, v, out], ...]"""
        return [list(s) for s in self.result.sets]
