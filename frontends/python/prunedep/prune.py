"""In-place structured pruning from prunedep's channel groups (issue 24).

    import prunedep
    report = prunedep.prune(model, torch.randn(1, 3, 224, 224), ratio=0.5,
                            ignored_layers=['fc'])
    report.params_before, report.params_after, report.check['ok']

Three steps, as a compiler transform:

plan   `channel-groups` gives, per set, groups of channel indices across its
       members (layer, role out|in|param, dim, per-group, indices). Each
       prunable set's groups are ranked by importance and the lowest
       floor(ratio * groups) are removed (at least one group is kept); sets
       that change a model output's shape are kept by default. The same
       plan as the C++ planner's (passes/prune/PrunePlan.cpp) for the same
       options; prune(plan=...) applies a given one instead.
apply  every member's tensor is sliced along the member's dim, in place:
       module weights, per-output biases and norm statistics, bare
       parameters and buffers (role param: class tokens, LSTM gate blocks);
       then the modules' size attributes (out_channels, in_features, ...,
       nn.MultiheadAttention's), and the int attributes the forward reads
       that equal a pruned size (the value rule, below).
check  a deep copy of the original with every removed slice zeroed must
       compute what the pruned model computes, on the example inputs.

See docs/pruning.md.
"""
import copy
import linecache
import math
import re
import time
import traceback
import warnings

import torch
import torch.nn as nn

__all__ = ['prune', 'prune_plan', 'plan', 'PruneReport']

# Per-output tensors of a module that follow its `out` member (dim 0).
_PER_OUTPUT = ('bias', 'running_mean', 'running_var')


def _error(message):
    from . import Error
    return Error(message)


class PruneReport(dict):
    """What prune() did: a dict whose keys are also attributes.

    params_before/after, macs_before/after (conv and linear multiply-adds,
    counted with forward hooks), time_analyze/plan/prune/check (seconds),
    plan (the plan: see prune_plan()), check ({'ok', 'max_error', 'tolerance',
    'compared', 'notes'} or None with check=False), forward_error (None, or
    what failed when the pruned model ran: a size the forward code holds),
    attributes ({'updated', 'ambiguous', 'notes'}: the sizes set in modules'
    attributes beyond their tensors, by the value rule; docs/pruning.md).
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    def summary(self):
        c = self.get('check')
        check = 'skipped' if c is None else ('FAILED' if not c['ok'] else
                                             'OK' if c.get('values', True) else 'OK (shapes only)')
        after = '-' if self['macs_after'] is None else '%d' % self['macs_after']
        text = ('params %d -> %d, MACs %d -> %s, %d set(s) pruned, check %s'
                % (self['params_before'], self['params_after'], self['macs_before'], after,
                   len(self['plan']['sets']), check))
        if self.get('forward_error'):
            text += '; the pruned model does not run: ' + self['forward_error']['error']
        return text


# ---------------------------------------------------------------- indices

def _expand(ranges):
    out = []
    for start, end in ranges:
        out.extend(range(start, end))
    return out


def _ranges(indices):
    """Sorted indices (a list or a 1-d tensor) as [start, end) ranges (the
    channel-groups format)."""
    if isinstance(indices, torch.Tensor):
        indices = indices.tolist()  # a plain loop beats a few torch calls per member
    out = []
    for i in indices:
        if out and out[-1][1] == i:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return out


def _group_indices(member, groups):
    """[groups, per_group] tensor of the original indices of `member`: the
    ranges expanded without a Python loop (an attention's members hold
    thousands of one-index ranges): each range's start, repeated over its
    length, plus its position within the range."""
    ranges = member.indices
    if len(ranges) == 1:
        flat = torch.arange(ranges[0][0], ranges[0][1])
    elif ranges:
        r = torch.tensor(ranges, dtype=torch.long)
        lengths = r[:, 1] - r[:, 0]
        before = torch.cumsum(lengths, 0) - lengths
        flat = torch.arange(int(lengths.sum())) + torch.repeat_interleave(r[:, 0] - before, lengths)
    else:
        flat = torch.zeros(0, dtype=torch.long)
    per = member.per_group
    if flat.numel() != groups * per:
        raise _error('set member %s (%s, dim %d): %d indices for %d groups of %d'
                     % (member.layer, member.role, member.dim, flat.numel(), groups, per))
    return flat.view(groups, per)


# ---------------------------------------------------------------- the model

class _Model:
    """Names to modules and tensors, and every place a tensor is stored."""

    def __init__(self, model):
        self.root = model
        self.modules = dict(model.named_modules())
        self.tensors = {}
        self.places = {}   # id(tensor) -> [(module, attr, is_param)]
        self.score_cache = {}  # (id(tensor), dim, p) -> per-index magnitudes (_member_scores)
        for mname, mod in self.modules.items():
            prefix = mname + '.' if mname else ''
            for store, is_param in ((mod._parameters, True), (mod._buffers, False)):
                for attr, t in store.items():
                    if t is not None:
                        self.tensors.setdefault(prefix + attr, t)
                        self.places.setdefault(id(t), []).append((mod, attr, is_param))

    def exists(self, name):
        return name in self.modules or name in self.tensors

    def owner(self, path):
        mod_path, _, _ = path.rpartition('.')
        return self.modules.get(mod_path)

    def slices(self, member):
        """[(tensor, dim, is_primary)] the member stands for: the tensor its
        dim indexes, plus for role out a module's per-output tensors."""
        if member.role == 'param':
            t = self.tensors.get(member.layer)
            if t is None:
                raise _error('set member %s: no parameter or buffer of that name in the model'
                             % member.layer)
            return [(t, member.dim, True)]
        m = self.modules.get(member.layer)
        if m is None:
            raise _error('set member %s: no module of that name in the model' % member.layer)
        out = []
        w = getattr(m, 'weight', None)
        if isinstance(w, torch.Tensor):
            out.append((w, member.dim, True))
        if member.role == 'out':
            for attr in _PER_OUTPUT:
                t = getattr(m, attr, None)
                if isinstance(t, torch.Tensor) and t.dim() >= 1:
                    out.append((t, 0, False))
        return out


def _split_ignored(name):
    """'fc' -> ('fc', None); 'fc:out' -> ('fc', 'out') (only its outputs kept)."""
    base, sep, role = name.rpartition(':')
    if sep and role in ('out', 'in', 'param'):
        return base, role
    return name, None


def _ignored(member, ignored):
    for name in ignored:
        base, role = _split_ignored(name)
        if (member.layer == base or member.layer.startswith(base + '.')) and \
                (role is None or role == member.role):
            return name
    return None


# ---------------------------------------------------------------- importance
#
# The same scores, ranking and counts as the C++ planner (passes/prune/
# PrunePlan.cpp, frontends/prune/Importance.cpp), to the bit: for the same
# options `prunedep prune --plan-out` and prune_plan() give the same plan.

def _member_scores(tensor, dim, groups_idx, p, cache):
    """Per group: the L1 (p=1) or L2 (p=2) norm of the tensor's slice, as
    Importance.cpp computes it: per index of `dim`, |x| (x^2) summed over
    every other dim in float32, then per group the indices' sums added in
    float64 in the group's index order (and the square root for L2). The
    per-index sums are cached by tensor and dim: a layer whose input
    concatenates several sets (DenseNet) is a member of each."""
    key = (id(tensor), dim, p)
    per_index = cache.get(key)
    if per_index is None:
        t = tensor.detach().float()
        others = [d for d in range(t.dim()) if d != dim]
        magnitude = t.abs() if p == 1 else t.square()
        per_index = (magnitude.sum(others) if others else magnitude).double()
        cache[key] = per_index
    acc = torch.zeros(groups_idx.shape[0], dtype=torch.float64)
    for j in range(groups_idx.shape[1]):
        acc += per_index[groups_idx[:, j]]
    return acc if p == 1 else acc.sqrt()


