"""channel-groups on one op with tens of thousands of operands and results.

A cat of N convs' outputs (4 channels each) feeds a head conv and is split
back into N equal pieces, each read by a conv. The concat and split maps must
do work linear in the operand count: a map that walks every operand for every
operand (offsets recomputed per block) is quadratic and would not finish
within the test's timeout at N = 20000. No time is asserted. The answer is
checked: conv k's channels are the head's input channels 4k..4k+3, and the
equal split ties channel r of every conv (and of every piece's reader) into
one group, so one set of 4 groups holds all N convs.

usage: check_wide_cat.py PRUNEDEP WORKDIR N [--emit-only]
--emit-only writes WORKDIR/wide-cat-N.pdir and stops (for profiling)."""
import sys

from wide_op import arguments, channel_group_sets

prunedep, pdir, n, emit_only = arguments('wide-cat')

C = 4  # channels per conv


def conv(name, src, cin, cout):
    return ('  %%%s: f32[1,%d,4,4] = nn.Conv2d(%%%s) {in_channels = %d, out_channels = %d, groups = 1} '
            'module "%s"\n' % (name, cout, src, cin, cout, name))


with open(pdir, 'w') as f:
    f.write('graph @wide_cat(%x: f32[1,3,4,4]) {\n')
    for k in range(n):
        f.write(conv('c%d' % k, 'x', 3, C))
    f.write('  %%cat: f32[1,%d,4,4] = aten::cat(%s) {dim = 1}\n'
            % (C * n, ', '.join('%%c%d' % k for k in range(n))))
    f.write(conv('head', 'cat', C * n, 8))
    f.write('  %s = aten::split(%%cat) {split_size = %d, dim = 1}\n'
            % (', '.join('%%p%d: f32[1,%d,4,4]' % (k, C) for k in range(n)), C))
    for k in range(n):
        f.write(conv('q%d' % k, 'p%d' % k, C, 2))
    f.write('  return %%head, %s\n}\n' % ', '.join('%%q%d' % k for k in range(n)))
if emit_only:
    print(pdir)
    sys.exit(0)

sets = channel_group_sets(prunedep, pdir)

# The equal split ties channel r of every conv: one set of C groups.
tied = [s for s in sets if any(m['layer'] == 'c0' and m['role'] == 'out' for m in s['members'])]
if len(tied) != 1:
    sys.exit('expected one set holding c0, found %d' % len(tied))
s = tied[0]
members = {(m['layer'], m['role']): m for m in s['members']}
if s['groups'] != C or not s['prunable']:
    sys.exit('the tied set has %d groups (prunable: %s), expected %d prunable' % (s['groups'], s['prunable'], C))
for k in range(n):
    for want in (('c%d' % k, 'out'), ('q%d' % k, 'in')):
        if want not in members:
            sys.exit('the tied set misses %s:%s' % want)
# Group r removes channel r of every conv, i.e. the head's inputs r, C+r, 2C+r, ...
head = members.get(('head', 'in'))
expected = [[k * C + r, k * C + r + 1] for r in range(C) for k in range(n)]
if head is None or head['per-group'] != n or head['indices'] != expected:
    sys.exit('the head\'s input channels are not conv k\'s channels at offset %d k' % C)
if len(s['members']) != 2 * n + 1:
    sys.exit('the tied set has %d members, expected %d' % (len(s['members']), 2 * n + 1))
print('cat and split of %d operands: one set of %d groups, %d members' % (n, C, len(s['members'])))
