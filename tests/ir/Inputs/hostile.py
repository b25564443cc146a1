"""Writes one hostile .pdir to stdout, too large or deep to keep as a file.

    hostile.py KIND

  rank65       a tensor type with 65 dims
  deep-list    list<list<...<int>...>> 100000 levels deep
  deep-tuple   tuple<tuple<...>> 100000 levels deep
  deep-attr    an attribute [[[...]]] 100000 levels deep
"""
import sys

N = 100000
kind = sys.argv[1]
if kind == 'rank65':
    print('graph @g(%%x: f32[%s]) {\n  return %%x\n}' % ','.join(['1'] * 65))
elif kind == 'deep-list':
    print('graph @g(%%x: %sint%s) {\n  return %%x\n}' % ('list<' * N, '>' * N))
elif kind == 'deep-tuple':
    print('graph @g(%%x: %sint%s) {\n  return %%x\n}' % ('tuple<' * N, '>' * N))
elif kind == 'deep-attr':
    print('graph @g(%%x: f32[1]) {\n  %%y: f32[1] = aten::relu(%%x) {a = %s1%s}\n  return %%y\n}'
          % ('[' * N, ']' * N))
else:
    sys.exit('hostile.py: unknown kind ' + kind)