_MASK64 = (1 << 64) - 1


def _mt19937_64(seed, count):
    """The first `count` raw outputs of std::mt19937_64 seeded with `seed`."""
    n, mid = 312, 156
    mt = [seed & _MASK64]
    for i in range(1, n):
        prev = mt[-1]
        mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & _MASK64)
    out, i = [], n
    while len(out) < count:
        if i >= n:
            for k in range(n):
                x = (mt[k] & 0xFFFFFFFF80000000) | (mt[(k + 1) % n] & 0x7FFFFFFF)
                xa = x >> 1
                if x & 1:
                    xa ^= 0xB5026F5AA96619E9
                mt[k] = mt[(k + mid) % n] ^ xa
            i = 0
        y = mt[i]
        i += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        out.append(y & _MASK64)
    return out


def _random_scores(seed, number, groups):
    """PrunePlan.cpp's randomScorer: one std::mt19937_64 stream per set,
    seeded with seed * 0x9E3779B97F4A7C15 + set number; 53-bit doubles."""
    raw = _mt19937_64((seed * 0x9E3779B97F4A7C15 + number) & _MASK64, groups)
    return [(r >> 11) * 2.0 ** -53 for r in raw]


def _scores(cset, model, importance, seed):
    """One score per group of `cset` (a list of floats; lowest go)."""
    groups = cset.groups
    if importance == 'random':
        return _random_scores(seed, cset['set'], groups)
    if callable(importance):
        tensors = []
        for m in cset.members:
            s = model.slices(m)
            tensors.append(s[0][0].detach() if s else None)
        scores = torch.as_tensor(importance(cset, tensors), dtype=torch.float64).flatten()
        if scores.numel() != groups:
            raise _error('importance callable: %d score(s) for set %d of %d groups'
                         % (scores.numel(), cset['set'], groups))
        return scores.tolist()
    p = {'l1': 1, 'l2': 2}[importance]
    total = torch.zeros(groups, dtype=torch.float64)
    for m in cset.members:
        for tensor, dim, primary in model.slices(m):
            if primary:
                if not 0 <= dim < tensor.dim():
                    raise _error('set member %s: dim %d of a tensor of rank %d'
                                 % (m.layer, dim, tensor.dim()))
                total += _member_scores(tensor, dim, _group_indices(m, groups), p,
                                        model.score_cache)
    return total.tolist()


