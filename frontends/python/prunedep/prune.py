"""In-place structured pruning from prunedep's channel groups (issue 24).

    import prunedep
    report = prunedep.prune(model, torch.randn(1, 3, 224, 224), ratio=0.5,
                            ignored_layers=['fc'])
    report.params_before, report.params_after, report.check['ok']

Three steps, as a compiler transform:

plan   `channel-groups` gives, per set, groups of channel indices across its
       members (layer, role out|in|param, dim, per-group, indices). Each
       prunable set's groups are ranked by importance and the lowest
       floor(ratio * groups) are removed (at least one group is kept).
apply  every member's tensor is sliced along the member's dim, in place:
       module weights, per-output biases and norm statistics, bare
       parameters and buffers (role param: class tokens, LSTM gate blocks);
       then the modules' size attributes (out_channels, in_features, ...).
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

__all__ = ['prune', 'plan', 'PruneReport']

# Per-output tensors of a module that follow its `out` member (dim 0).
_PER_OUTPUT = ('bias', 'running_mean', 'running_var')


def _error(message):
    from . import Error
    return Error(message)


class PruneReport(dict):
    """What prune() did: a dict whose keys are also attributes.

    params_before/after, macs_before/after (conv and linear multiply-adds,
    counted with forward hooks), time_analyze/plan/prune/check (seconds),
    plan (the plan: see plan()), check ({'ok', 'max_error', 'tolerance',
    'compared', 'notes'} or None with check=False), forward_error (None, or
    what failed when the pruned model ran: a size the forward code holds).
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
        return ('params %d -> %d, MACs %d -> %d, %d set(s) pruned, check %s'
                % (self['params_before'], self['params_after'], self['macs_before'],
                   self['macs_after'], len(self['plan']['sets']), check))


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
    ranges expanded without a Python loop over indices (one arange per range;
    most members are one range)."""
    ranges = member.indices
    if len(ranges) == 1:
        flat = torch.arange(ranges[0][0], ranges[0][1])
    else:
        flat = torch.cat([torch.arange(a, b) for a, b in ranges]) if ranges else \
            torch.zeros(0, dtype=torch.long)
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

def _member_scores(tensor, dim, groups_idx, p):
    """Per group: the L1 (p=1) or L2 (p=2) norm of the tensor's slice."""
    t = tensor.detach().float().movedim(dim, 0).reshape(tensor.shape[dim], -1)
    per_index = t.abs().sum(1) if p == 1 else t.pow(2).sum(1)
    per_group = per_index[groups_idx].sum(1)
    return per_group if p == 1 else per_group.sqrt()


def _scores(cset, model, importance, generator):
    groups = cset.groups
    if importance == 'random':
        return torch.rand(groups, generator=generator)
    if callable(importance):
        tensors = []
        for m in cset.members:
            s = model.slices(m)
            tensors.append(s[0][0].detach() if s else None)
        scores = torch.as_tensor(importance(cset, tensors), dtype=torch.float64).flatten()
        if scores.numel() != groups:
            raise _error('importance callable: %d score(s) for set %d of %d groups'
                         % (scores.numel(), cset['set'], groups))
        return scores
    p = {'l1': 1, 'l2': 2}[importance]
    total = torch.zeros(groups, dtype=torch.float64)
    for m in cset.members:
        for tensor, dim, primary in model.slices(m):
            if primary:
                total += _member_scores(tensor, dim, _group_indices(m, groups), p).double()
    return total


def _keep_count(groups, ratio, round_to):
    keep = max(1, groups - int(math.floor(ratio * groups)))
    if round_to and round_to > 1:
        rounded = int(math.ceil(keep / round_to)) * round_to
        if rounded <= groups:
            keep = rounded
    return keep


