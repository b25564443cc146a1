"""channel-groups on one elementwise op with tens of thousands of operands.

An aten::add of N tensors (the op table gives aten::add no arity, so the IR
allows it; a fused sum from a plugin looks the same) reads N convs' outputs
and feeds a head conv. Most operands are [1,C,4,4] maps, every 10th is a
[1,C,1,1] gate (broadcast over height and width, tied on the channels, as in
an SE block) and one is a [1,1,4,4] mask (broadcast over the channels: ties
nothing). Every operand's channel block reaches the add, and the elementwise
map must do O(operands) work for all of them together: a map that ties each
arriving block to every other operand is quadratic and would not finish
within the test's timeout at N = 40000. No time is asserted. The answer is
checked: channel r of every conv but the mask's is one group (one set of C
groups holding N - 1 convs' outputs and the head's inputs), and the mask
conv's output is a set of its own.

usage: check_wide_elementwise.py PRUNEDEP WORKDIR N [--emit-only]
--emit-only writes WORKDIR/wide-add-N.pdir and stops (for profiling)."""
import sys

from wide_op import arguments, channel_group_sets

prunedep, pdir, n, emit_only = arguments('wide-add')

C = 4  # channels per conv
MASK = n // 2  # the one conv whose output broadcasts over the channels


def shape(k):
    if k == MASK:
        return [1, 1, 4, 4]
    return [1, C, 1, 1] if k % 10 == 0 else [1, C, 4, 4]


def conv(name, src, cin, out):
    return ('  %%%s: f32[%s] = nn.Conv2d(%%%s) {in_channels = %d, out_channels = %d, groups = 1} '
            'module "%s"\n' % (name, ','.join(map(str, out)), src, cin, out[1], name))


with open(pdir, 'w') as f:
    f.write('graph @wide_add(%x: f32[1,3,4,4]) {\n')
    for k in range(n):
        f.write(conv('c%d' % k, 'x', 3, shape(k)))
    f.write('  %%sum: f32[1,%d,4,4] = aten::add(%s)\n' % (C, ', '.join('%%c%d' % k for k in range(n))))
    f.write(conv('head', 'sum', C, [1, 8, 4, 4]))
    f.write('  return %head\n}\n')
if emit_only:
    print(pdir)
    sys.exit(0)

sets = channel_group_sets(prunedep, pdir)


def holding(layer):
    found = [s for s in sets if any(m['layer'] == layer and m['role'] == 'out' for m in s['members'])]
    if len(found) != 1:
        sys.exit('expected one set holding %s:out, found %d' % (layer, len(found)))
    return found[0]


s = holding('c0')
if s['groups'] != C or not s['prunable']:
    sys.exit('the tied set has %d groups (prunable: %s), expected %d prunable' % (s['groups'], s['prunable'], C))
members = {(m['layer'], m['role']): m for m in s['members']}
for k in range(n):
    if k != MASK and ('c%d' % k, 'out') not in members:
        sys.exit('the tied set misses c%d:out' % k)
if ('c%d' % MASK, 'out') in members:
    sys.exit('the mask conv c%d (one channel, broadcast) is tied to the others' % MASK)
head = members.get(('head', 'in'))
if head is None or head['per-group'] != 1 or head['indices'] != [[0, C]]:  # runs: channels 0..C-1
    sys.exit('the head\'s input channels are not one per group')
if len(s['members']) != n:  # N - 1 convs and the head's input
    sys.exit('the tied set has %d members, expected %d' % (len(s['members']), n))
mask = holding('c%d' % MASK)
if len(mask['members']) != 1 or mask['groups'] != 1:
    sys.exit('the mask conv\'s output is not a set of its own')
print('add of %d operands: one set of %d groups, %d members' % (n, C, len(s['members'])))