def _keep_count(groups, ratio, step):
    """Groups a set keeps at `ratio` (at least one), rounded to a multiple of
    `step` groups when the set has room for it (PrunePlan.cpp keepCount)."""
    keep = max(1, groups - int(math.floor(ratio * groups)))
    if step > 1 and keep % step:
        up = (keep // step + 1) * step
        keep = up if up <= groups else max(step, keep // step * step)
    return keep


def _set_name(cset):
    members = cset.members
    return 'set %d%s' % (cset['set'], ' (%s%s)' % (members[0].layer, ', ...' if len(members) > 1
                                                   else '') if members else '')


def _rounding_step(cset, round_to):
    """Groups per rounding step: the fewest groups whose channels are a
    multiple of `round_to` in every member (PrunePlan.cpp roundingStep).
    More than the set has: the set cannot be rounded; where its groups hold
    several channels each that round_to cuts across, that is an error."""
    if not round_to or round_to <= 1:
        return 1
    step, crosses = 1, False
    for m in cset.members:
        per = m.per_group
        if not per:
            continue
        s = round_to // math.gcd(round_to, per)
        step = step * s // math.gcd(step, s)
        crosses = crosses or (per > 1 and round_to % per != 0 and per % round_to != 0)
    if step > cset.groups and crosses:
        first = cset.members[0]
        raise _error('round_to=%d conflicts with %s: its %d groups hold %d channel(s) each in %s, '
                     'and a multiple of %d needs %d groups'
                     % (round_to, _set_name(cset), cset.groups, first.per_group, first.layer,
                        round_to, step))
    return step


def _lowest(scores, count):
    """The `count` lowest-scored groups, lower group first on ties; ascending."""
    order = sorted(range(len(scores)), key=scores.__getitem__)  # stable
    return sorted(order[:count])


def _groups_pass(granularity):
    if granularity not in ('channel', 'head'):
        raise _error("granularity=%r: expected 'channel' or 'head'" % (granularity,))
    return 'channel-groups' if granularity == 'channel' else 'channel-groups{granularity=head}'


def _check_ratio(ratio, what):
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not 0 <= ratio < 1:
        raise _error('%s=%r: expected a number in [0, 1)' % (what, ratio))


def _layer_name(name, m, what):
    """An ignored or ratio_of layer as a name (a module is looked up)."""
    if not isinstance(name, str):
        found = [n for n, mod in m.modules.items() if mod is name]
        if not found:
            raise _error('%s %r is not a module of the model' % (what, name))
        return found[0]
    if not m.exists(_split_ignored(name)[0]):
        raise _error("%s '%s': no module, parameter or buffer of that name in the model"
                     % (what, name))
    return name


def prune_plan(model, example_inputs, ratio=0.5, importance='l1', ignored_layers=(),
               round_to=None, seed=0, granularity='channel', keep_outputs=True, ratio_of=None,
               global_ranking=False, groups_result=None, _model=None):
    """The pruning plan, without touching the model: a dict
    {'schema': 'prunedep/1', 'pass': 'prune-plan', 'ratio', 'importance',
     'round_to', 'ignored_layers', 'ratio_of', 'global', 'keep_outputs',
     'seed', 'granularity',
     'sets': [{'set', 'groups', 'kept', 'removed': [group numbers], 'outputs',
               'members': [{'layer', 'role', 'dim', 'indices': removed [start, end) ranges}]}],
     'skipped': [{'set', 'reason'}]},
    the plan `prunedep prune --plan-out` writes for the same options.
    Arguments as for prune(); groups_result: a channel-groups result already computed."""
    passes = _groups_pass(granularity)
    _check_ratio(ratio, 'ratio')
    if isinstance(importance, str):
        if importance not in ('l1', 'l2', 'random'):
            raise _error("importance=%r: expected 'l1', 'l2', 'random' or a callable"
                         % (importance,))
    elif not callable(importance):
        raise _error('importance: expected a str or a callable, got %s' % type(importance).__name__)
    if round_to is not None and (isinstance(round_to, bool) or not isinstance(round_to, int)
                                 or round_to < 1):
        raise _error('round_to=%r: expected a positive int (channels per member)' % (round_to,))
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise _error('seed=%r: expected a non-negative int' % (seed,))
    if not isinstance(keep_outputs, bool):
        raise _error('keep_outputs=%r: expected True or False' % (keep_outputs,))
    if not isinstance(global_ranking, bool):
        raise _error('global_ranking=%r: expected True or False' % (global_ranking,))
    if isinstance(ignored_layers, (str, nn.Module)):
        ignored_layers = [ignored_layers]
    m = _model or _Model(model)
    ignored_layers = [_layer_name(n, m, 'ignored layer') for n in (ignored_layers or ())]
    if ratio_of is None:
        ratio_of = {}
    if not isinstance(ratio_of, dict):
        raise _error("ratio_of: expected a dict {'layer': ratio}, got %s" % type(ratio_of).__name__)
    ratios = {}
    for name, r in ratio_of.items():
        name = _layer_name(name, m, 'ratio_of layer')
        _check_ratio(r, "ratio_of['%s']" % name)
        ratios[name] = r
    if groups_result is None:
        from . import analyze
        groups_result = analyze(model, example_inputs, passes=passes)['channel-groups']
    out = {'schema': 'prunedep/1', 'pass': 'prune-plan', 'ratio': ratio,
           'importance': importance if isinstance(importance, str) else
           getattr(importance, '__name__', 'callable'),
           'round_to': round_to if round_to and round_to > 1 else None,
           'ignored_layers': ignored_layers, 'ratio_of': ratios, 'global': global_ranking,
           'keep_outputs': keep_outputs, 'seed': seed, 'granularity': granularity,
           'sets': [], 'skipped': []}
    # As PrunePlan.cpp planPruning: skip, then per candidate a ratio, a
    # rounding step and the scores; keep counts per set or globally.
    candidates = []   # [cset, ratio, fixed ratio, step, scores]
    # A ratio_of layer that is only in blocked sets cannot get its ratio:
    # an error naming the first such set.
    ratio_prunable, ratio_blocked = set(), {}
    for cset in groups_result.sets:
        number = cset['set']
        for name in ratios:
            if any(_ignored(mem, [name]) for mem in cset.members):
                if cset.prunable:
                    ratio_prunable.add(name)
                else:
                    ratio_blocked.setdefault(name, '%s cannot be pruned: %s'
                                             % (_set_name(cset), cset.blocked[0]))
        if not cset.prunable:
            out['skipped'].append({'set': number, 'reason': 'blocked: ' + '; '.join(cset.blocked)})
            continue
        hit = by = None
        for mem in cset.members:
            by = _ignored(mem, ignored_layers)
            if by is not None:
                hit = mem
                break
        if hit is not None:
            out['skipped'].append({'set': number, 'reason': 'ignored layer %s (%s, %s)'
                                   % (by, hit.layer, hit.role)})
            continue
        if keep_outputs and cset.outputs:
            out['skipped'].append({'set': number, 'reason': "changes the model's output %s (its "
                                   'shape is kept)' % cset.outputs[0]})
            continue
        groups = cset.groups
        step = _rounding_step(cset, round_to)
        if step > groups:
            out['skipped'].append({'set': number, 'reason': 'round-to %d: its %d group(s) cannot '
                                   'keep a multiple of %d channels' % (round_to, groups, round_to)})
            continue
        r, fixed = ratio, False
        for name, value in ratios.items():
            if any(_ignored(mem, [name]) for mem in cset.members):
                r, fixed = value, True
                break
        if _keep_count(groups, r, step) >= groups and not (global_ranking and not fixed):
            continue   # nothing to remove
        candidates.append([cset, r, fixed, step, _scores(cset, m, importance, seed)])

    for name in ratios:
        if name not in ratio_prunable and name in ratio_blocked:
            raise _error("ratio_of layer '%s': %s" % (name, ratio_blocked[name]))

    keep = [_keep_count(c[0].groups, c[1], c[3]) for c in candidates]
    if global_ranking:
        # Scores divided by their set's mean, so that sets of different sizes
        # and member counts compare; the lowest go over all ranked sets, each
        # keeping at least one group; then each rounded up to its step.
        ranked, total = [], 0
        for k, (cset, _, fixed, _, scores) in enumerate(candidates):
            if fixed:
                continue
            acc = 0.0
            for x in scores:   # in order, as std::accumulate
                acc += x
            mean = acc / len(scores)
            ranked.extend((x / mean if mean > 0 else 0.0, k) for x in scores)
            total += len(scores)
            keep[k] = len(scores)
        ranked.sort(key=lambda e: e[0])   # stable
        to_remove = int(math.floor(ratio * total))
        for _, k in ranked:
            if to_remove == 0:
                break
            if keep[k] > 1:
                keep[k] -= 1
                to_remove -= 1
        for k, c in enumerate(candidates):
            step = c[3]
            if not c[2] and step > 1 and keep[k] % step:
                keep[k] = min(len(c[4]), (keep[k] // step + 1) * step)
    for k, (cset, _, _, _, scores) in enumerate(candidates):
        groups = cset.groups
        if keep[k] >= groups:
            continue
        removed = _lowest(scores, groups - keep[k])
        removed_t = torch.tensor(removed, dtype=torch.long)
        members = []
        for mem in cset.members:
            idx = torch.sort(_group_indices(mem, groups)[removed_t].flatten()).values
            members.append({'layer': mem.layer, 'role': mem.role, 'dim': mem.dim,
                            'indices': _ranges(idx)})
        out['sets'].append({'set': cset['set'], 'groups': groups, 'kept': keep[k],
                            'removed': removed, 'outputs': list(cset.outputs), 'members': members})
    out['sets'].sort(key=lambda s: s['set'])
    return out


plan = prune_plan   # the old name


# ---------------------------------------------------------------- a given plan

_PLANNING_DEFAULTS = (('ratio', 0.5), ('importance', 'l1'), ('ignored_layers', ()),
                      ('round_to', None), ('seed', 0), ('keep_outputs', True),
                      ('ratio_of', None), ('global_ranking', False))


def _read_plan(given):
    """A plan from a dict (prune_plan's, or a `prunedep prune --plan-out`
    file's contents, or a `prunedep --format=json` report holding one
    prune-plan result) or a path to such a JSON file: (plan, where) with
    where naming the file for messages."""
    import json
    import os
    where = 'plan'
    if isinstance(given, (str, bytes, os.PathLike)):
        where = os.fsdecode(os.fspath(given))
        try:
            with open(where) as f:
                given = json.load(f)
        except OSError as e:
            raise _error('%s: error: cannot read the plan: %s' % (where, e.strerror or e))
        except ValueError as e:
            raise _error('%s: error: not JSON: %s' % (where, e))
    if not isinstance(given, dict):
        raise _error('%s: error: a plan is a dict (prune_plan, --plan-out) or a path to its JSON, '
                     'not %s' % (where, type(given).__name__))
    if 'results' in given:   # a prunedep --format=json report
        found = [r for r in given['results'] or ()
                 if isinstance(r, dict) and r.get('pass') == 'prune-plan']
        if len(found) != 1:
            raise _error('%s: error: the report holds %s prune-plan result'
                         % (where, 'no' if not found else 'more than one'))
        given = found[0]
    elif given.get('schema') != 'prunedep/1':
        raise _error('%s: error: "schema" is %r: a plan starts {"schema": "prunedep/1", '
                     '"pass": "prune-plan", ...}' % (where, given.get('schema')))
    if given.get('pass', 'prune-plan') != 'prune-plan':
        raise _error('%s: error: "pass" is %r, not "prune-plan"' % (where, given.get('pass')))
    granularity = given.get('granularity', 'channel')
    if granularity not in ('channel', 'head'):
        raise _error('%s: error: "granularity" must be "channel" or "head", not %r'
                     % (where, granularity))
    if not isinstance(given.get('sets'), list):
        raise _error('%s: error: no "sets" list' % where)
    return given, where


def _member_name(layer, role, dim):
    """A plan member as the C++ reports name it: conv1, fc:in, encoder.pos_embedding@2."""
    return {'out': layer, 'in': layer + ':in'}.get(role, '%s@%s' % (layer, dim))


def _int(value, key, where, lo=0):
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise _error('%s: "%s" must be an integer >= %d, not %r' % (where, key, lo, value))
    return value


def _check_plan(given, where, groups_result):
    """`given` checked against the model's channel groups as PrunePlan.cpp's
    checkPlan does (every set exists and is prunable, its groups and members
    are the model's, the removed groups exist and leave one, every member's
    indices are exactly those of the removed groups), with an error naming the
    set and member otherwise. Returns the plan to apply: a copy whose sets
    carry the model's `outputs`."""
    sets = groups_result.sets
    out = {k: v for k, v in given.items() if k not in ('sets', 'results')}
    out.setdefault('schema', 'prunedep/1')
    out.setdefault('pass', 'prune-plan')
    out.setdefault('granularity', 'channel')
    out['sets'] = []
    out.setdefault('skipped', [])
    last = 0
    for pos, s in enumerate(given['sets']):
        here = '%s: error: sets entry %d' % (where, pos + 1)
        if not isinstance(s, dict):
            raise _error(here + ': must be a dict {"set", "groups", "kept", "removed", "members"}')
        for key in ('set', 'groups', 'kept', 'removed', 'members'):
            if key not in s:
                raise _error('%s: no "%s"' % (here, key))
        number = _int(s['set'], 'set', here, 1)
        here = '%s: error: plan set %d' % (where, number)
        if number > len(sets):
            raise _error('%s: the model has %d channel-groups sets' % (here, len(sets)))
        if number <= last:
            raise _error(here + ': sets must be listed once each, in ascending order')
        last = number
        cset = sets[number - 1]
        groups = cset.groups
        here = '%s: error: plan %s' % (where, _set_name(cset))
        if not cset.prunable:
            raise _error('%s: the set cannot be pruned: %s' % (here, cset.blocked[0]))
        if _int(s['groups'], 'groups', here) != groups:
            raise _error('%s: the plan says %d groups, the model has %d'
                         % (here, s['groups'], groups))
        removed = s['removed']
        if not isinstance(removed, list):
            raise _error(here + ': "removed" must be a list of group numbers')
        for k, g in enumerate(removed):
            _int(g, 'removed', here)
            if g >= groups:
                raise _error('%s: group %d does not exist (%d groups)' % (here, g, groups))
            if k and g <= removed[k - 1]:
                raise _error(here + ': removed groups must be ascending and distinct')
        if len(removed) >= groups:
            raise _error('%s: removing all %d groups would empty %s'
                         % (here, groups, cset.members[0].layer))
        if _int(s['kept'], 'kept', here) != groups - len(removed):
            raise _error('%s: kept %d is not groups minus removed (%d)'
                         % (here, s['kept'], groups - len(removed)))
        members = s['members']
        if not isinstance(members, list) or len(members) != len(cset.members):
            raise _error('%s: %s member(s), the model\'s set has %d'
                         % (here, len(members) if isinstance(members, list) else 'no list of',
                            len(cset.members)))
        removed_t = torch.tensor(removed, dtype=torch.long)
        checked = []
        for k, (got, want) in enumerate(zip(members, cset.members)):
            if not isinstance(got, dict) or any(key not in got for key in
                                                ('layer', 'role', 'dim', 'indices')):
                raise _error('%s: member %d: must be a dict {"layer", "role", "dim", "indices"}'
                             % (here, k + 1))
            if (got['layer'], got['role'], got['dim']) != (want.layer, want.role, want.dim):
                raise _error("%s: member %d is %s (dim %s), the model's is %s (dim %d)"
                             % (here, k + 1, _member_name(got['layer'], got['role'], got['dim']),
                                got['dim'], _member_name(want.layer, want.role, want.dim),
                                want.dim))
            expected = torch.sort(_group_indices(want, groups)[removed_t].flatten()).values.tolist()
            try:
                indices = _expand(got['indices'])
            except (TypeError, ValueError):
                indices = None
            if indices != expected:
                raise _error('%s: member %s: its indices are not those of the removed groups'
                             % (here, _member_name(want.layer, want.role, want.dim)))
            checked.append({'layer': want.layer, 'role': want.role, 'dim': want.dim,
                            'indices': _ranges(expected)})
        out['sets'].append({'set': number, 'groups': groups, 'kept': groups - len(removed),
                            'removed': list(removed), 'outputs': list(cset.outputs),
                            'members': checked})
    return out


# ---------------------------------------------------------------- apply

class _Member:
    def __init__(self, d):
        self.layer, self.role, self.dim = d['layer'], d['role'], d['dim']


def _removals(plan_, m):
    """{id(tensor): (tensor, {dim: set(removed original indices)})} over the plan."""
    out = {}
    for s in plan_['sets']:
        for d in s['members']:
            idx = _expand(d['indices'])
            for tensor, dim, _ in m.slices(_Member(d)):
                entry = out.setdefault(id(tensor), (tensor, {}))
                entry[1].setdefault(dim, set()).update(idx)
    return out


def _zero(removals):
    with torch.no_grad():
        for tensor, dims in removals.values():
            for dim, idx in dims.items():
                tensor.index_fill_(dim, torch.tensor(sorted(idx), dtype=torch.long), 0)


def _apply(removals, m):
    touched = set()
    for tensor, dims in removals.values():
        new = tensor.detach()
        for dim, idx in dims.items():
            keep = [i for i in range(tensor.shape[dim]) if i not in idx]
            if not keep:
                raise _error('pruning would empty dim %d of a tensor of shape %s'
                             % (dim, list(tensor.shape)))
            new = new.index_select(dim, torch.tensor(keep, dtype=torch.long))
        new = new.contiguous()
        param = None   # one new Parameter for every module that holds a tied one
        for module, attr, is_param in m.places.get(id(tensor), []):
            if is_param:
                if param is None:
                    param = nn.Parameter(new, requires_grad=tensor.requires_grad)
                module._parameters[attr] = param
            else:
                module._buffers[attr] = new
            touched.add(module)
    for module in touched:
        _update_attributes(module)
    return touched


def _update_attributes(mod):
    w = getattr(mod, 'weight', None)
    if isinstance(mod, nn.modules.conv._ConvNd):
        if mod.transposed:   # [in, out / groups, ...]
            mod.in_channels = w.shape[0]
            mod.out_channels = w.shape[1] * mod.groups
        else:                # [out, in / groups, ...]
            old_in, old_out, g = mod.in_channels, mod.out_channels, mod.groups
            if g > 1 and g == old_in and w.shape[1] == 1:
                # depthwise: the groups follow the channels (multiplier out/in)
                mult = max(1, old_out // old_in)
                mod.groups = max(1, w.shape[0] // mult)
            mod.out_channels = w.shape[0]
            mod.in_channels = w.shape[1] * mod.groups
    elif isinstance(mod, nn.Linear):
        mod.out_features, mod.in_features = w.shape[0], w.shape[1]
    elif isinstance(mod, nn.modules.batchnorm._NormBase):   # BatchNorm*, InstanceNorm*
        t = w if isinstance(w, torch.Tensor) else getattr(mod, 'running_mean', None)
        if isinstance(t, torch.Tensor):
            mod.num_features = t.shape[0]
    elif isinstance(mod, nn.GroupNorm):
        if isinstance(w, torch.Tensor):
            if mod.num_groups == mod.num_channels:
                mod.num_groups = w.shape[0]
            mod.num_channels = w.shape[0]
    elif isinstance(mod, nn.LayerNorm):
        if isinstance(w, torch.Tensor):
            mod.normalized_shape = tuple(w.shape)
    elif isinstance(mod, nn.Embedding):
        mod.num_embeddings, mod.embedding_dim = w.shape[0], w.shape[1]
    elif isinstance(mod, nn.PReLU):
        mod.num_parameters = w.numel()
    elif isinstance(mod, nn.RNNBase):
        gates = {'LSTM': 4, 'GRU': 3}.get(mod.mode, 1)
        mod.hidden_size = mod.weight_hh_l0.shape[0] // gates
        if mod.proj_size:
            mod.proj_size = mod.weight_hr_l0.shape[0]
        mod.input_size = mod.weight_ih_l0.shape[1]
        if hasattr(type(mod), '_init_flat_weights'):
            mod._init_flat_weights()
        else:   # torch < 2.0: what RNNBase._apply does
            mod._flat_weights = [getattr(mod, wn) if hasattr(mod, wn) else None
                                 for wn in mod._flat_weights_names]
    elif isinstance(mod, nn.RNNCellBase):   # LSTMCell, GRUCell, RNNCell
        mod.input_size, mod.hidden_size = mod.weight_ih.shape[1], mod.weight_hh.shape[1]
    elif type(mod).__name__ == 'Conv1D' and hasattr(mod, 'nf') and isinstance(w, torch.Tensor):
        mod.nf = w.shape[1]   # HF Conv1D: weight [in, out]


def _explicit(mod):
    """Modules whose sizes _update_attributes (or _update_mha) sets from their
    tensors; the value rule below leaves them alone."""
    return isinstance(mod, (nn.modules.conv._ConvNd, nn.Linear, nn.modules.batchnorm._NormBase,
                            nn.GroupNorm, nn.LayerNorm, nn.Embedding, nn.PReLU, nn.RNNBase,
                            nn.RNNCellBase, nn.MultiheadAttention)) or \
        (type(mod).__name__ == 'Conv1D' and hasattr(mod, 'nf'))


# ---------------------------------------------------------------- sizes the forward code reads
#
# A module's forward may read a size from an attribute (ViT's self.hidden_dim,
# an attention's self.num_heads / self.head_dim, GPT-2's self.split_size). The
# value rule: an int attribute (>= 2) of a module that is not of an explicit
# kind above, and that the forward reads on the example inputs, is compared
# with the sizes of the module's subtree before and after slicing: every dim
# of every tensor the module or a module under it holds; the group count of
# each pruned set at its members' modules (the factor a reshape splits the
# set's channels into: head_dim, or the heads with granularity='head'); and,
# for each attention that attention-heads reads, its head count, head_dim, kv
# heads, query heads per kv head and q/k/v channels, at q's projection. If
# every size equal to the value becomes one same new size, the attribute
# takes it. If they disagree (one is pruned and another is not, two are
# pruned differently, a head count and head_dim are the same number), the
# attribute is left and reported as ambiguous. A wrong update is left to the
# check to find.

def _int_attributes(mod):
    return [k for k, v in vars(mod).items()
            if type(v) is int and v > 1 and not k.startswith('__')]


class _Reads:
    """Records which int attributes of the model's modules (other than the
    explicit kinds) are read while it runs: each such module's class is
    swapped, for the run, for a subclass whose __getattribute__ notes them.
    .reads: {(id(module), attr)}; .unwatched: ids of modules whose class could
    not be swapped (all their int attributes count as read)."""

    def __init__(self, m):
        self.m, self.reads, self.unwatched, self.swapped = m, set(), set(), []

    def __enter__(self):
        reads, classes = self.reads, {}
        for mod in self.m.modules.values():
            names = frozenset(_int_attributes(mod))
            if not names or _explicit(mod):
                continue
            cls = type(mod)
            key = (cls, names)
            if key not in classes:
                def getattribute(self_, name, _names=names, _base=cls):
                    if name in _names:
                        reads.add((id(self_), name))
                    return _base.__getattribute__(self_, name)
                classes[key] = type(cls.__name__, (cls,), {'__getattribute__': getattribute,
                                                           '__module__': cls.__module__,
                                                           '__qualname__': cls.__qualname__})
            try:
                mod.__class__ = classes[key]
                self.swapped.append((mod, cls))
            except Exception:   # a class that cannot be swapped (a scripted module)
                self.unwatched.add(id(mod))
        return self

    def __exit__(self, *exc):
        for mod, cls in self.swapped:
            mod.__class__ = cls
        self.swapped = []
        return False

    def read(self, mod, attr):
        return id(mod) in self.unwatched or (id(mod), attr) in self.reads


def _snapshot(m):
    """{(id(module), attr): (shape, id(tensor))} of every parameter and buffer
    before slicing (removals are keyed by the old tensors' ids)."""
    out = {}
    for mod in m.modules.values():
        for store in (mod._parameters, mod._buffers):
            for attr, t in store.items():
                if t is not None:
                    out[(id(mod), attr)] = (tuple(t.shape), id(t))
    return out


def _heads_after(positions, heads, dim):
    """(heads, dim) after removing `positions` of a [heads * dim] channel range
    (head h is positions h*dim .. h*dim+dim-1): whole heads go, or the same
    features of every head; None for anything else."""
    if not positions:
        return heads, dim
    by_head = {}
    for p in positions:
        by_head.setdefault(p // dim, set()).add(p % dim)
    if all(len(f) == dim for f in by_head.values()):
        return heads - len(by_head), dim
    first = by_head[min(by_head)]
    if len(by_head) == heads and all(f == first for f in by_head.values()):
        return heads, dim - len(first)
    return None


def _role_heads(ref, heads, dim, m, removals):
    """_heads_after for one role (q, k or v) of an attention-heads record."""
    try:
        slices = m.slices(_Member(ref))
    except Exception:
        return None
    if not slices:
        return None
    idx = _expand(ref['indices'])
    if len(idx) != heads * dim:
        return None
    removed = removals.get(id(slices[0][0]), (None, {}))[1].get(ref['dim'], ())
    return _heads_after([p for p, i in enumerate(idx) if i in removed], heads, dim)


def _head_facts(attentions, m, removals):
    """[(module, [(old, new, what)], record)]: per attention read by
    attention-heads, its sizes before and after the plan (new None: the plan
    removes q/k/v channels that are neither whole heads nor the same features
    of every head), placed at the module that holds q's projection (beside
    the projection's own sizes)."""
    out = []
    for a in attentions:
        if not a.get('read') or not all(r in a for r in ('q', 'k', 'v')):
            continue
        h, hd, kv = a['num-heads'], a['head-dim'], a['kv-heads']
        vhd = a.get('v-head-dim', hd)
        q = _role_heads(a['q'], h, hd, m, removals)
        k = _role_heads(a['k'], kv, hd, m, removals)
        v = _role_heads(a['v'], kv, vhd, m, removals)
        what = 'attention %s (%s)' % (a.get('attention'), a.get('scope') or a['q']['layer'])
        facts = [(h, q and q[0], 'heads of ' + what), (hd, q and q[1], 'head_dim of ' + what),
                 (h * hd, q and q[0] * q[1], 'q channels of ' + what),
                 (kv, k and k[0], 'kv heads of ' + what), (hd, k and k[1], 'k head_dim of ' + what),
                 (kv * hd, k and k[0] * k[1], 'k channels of ' + what),
                 (vhd, v and v[1], 'v head_dim of ' + what),
                 (kv * vhd, v and v[0] * v[1], 'v channels of ' + what)]
        if kv and h % kv == 0 and q and k and k[0] and q[0] % k[0] == 0:
            facts.append((h // kv, q[0] // k[0], 'query heads per kv head of ' + what))
        ref = a['q']
        owner = m.owner(ref['layer']) if ref['role'] == 'param' else m.modules.get(ref['layer'])
        out.append((owner, facts, {'attention': what, 'q': q, 'k': k, 'v': v, 'num_heads': h,
                                   'head_dim': hd, 'kv_heads': kv}))
    return out


def _update_mha(path, mod, removals, before):
    """nn.MultiheadAttention's sizes from its (sliced) tensors: embed_dim,
    kdim, vdim, num_heads, head_dim. The heads are read from in_proj_weight's
    (or q_proj_weight's) removed q rows: whole heads, or the same features of
    every head. Returns ([updated], [notes])."""
    packed = mod._qkv_same_embed_dim and mod.in_proj_weight is not None
    qw = mod.in_proj_weight if packed else mod.q_proj_weight
    old_shape, old_id = before[(id(mod), 'in_proj_weight' if packed else 'q_proj_weight')]
    old_e = old_shape[0] // 3 if packed else old_shape[0]
    h, hd = mod.num_heads, old_e // mod.num_heads
    removed = removals.get(old_id, (None, {}))[1].get(0, ())
    heads = _heads_after(sorted(i for i in removed if i < old_e), h, hd)
    e_q = qw.shape[0] // 3 if packed else qw.shape[0]
    e_in = qw.shape[1]
    new = {'embed_dim': e_in}
    if packed:
        new['kdim'] = new['vdim'] = e_in
    else:
        new['kdim'], new['vdim'] = mod.k_proj_weight.shape[1], mod.v_proj_weight.shape[1]
    notes = []
    if heads is None:
        notes.append('%s (nn.MultiheadAttention): the plan removes q channels that are neither '
                     'whole heads nor the same features of every head; num_heads left at %d'
                     % (path, h))
    else:
        new['num_heads'] = heads[0]
    nh = new.get('num_heads', h)
    new['head_dim'] = e_in // nh
    if e_q != e_in or e_in % nh:
        notes.append('%s (nn.MultiheadAttention): its q/k/v projections keep %d channels and its '
                     'input keeps %d; torch computes head_dim = input channels // num_heads, so '
                     'they must be equal (and divisible by num_heads = %d)' % (path, e_q, e_in, nh))
    updated = []
    for attr, value in new.items():
        old = getattr(mod, attr)
        if old != value:
            setattr(mod, attr, value)
            updated.append({'module': path, 'attr': attr, 'old': old, 'new': value,
                            'from': 'nn.MultiheadAttention'})
    return updated, notes


def _update_sizes(m, before, head_facts, plan_, reads=None):
    """The rule above, on every module that is not of an explicit kind.
    Returns (updated, ambiguous): [{'module', 'attr', 'old', 'new', 'from'}],
    [{'module', 'attr', 'value', 'candidates'}]."""
    facts = {}
    for path, mod in m.modules.items():
        own = []
        for store in (mod._parameters, mod._buffers):
            for attr, t in store.items():
                if t is None:
                    continue
                old = before.get((id(mod), attr), (tuple(t.shape), None))[0]
                name = path + '.' + attr if path else attr
                own.extend((a, b, '%s dim %d' % (name, d))
                           for d, (a, b) in enumerate(zip(old, t.shape)))
        facts[id(mod)] = own
    for owner, fs, _ in head_facts:
        if owner is not None:
            facts[id(owner)].extend(fs)
    # A set's group count is the factor a reshape splits its channels into
    # (head_dim or the head count, where a group has several channels).
    for s in plan_['sets']:
        for d in s['members']:
            mod = m.owner(d['layer']) if d['role'] == 'param' else m.modules.get(d['layer'])
            if mod is not None:
                facts[id(mod)].append((s['groups'], s['kept'], 'groups of set %d' % s['set']))
    # Only modules with a changed size in their subtree can have a stale attribute.
    changed = set()
    for path, mod in m.modules.items():
        if any(a != b for a, b, _ in facts[id(mod)]):
            parts = path.split('.') if path else []
            for i in range(len(parts) + 1):
                changed.add('.'.join(parts[:i]))
    memo = {}

    def subtree(mod):
        """{old size: {new size: first place it is seen}} over mod's subtree."""
        if id(mod) not in memo:
            out = {}
            for a, b, w in facts.get(id(mod), ()):
                out.setdefault(a, {}).setdefault(b, w)
            for c in mod.children():
                for a, news in subtree(c).items():
                    for b, w in news.items():
                        out.setdefault(a, {}).setdefault(b, w)
            memo[id(mod)] = out
        return memo[id(mod)]

    updated, ambiguous = [], []
    for path, mod in m.modules.items():
        if path not in changed or _explicit(mod):
            continue
        for attr in _int_attributes(mod):
            value = getattr(mod, attr)
            if reads is not None and not reads.read(mod, attr):
                continue
            matches = subtree(mod).get(value, {})
            if not matches or set(matches) == {value}:
                continue
            if len(matches) == 1 and None not in matches:
                new, what = next(iter(matches.items()))
                setattr(mod, attr, new)
                updated.append({'module': path, 'attr': attr, 'old': value, 'new': new,
                                'from': what})
            else:
                cands = ['%s (%s)' % ('?' if n is None else n, w) for n, w in matches.items()]
                ambiguous.append({'module': path, 'attr': attr, 'value': value,
                                  'candidates': cands[:6] + (['and %d more' % (len(cands) - 6)]
                                                             if len(cands) > 6 else [])})
    return updated, ambiguous


# ---------------------------------------------------------------- measure

def _params(model):
    seen, n = set(), 0
    for p in model.parameters():
        if id(p) not in seen:
            seen.add(id(p))
            n += p.numel()
    return n


def _run(model, inputs, count_macs=False):
    """Outputs of one eval-mode, no-grad forward, and the conv/linear MACs."""
    from . import _eval_mode
    macs = [0]
    hooks = []

    def conv_hook(mod, inp, out):
        macs[0] += out.numel() * (mod.in_channels // mod.groups) * math.prod(mod.kernel_size)

    def linear_hook(mod, inp, out):
        macs[0] += out.numel() * mod.in_features

    if count_macs:
        for mod in model.modules():
            if isinstance(mod, nn.modules.conv._ConvNd):
                hooks.append(mod.register_forward_hook(conv_hook))
            elif isinstance(mod, nn.Linear):
                hooks.append(mod.register_forward_hook(linear_hook))
    try:
        with _eval_mode(model), torch.no_grad():
            out = model(*inputs)
    finally:
        for h in hooks:
            h.remove()
    return out, macs[0]


def _flatten(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, dict):
        return [t for k in out for t in _flatten(out[k])]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flatten(o)]
    if hasattr(out, 'to_tuple'):
        return _flatten(out.to_tuple())
    return []


def _renormalizing(plan_, m):
    """Members of the plan that normalize over the channels they lose
    (LayerNorm, a GroupNorm with several channels per group): there a zeroed
    channel still counts in the mean and variance, a removed one does not, so
    the zeroed original is no reference for the values after them."""
    found = []
    for s in plan_['sets']:
        for d in s['members']:
            mod = m.modules.get(d['layer']) if d['role'] != 'param' else None
            if isinstance(mod, nn.LayerNorm) or (isinstance(mod, nn.GroupNorm)
                                                 and mod.num_groups != mod.num_channels):
                found.append('%s (%s)' % (d['layer'], type(mod).__name__))
    return sorted(set(found))


def _compare(ref, got, plan_, tolerance, renormalizing=()):
    refs, gots = _flatten(ref), _flatten(got)
    result = {'ok': True, 'max_error': 0.0, 'tolerance': tolerance, 'compared': 0, 'notes': [],
              'mismatch': None, 'values': not renormalizing}
    if renormalizing:
        # Shapes only: the values differ from the zeroed original by design.
        result['notes'].append('values not compared: %s normalize over pruned channels, where a '
                               'zeroed channel is not a removed one' % ', '.join(renormalizing[:3])
                               + (' and %d more' % (len(renormalizing) - 3) if len(renormalizing) > 3 else ''))
        tolerance = math.inf
    if len(refs) != len(gots):
        result.update(ok=False, mismatch='the pruned model returns %d tensor(s), the original %d'
                      % (len(gots), len(refs)))
        return result
    # Removed index lists of the sets that reach a model output.
    out_removed = [_expand(s['members'][0]['indices']) if len(s['members']) == 1 else
                   sorted(set(_expand(s['members'][0]['indices'])))
                   for s in plan_['sets'] if s.get('outputs')]
    for i, (r, g) in enumerate(zip(refs, gots)):
        if not r.is_floating_point():
            if r.shape != g.shape or not torch.equal(r, g):
                result.update(ok=False, mismatch='output %d (%s) differs' % (i, r.dtype))
                return result
            result['compared'] += 1
            continue
        if r.shape != g.shape:
            if r.dim() != g.dim():
                result['notes'].append('output %d: rank changed %s -> %s, not compared'
                                       % (i, list(r.shape), list(g.shape)))
                continue
            for d in range(r.dim()):
                if r.shape[d] != g.shape[d]:
                    k = r.shape[d] - g.shape[d]
                    cand = next((idx for idx in out_removed if len(idx) == k), None)
                    if cand is None:
                        r = None
                        break
                    keep = [j for j in range(r.shape[d]) if j not in set(cand)]
                    r = r.index_select(d, torch.tensor(keep, dtype=torch.long))
            if r is None or r.shape != g.shape:
                result.update(ok=False, mismatch='output %d: shape %s -> %s, not what removing '
                              'the pruned output channels gives (the forward code may hold a '
                              'pruned size, e.g. a view)' % (i, list(refs[i].shape), list(g.shape)))
                return result
            result['notes'].append('output %d: shape %s -> %s, compared without the removed '
                                   'indices' % (i, list(refs[i].shape), list(g.shape)))
        err = (r.double() - g.double()).abs()
        err = err.max().item() if err.numel() else 0.0
        scale = max(1.0, r.abs().max().item() if r.numel() else 0.0)
        result['max_error'] = max(result['max_error'], err / scale)
        result['compared'] += 1
        if not (err <= tolerance * scale) or math.isnan(err):
            result.update(ok=False, mismatch='output %d (shape %s): max |pruned - zeroed original| '
                          '= %.3g, above tolerance %.3g x %.3g' % (i, list(g.shape), err,
                                                                   tolerance, scale))
            return result
    return result


def _forward_error(exc, plan_, sizes, m=None, attributes=None):
    """What failed when the pruned model ran: the source line of the model's
    code (outside torch) that raised, the module whose forward it is, the
    pruned sizes the message names, and that module's attributes the value
    rule updated or left as ambiguous."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = None
    for fr in reversed(frames):
        f = fr.filename.replace('\\', '/')
        if '/torch/' not in f and not f.endswith('/prunedep/prune.py'):
            where = fr
            break
    # The innermost frame outside torch whose `self` is a module of the model.
    module = None
    paths = {id(mod): path for path, mod in m.modules.items()} if m is not None else {}
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code.co_filename.replace('\\', '/')
        me = tb.tb_frame.f_locals.get('self')
        if '/torch/' not in code and id(me) in paths:
            module = paths[id(me)]
        tb = tb.tb_next
    info = {'error': '%s: %s' % (type(exc).__name__, str(exc).strip().splitlines()[0]
                                 if str(exc).strip() else ''),
            'source': None, 'line': None, 'module': module, 'old_sizes': [],
            'updated': [], 'ambiguous': [], 'notes': []}
    if where is not None:
        info['source'] = '%s:%d (%s)' % (where.filename, where.lineno, where.name)
        info['line'] = (where.line or linecache.getline(where.filename, where.lineno)).strip()
    numbers = set(int(n) for n in re.findall(r'\d+', str(exc)))
    for old, new, number in sizes:
        if old in numbers:
            info['old_sizes'].append({'set': number, 'old': old, 'new': new})
    if attributes is not None and module is not None:
        info['updated'] = [u for u in attributes['updated'] if u['module'] == module]
        info['ambiguous'] = [u for u in attributes['ambiguous'] if u['module'] == module]
        # Notes on this module or a module under it (nn.MultiheadAttention's sizes).
        info['notes'] = [n for n in attributes['notes']
                         if re.match(re.escape(module) + r'[. ]', n) or not module]
    return info


# ---------------------------------------------------------------- prune

def _more(items, shown=3):
    return ' and %d more' % (len(items) - shown) if len(items) > shown else ''


def _forward_sizes(m, removals, before, heads, plan_, reads=None):
    """After slicing: nn.MultiheadAttention's sizes, then the value rule on
    every other module. Returns report['attributes']."""
    updated, notes = [], []
    for path, mod in m.modules.items():
        if isinstance(mod, nn.MultiheadAttention):
            u, n = _update_mha(path, mod, removals, before)
            updated += u
            notes += n
    u, ambiguous = _update_sizes(m, before, heads, plan_, reads)
    irregular = [rec['attention'] for _, _, rec in heads if rec['q'] is None]
    shrunk = ['%s: %d -> %d' % (rec['attention'], rec['head_dim'], rec['q'][1])
              for _, _, rec in heads if rec['q'] is not None and rec['q'][1] < rec['head_dim']]
    if irregular:
        notes.append('the plan removes q channels that are neither whole heads nor the same '
                     'features of every head in %s%s'
                     % (', '.join(irregular[:3]), _more(irregular)))
    if shrunk:
        notes.append("head_dim pruned in %d attention(s) (%s%s): an attention that scales its "
                     "scores by 1/sqrt(head_dim) of the pruned size computes other values than "
                     "the zeroed original; granularity='head' keeps head_dim"
                     % (len(shrunk), shrunk[0], _more(shrunk, 1)))
    return {'updated': updated + u, 'ambiguous': ambiguous, 'notes': notes}


def prune(model, example_inputs, ratio=0.5, importance='l1', ignored_layers=(), round_to=None,
          check=True, tolerance=1e-4, seed=0, granularity='channel', keep_outputs=True,
          ratio_of=None, global_ranking=False, plan=None):
    """Prunes `model` (an nn.Module) in place and returns a PruneReport.

    example_inputs  a tensor or a tuple of tensors: the forward's inputs
    ratio           share of each set's channel groups to remove, in [0, 1)
                    (floor(ratio * groups); at least one group is kept)
    importance      'l1' | 'l2' (the norm of each member's slice, summed over
                    the group's members: Torch-Pruning's group magnitude),
                    'random' (seeded by `seed`), or a callable
                    f(channel_set, tensors) -> one score per group, where
                    tensors[j] is the tensor member j indexes (lowest go)
    ignored_layers  module (or parameter) names, or modules, to keep whole:
                    every set with a member in one of them is skipped;
                    'NAME:out' keeps only its outputs (the sets where NAME is
                    an `out` member; its inputs may still be pruned, as
                    Torch-Pruning's ignored_layers do)
    round_to        keep a multiple of N channels per member where the set
                    has room for it (a set too small to keep a multiple is
                    skipped)
    check           compare the pruned model with a copy of the original whose
                    removed slices are zeroed, on example_inputs; a mismatch
                    raises prunedep.Error
    tolerance       max |pruned - reference| <= tolerance * max(1, max |reference|)
    granularity     'channel' (channel-groups) or 'head': the groups of
                    channel-groups{granularity=head}, where an attention
                    loses whole heads (num_heads goes down, head_dim stays)
    keep_outputs    True (default): skip the sets that change the shape of a
                    model output (a classifier keeps its classes); False
                    prunes them too
    ratio_of        {layer: ratio}: that ratio for the sets the layer (or a
                    layer under it; 'NAME:out' for one role) is in
    global_ranking  rank the groups of all sets together (each set's scores
                    divided by the set's mean), removing floor(ratio * all
                    groups) and keeping one per set; ratio_of sets keep
                    their own ratio
    plan            apply this plan instead of planning: a dict as
                    prune_plan() returns, the JSON `prunedep prune
                    --plan-out` writes (or a report holding it), or a path to
                    such a file. It is checked against the model's channel
                    groups (prunedep.Error naming the set and member that do
                    not match); the planning arguments above do not apply
                    (an error if one is given other than its default)

    With the same arguments, the plan is the one `prunedep prune MODEL.pt
    --plan-out` writes (same scores, ranking, ties to the lower group).

    After slicing, the sizes modules hold are updated: the module kinds of
    docs/pruning.md by their tensors, nn.MultiheadAttention, and any other
    module's int attributes by the value rule (report.attributes).
    """
    from . import Error, _inputs, analyze
    if isinstance(model, torch.jit.ScriptModule) or not isinstance(model, nn.Module):
        raise _error('prune: expected an nn.Module (pruned in place), got %s'
                     % type(model).__name__)
    inputs = _inputs(example_inputs)
    m = _Model(model)
    t0 = time.perf_counter()
    given = where = None
    options = dict(ratio=ratio, importance=importance, ignored_layers=ignored_layers,
                   round_to=round_to, seed=seed, granularity=granularity,
                   keep_outputs=keep_outputs, ratio_of=ratio_of, global_ranking=global_ranking)
    if plan is not None:
        given, where = _read_plan(plan)
        extra = [k for k, default in _PLANNING_DEFAULTS if not _is_default(options[k], default)]
        if granularity != 'channel' and granularity != given.get('granularity', 'channel'):
            extra.append('granularity')
        if extra:
            raise _error('prune: plan= applies a given plan, so %s do%s not apply; leave %s at '
                         'the default' % (', '.join('%s=%r' % (k, options[k]) for k in extra),
                                          'es' if len(extra) == 1 else '',
                                          'it' if len(extra) == 1 else 'them'))
        granularity = given.get('granularity', 'channel')
    else:
        # Argument errors before the analysis runs.
        prune_plan(model, inputs, groups_result=_NoSets(), _model=m, **options)
    groups_pass = _groups_pass(granularity)
    try:
        analysis = analyze(model, inputs, passes='attention-heads,' + groups_pass)
        attentions = analysis['attention-heads'].to_dict().get('attentions', [])
    except Error:   # the attention heads only help name sizes: go on without them
        analysis, attentions = analyze(model, inputs, passes=groups_pass), []
    groups = analysis['channel-groups']
    t1 = time.perf_counter()
    if given is not None:
        plan_ = _check_plan(given, where, groups)
    else:
        plan_ = prune_plan(model, inputs, groups_result=groups, _model=m, **options)
    removals = _removals(plan_, m)
    t2 = time.perf_counter()

    params_before = _params(model)
    reference = None
    if check:
        zeroed = copy.deepcopy(model)
        _zero(_removals(plan_, _Model(zeroed)))
        reference, _ = _run(zeroed, inputs)
        del zeroed
    with _Reads(m) as reads:   # which int attributes the forward reads
        _, macs_before = _run(model, inputs, count_macs=True)

    t3 = time.perf_counter()
    before = _snapshot(m)
    heads = _head_facts(attentions, m, removals)   # reads the tensors before slicing
    _apply(removals, m)
    attributes = _forward_sizes(m, removals, before, heads, plan_, reads)
    t4 = time.perf_counter()

    report = PruneReport(params_before=params_before, params_after=_params(model),
                         macs_before=macs_before, macs_after=None,
                         time_analyze=t1 - t0, time_plan=t2 - t1, time_prune=t4 - t3,
                         time_check=0.0, plan=plan_, attributes=attributes, check=None,
                         forward_error=None)
    sizes = []
    for s in plan_['sets']:
        sizes.append((s['groups'], s['kept'], s['set']))
        for mem in s['members']:
            n = sum(e - b for b, e in mem['indices'])
            per = n // max(1, len(s['removed']))
            sizes.append((s['groups'] * per, s['kept'] * per, s['set']))
    try:
        got, report['macs_after'] = _run(model, inputs, count_macs=True)
    except Exception as exc:  # a size the forward code holds
        report['forward_error'] = _forward_error(exc, plan_, sorted(set(sizes)), m, attributes)
        fe = report['forward_error']
        warnings.warn('prunedep.prune: the pruned model does not run (%s)%s%s%s: the forward '
                      'code holds a size that was pruned; see report.forward_error'
                      % (fe['error'], ' at ' + fe['source'] if fe['source'] else '',
                         ''.join(', old size %d now %d (set %d)' % (o['old'], o['new'], o['set'])
                                 for o in fe['old_sizes'][:3]),
                         ''.join('; %s = %d left: ambiguous'
                                 % ('.'.join(filter(None, (a['module'], a['attr']))), a['value'])
                                 for a in fe['ambiguous'][:3])
                         + ''.join('; ' + n for n in fe['notes'][:1])), stacklevel=2)
        if check:
            report['check'] = {'ok': False, 'max_error': None, 'tolerance': tolerance,
                               'compared': 0, 'notes': list(attributes['notes']), 'mismatch':
                               'the pruned model does not run: ' + report['forward_error']['error']}
        return report
    if check:
        t5 = time.perf_counter()
        report['check'] = _compare(reference, got, plan_, tolerance, _renormalizing(plan_, m))
        report['check']['notes'] += attributes['notes']
        report['time_check'] = time.perf_counter() - t5
        if not report['check']['ok']:
            hint = [n for n in attributes['notes'] if 'head_dim' in n]
            err = _error('prune check failed: %s%s' % (report['check']['mismatch'],
                                                       '; ' + hint[0] if hint else ''))
            err.report = report
            raise err
    return report


class _NoSets:
    sets = ()


def _is_default(value, default):
    """Whether a planning argument was left at its default (prune(plan=...))."""
    if isinstance(default, bool) or default is None:
        return value is default or (default is None and isinstance(value, dict) and not value)
    if isinstance(default, tuple):
        return value is None or (isinstance(value, (list, tuple)) and not value)
    if isinstance(value, bool) or callable(value):
        return False
    return value == default