def plan(model, example_inputs, ratio=0.5, importance='l1', ignored_layers=(), round_to=None,
         seed=0, groups_result=None, _model=None):
    """The pruning plan, without touching the model: a dict
    {'schema': 'prunedep/1', 'pass': 'prune-plan', 'ratio', 'importance',
     'sets': [{'set', 'groups', 'kept', 'removed': [group numbers],
               'members': [{'layer', 'role', 'dim', 'indices': removed [start, end) ranges}]}],
     'skipped': [{'set', 'reason'}]}.
    Arguments as for prune(); groups_result: a channel-groups result already computed."""
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not 0 <= ratio < 1:
        raise _error('ratio=%r: expected a number in [0, 1)' % (ratio,))
    if isinstance(importance, str):
        if importance not in ('l1', 'l2', 'random'):
            raise _error("importance=%r: expected 'l1', 'l2', 'random' or a callable"
                         % (importance,))
    elif not callable(importance):
        raise _error('importance: expected a str or a callable, got %s' % type(importance).__name__)
    if round_to is not None and (not isinstance(round_to, int) or round_to < 1):
        raise _error('round_to=%r: expected a positive int' % (round_to,))
    if isinstance(ignored_layers, str):
        ignored_layers = [ignored_layers]
    ignored_layers = list(ignored_layers or ())
    m = _model or _Model(model)
    for name in ignored_layers:
        if not isinstance(name, str):
            # an nn.Module: its name in the model
            found = [n for n, mod in m.modules.items() if mod is name]
            if not found:
                raise _error('ignored layer %r is not a module of the model' % (name,))
            ignored_layers[ignored_layers.index(name)] = found[0]
        elif not m.exists(_split_ignored(name)[0]):
            raise _error('ignored layer %r: no module, parameter or buffer of that name in the model'
                         % name)
    if groups_result is None:
        from . import analyze
        groups_result = analyze(model, example_inputs, passes='channel-groups')['channel-groups']
    generator = torch.Generator().manual_seed(seed)
    out = {'schema': 'prunedep/1', 'pass': 'prune-plan', 'ratio': ratio,
           'importance': importance if isinstance(importance, str) else
           getattr(importance, '__name__', 'callable'),
           'round_to': round_to, 'ignored_layers': ignored_layers, 'sets': [], 'skipped': []}
    for cset in groups_result.sets:
        number = cset['set']
        if not cset.prunable:
            out['skipped'].append({'set': number, 'reason': 'blocked: ' + '; '.join(cset.blocked)})
            continue
        hit = next((mem for mem in cset.members if _ignored(mem, ignored_layers)), None)
        if hit is not None:
            out['skipped'].append({'set': number, 'reason': 'ignored layer %s (%s)'
                                   % (hit.layer, hit.role)})
            continue
        groups = cset.groups
        keep = _keep_count(groups, ratio, round_to)
        if keep >= groups:
            continue
        scores = _scores(cset, m, importance, generator)
        order = torch.argsort(scores, stable=True)
        removed_t = torch.sort(order[:groups - keep]).values
        removed = removed_t.tolist()
        members = []
        for mem in cset.members:
            idx = torch.sort(_group_indices(mem, groups)[removed_t].flatten()).values
            members.append({'layer': mem.layer, 'role': mem.role, 'dim': mem.dim,
                            'indices': _ranges(idx)})
        out['sets'].append({'set': number, 'groups': groups, 'kept': keep, 'removed': removed,
                            'outputs': list(cset.outputs), 'members': members})
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
        for module, attr, is_param in m.places.get(id(tensor), []):
            if is_param:
                module._parameters[attr] = nn.Parameter(new, requires_grad=tensor.requires_grad)
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
    elif type(mod).__name__ == 'Conv1D' and hasattr(mod, 'nf') and isinstance(w, torch.Tensor):
        mod.nf = w.shape[1]   # HF Conv1D: weight [in, out]


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


