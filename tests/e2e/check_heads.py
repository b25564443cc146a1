#!/usr/bin/python3
"""Checks that the head groups agree with channel-groups on a model.

    check_heads.py PRUNEDEP MODEL [FACTS.json]
    check_heads.py --from-json REPORT.json

MODEL is a .pdir file or a traced .pt (FACTS.json gives its input shapes, as
for check_consistency.py). --from-json checks a saved report of
`prunedep --format=json --passes=channel-groups,channel-groups{granularity=head},attention-heads`
(the self-tests feed it hand-made ones).

channel-groups{granularity=head} differs from channel-groups only in which
factor the reshapes on an attention's paths keep (the head instead of the
finest one), so:
  untouched: every set of either run that holds no q, k, v or o channels of
             an attention that attention-heads read is a set of the other run
             too, unchanged (a head-run set that only stops head_dim, such
             as a per-head-dim norm weight, is exempt);
  heads:     each read attention's head set holds all of its q, k, v and o
             channels, has kv_heads groups (num_heads with one kv head), and
             attention-heads found its groups to match the heads;
  crossing:  on those channels, every group G of channel-groups either lies
             within one head group, or meets every head group H evenly
             (|G & H| = |G| |H| / |channels| per member): a head group never
             splits a channel-groups group unevenly. The first is the case
             when channel-groups already keeps heads whole; the second when
             its groups are one feature of every head (a head and a feature
             are two factors of the same channels).
Prints the violations (up to 10 per check) and exits 1 if there is any.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import driver  # noqa: E402

PASSES = 'channel-groups,channel-groups{granularity=head},attention-heads'
EXAMPLES = 10
HEAD_DIM_STOP = 'keeps head_dim whole'


def run_driver(prunedep, model, facts):
    cmd = driver.command(prunedep, model, facts, '--format=json', '--passes=' + PASSES)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit('error: prunedep exited %d: %s' % (r.returncode, r.stderr.strip()[:500]))
    return json.loads(r.stdout)


def expand(indices):
    return [i for a, b in indices for i in range(a, b)]


def member_groups(member, groups):
    """The member's indices, group after group (a list of lists)."""
    flat = expand(member['indices'])
    counts = member.get('counts') or [member['per-group']] * groups
    out, at = [], 0
    for n in counts:
        out.append(flat[at:at + n])
        at += n
    return out


def key(m):
    return (m['layer'], m['role'], m['dim'])


def set_signature(s):
    return json.dumps({k: s[k] for k in ('groups', 'blocked', 'outputs', 'members')}, sort_keys=True)


def role_channels(att):
    """(layer, role, dim) -> the set of channels q, k, v and o hold there."""
    out = {}
    for role in ('q', 'k', 'v', 'o'):
        c = att.get(role)
        if c:
            out.setdefault(key(c), set()).update(expand(c['indices']))
    return out


def check(report):
    results = {}
    for res in report.get('results', []):
        name = res['pass']
        if name == 'channel-groups':
            name += '/' + res['options'].get('granularity', 'channel')
        results[name] = res
    fine = results['channel-groups/channel']['sets']
    byhead = results['channel-groups/head']['sets']
    attentions = [a for a in results['attention-heads']['attentions'] if a['read']]
    errors = {'untouched': [], 'heads': [], 'crossing': []}

    touched = set()
    for a in attentions:
        touched.update(role_channels(a))

    def touches(s):
        return any(key(m) in touched for m in s['members'])

    fine_sigs = {set_signature(s) for s in fine if not touches(s)}
    head_sigs = {set_signature(s) for s in byhead if not touches(s)}
    for s in fine:
        if not touches(s) and set_signature(s) not in head_sigs:
            errors['untouched'].append('channel-groups set %d is not in the head run' % s['set'])
    for s in byhead:
        if touches(s) or any(HEAD_DIM_STOP in b for b in s['blocked']):
            continue
        if set_signature(s) not in fine_sigs:
            errors['untouched'].append('head set %d is not in channel-groups' % s['set'])

    for a in attentions:
        name = 'attention %d' % a['attention']
        hg = a['head-groups']
        if hg['set'] < 1:
            errors['heads'].append('%s: no head set (%s)' % (name, hg['problem']))
            continue
        hs = byhead[hg['set'] - 1]
        want = a['kv-heads'] if a['kv-heads'] > 1 else a['num-heads']
        if hs['groups'] != want:
            errors['heads'].append('%s: %d head groups, expected %d' % (name, hs['groups'], want))
        if hg['problem']:
            errors['heads'].append('%s: %s' % (name, hg['problem']))
        channels = role_channels(a)
        head_groups = {}
        for m in hs['members']:
            if key(m) in channels:
                groups = [set(g) & channels[key(m)] for g in member_groups(m, hs['groups'])]
                head_groups[key(m)] = groups
        if a['kv-heads'] == 1:  # multi-query: a group is a query head; k and v stay
            for role in ('k', 'v'):
                channels.pop(key(a[role]), None)
                head_groups.pop(key(a[role]), None)
        for k, rows in channels.items():
            held = set().union(*head_groups.get(k, [set()]))
            if held != rows:
                errors['heads'].append('%s: the head set holds %d of the %d channels of %s'
                                       % (name, len(held), len(rows), '/'.join(map(str, k))))
        for s in fine:
            for m in s['members']:
                if key(m) not in head_groups:
                    continue
                rows = channels[key(m)]
                for gi, g in enumerate(member_groups(m, s['groups'])):
                    g = set(g) & rows
                    if not g:
                        continue
                    meets = [len(g & h) for h in head_groups[key(m)]]
                    within = sorted(meets)[-1] == len(g) and sum(meets) == len(g)
                    sizes = [len(h) for h in head_groups[key(m)]]
                    even = all(n * len(rows) == len(g) * size for n, size in zip(meets, sizes))
                    if not (within or even):
                        errors['crossing'].append(
                            '%s: group %d of channel-groups set %d meets the head groups of %s unevenly: %s'
                            % (name, gi + 1, s['set'], m['layer'], meets))
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('prunedep', nargs='?')
    ap.add_argument('model', nargs='?')
    ap.add_argument('facts', nargs='?')
    ap.add_argument('--from-json')
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            report = json.load(f)
    else:
        report = run_driver(args.prunedep, args.model, args.facts)
    errors = check(report)
    failed = False
    for name, found in errors.items():
        print('%s: %d violation%s' % (name, len(found), '' if len(found) == 1 else 's'))
        for e in found[:EXAMPLES]:
            print('  ' + e)
        failed |= bool(found)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
