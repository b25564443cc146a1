"""Result objects of `prunedep.analyze` and `prunedep.run`.

They mirror the `prunedep/1` JSON schema that `prunedep --format=json` prints:
a Report holds one Result per pass, in pipeline order, and each Result is read
from the very JSON object the command prints (so `Report.to_json()` is that
output, byte for byte). Every JSON member of a result is an attribute, with
`-` spelled `_` (`per-group` -> `per_group`); the known passes give some
members friendlier types:

    channel-dependency, input-channel-dependency   .sets: [[layer, ...], ...]
    group-dependency             .layers: {layer: GroupConstraint(divisor, min_groups)}
    reshape-dependency           .ops: {view op: [layer, ...]}
    attention-weight-dependency  .sets: [[q, k, v, out], ...]
    channel-groups               .summary, .sets: [ChannelSet], each with .members
"""
import json
from collections import namedtuple

SCHEMA = 'prunedep/1'

GroupConstraint = namedtuple('GroupConstraint', 'divisor min_groups')
GroupConstraint.__doc__ = ('The filters of a conv must stay divisible by `divisor`; '
                           '`min_groups` is NNI\'s min_groups.')


def _key(fields, name):
    if name in fields:
        return name
    dashed = name.replace('_', '-')
    if dashed in fields:
        return dashed
    return None


class Record:
    """A JSON object read as attributes (`rec.per_group`) or items (`rec['per-group']`)."""

    def __init__(self, fields):
        self._fields = fields

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        key = _key(self._fields, name)
        if key is None:
            raise AttributeError('%s has no member %r (members: %s)'
                                 % (type(self).__name__, name, ', '.join(self._fields)))
        return self._fields[key]

    def __getitem__(self, key):
        return self._fields[key]

    def __contains__(self, key):
        return key in self._fields

    def to_dict(self):
        """The JSON object as parsed."""
        return self._fields

    def __eq__(self, other):
        return isinstance(other, Record) and self._fields == other._fields

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__,
                           ', '.join('%s=%r' % (k.replace('-', '_'), v)
                                     for k, v in self._fields.items()))


class ChannelSetMember(Record):
    """layer, role (out|in|param), dim, per_group, indices ([start, end) ranges)."""


class ChannelSet(Record):
    """One set of channel groups: groups, prunable, blocked, outputs, members."""

    def __init__(self, fields):
        super().__init__(fields)
        self.members = [ChannelSetMember(m) for m in fields.get('members', [])]


class Result(Record):
    """One pass's result: `pass_name`, `options` and the pass's own members."""

    def __init__(self, core, index, text, fields):
        self._core = core
        self._index = index
        self._json = text
        super().__init__(fields)
        self.pass_name = self._fields['pass']
        self.options = self._fields.get('options', {})

    def to_json(self):
        """This result's object exactly as it appears in the report's JSON."""
        return self._json

    def to_text(self):
        """The pass's section of the text report."""
        return self._core.result_text(self._index)

    def to_csv(self):
        """The pass's CSV (NNI's export() format for NNI's five analyses)."""
        return self._core.result_csv(self._index)

    def __repr__(self):
        return '<%s %s>' % (type(self).__name__, self.pass_name)


class SetsResult(Result):
    """Dependency sets: every target layer in exactly one set, sorted."""

    def set_of(self, layer):
        """The set holding `layer` (a list), or None if it is no target layer."""
        for s in self.sets:
            if layer in s:
                return s
        return None

    @property
    def coupled_sets(self):
        """The sets with more than one member."""
        return [s for s in self.sets if len(s) > 1]


class GroupResult(Result):
    def __init__(self, core, index, text, fields):
        super().__init__(core, index, text, fields)
        self.layers = {name: GroupConstraint(c['divisor'], c['min_groups'])
                       for name, c in self._fields['layers'].items()}


class ChannelGroupsResult(Result):
    def __init__(self, core, index, text, fields):
        super().__init__(core, index, text, fields)
        self.sets = [ChannelSet(s) for s in self._fields.get('sets', [])]


_RESULT_TYPES = {
    'channel-dependency': SetsResult,
    'input-channel-dependency': SetsResult,
    'attention-weight-dependency': SetsResult,
    'group-dependency': GroupResult,
    'channel-groups': ChannelGroupsResult,
}


class Report:
    """The results of one pipeline run.

    `results` (one per pass, in order; also `report[i]`, `report['pass-name']`),
    `model`, `warnings` (what the command prints on stderr), `timings`
    ({stage: seconds}: learning the shapes, lowering, verifying, each pass),
    `shape_source` ('trace': read from the traced types; 'forward': recorded by
    running the model once; '' for IR from load_ir).
    """
    schema = SCHEMA

    def __init__(self, core):
        self._core = core
        self.model = core.model
        self.warnings = list(core.warnings)
        self.timings = dict(core.timings)
        self.shape_source = core.shape_source
        self.results = []
        for i in range(len(core)):
            text = core.result_json(i)
            fields = json.loads(text)
            self.results.append(_RESULT_TYPES.get(fields['pass'], Result)(core, i, text, fields))

    def __len__(self):
        return len(self.results)

    def __iter__(self):
        return iter(self.results)

    def __getitem__(self, key):
        """By position, or the first result of the pass named `key`."""
        if isinstance(key, int):
            return self.results[key]
        for r in self.results:
            if r.pass_name == key:
                return r
        raise KeyError('no result of pass %r (passes run: %s)'
                       % (key, ', '.join(r.pass_name for r in self.results)))

    def to_json(self):
        """Exactly what `prunedep --format=json` prints (with its final newline)."""
        return self._core.to_json()

    def to_dict(self):
        return json.loads(self.to_json())

    def to_csv(self):
        """What `prunedep --format=csv` prints: each result's CSV, a blank line between."""
        return '\n'.join(r.to_csv() for r in self.results)

    def to_text(self):
        """Each pass's section of the text report."""
        return ''.join(r.to_text() for r in self.results)

    def __repr__(self):
        return '<prunedep.Report %s: %s>' % (self.model,
                                             ', '.join(r.pass_name for r in self.results))