def _forward_error(exc, plan_, sizes):
    """What failed when the pruned model ran: the source line of the model's
    code (outside torch) that raised, and the pruned sizes the message names."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = None
    for fr in reversed(frames):
        f = fr.filename.replace('\\', '/')
        if '/torch/' not in f and not f.endswith('/prunedep/prune.py'):
            where = fr
            break
    info = {'error': '%s: %s' % (type(exc).__name__, str(exc).strip().splitlines()[0]
                                 if str(exc).strip() else ''),
            'source': None, 'line': None, 'old_sizes': []}
    if where is not None:
        info['source'] = '%s:%d (%s)' % (where.filename, where.lineno, where.name)
        info['line'] = (where.line or linecache.getline(where.filename, where.lineno)).strip()
    numbers = set(int(n) for n in re.findall(r'\d+', str(exc)))
    for old, new, number in sizes:
        if old in numbers:
            info['old_sizes'].append({'set': number, 'old': old, 'new': new})
    return info


# ---------------------------------------------------------------- prune

def prune(model, example_inputs, ratio=0.5, importance='l1', ignored_layers=(), round_to=None,
          check=True, tolerance=1e-4, seed=0):
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
    round_to        keep a multiple of N groups per set when possible
    check           compare the pruned model with a copy of the original whose
                    removed slices are zeroed, on example_inputs; a mismatch
                    raises prunedep.Error
    tolerance       max |pruned - reference| <= tolerance * max(1, max |reference|)
    """
    from . import _inputs, analyze
    if isinstance(model, torch.jit.ScriptModule) or not isinstance(model, nn.Module):
        raise _error('prune: expected an nn.Module (pruned in place), got %s'
                     % type(model).__name__)
    inputs = _inputs(example_inputs)
    m = _Model(model)
    t0 = time.perf_counter()
    # Argument errors before the analysis runs.
    plan(model, inputs, ratio, importance, ignored_layers, round_to, seed,
         groups_result=_NoSets(), _model=m)
    groups = analyze(model, inputs, passes='channel-groups')['channel-groups']
    t1 = time.perf_counter()
    plan_ = plan(model, inputs, ratio, importance, ignored_layers, round_to, seed,
                 groups_result=groups, _model=m)
    removals = _removals(plan_, m)
    t2 = time.perf_counter()

    params_before = _params(model)
    reference = None
    if check:
        zeroed = copy.deepcopy(model)
        _zero(_removals(plan_, _Model(zeroed)))
        reference, _ = _run(zeroed, inputs)
        del zeroed
    _, macs_before = _run(model, inputs, count_macs=True)

    t3 = time.perf_counter()
    _apply(removals, m)
    t4 = time.perf_counter()

    report = PruneReport(params_before=params_before, params_after=_params(model),
                         macs_before=macs_before, macs_after=None,
                         time_analyze=t1 - t0, time_plan=t2 - t1, time_prune=t4 - t3,
                         time_check=0.0, plan=plan_, check=None, forward_error=None)
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
        report['forward_error'] = _forward_error(exc, plan_, sorted(set(sizes)))
        fe = report['forward_error']
        warnings.warn('prunedep.prune: the pruned model does not run (%s)%s%s: the forward code '
                      'holds a size that was pruned; see report.forward_error'
                      % (fe['error'], ' at ' + fe['source'] if fe['source'] else '',
                         ''.join(', old size %d now %d (set %d)' % (o['old'], o['new'], o['set'])
                                 for o in fe['old_sizes'][:3])), stacklevel=2)
        if check:
            report['check'] = {'ok': False, 'max_error': None, 'tolerance': tolerance,
                               'compared': 0, 'notes': [], 'mismatch':
                               'the pruned model does not run: ' + report['forward_error']['error']}
        return report
    if check:
        t5 = time.perf_counter()
        report['check'] = _compare(reference, got, plan_, tolerance, _renormalizing(plan_, m))
        report['time_check'] = time.perf_counter() - t5
        if not report['check']['ok']:
            err = _error('prune check failed: %s' % report['check']['mismatch'])
            err.report = report
            raise err
    return report


class _NoSets:
    sets = ()
