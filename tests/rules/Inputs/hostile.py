"""Writes one hostile rule file (TOML) to stdout, too large to keep as a file.

    hostile.py KIND

  dotted-key    a.a.a... = 1 with 100000 parts
  dotted-table  [a.a.a...] with 100000 parts
  deep-array    traits = [[[...]]] 100000 levels deep
  deep-inline   x = {a = {a = ...}} 100000 levels deep
  quoted-dots   a valid rule whose quoted names hold 1000 dots
"""
import sys

N = 100000
kind = sys.argv[1]
if kind == 'dotted-key':
    print('.'.join(['a'] * N) + ' = 1')
elif kind == 'dotted-table':
    print('[' + '.'.join(['a'] * N) + ']\nx = 1')
elif kind == 'deep-array':
    print('[op."x"]\ntraits = ' + '[' * N + '"elementwise"' + ']' * N)
elif kind == 'deep-inline':
    print('[channel-map]\n"x" = ' + '{a = ' * N + '1' + '}' * N)
elif kind == 'quoted-dots':
    print('# ' + '.' * 1000 + '\n[op."' + '.' * 1000 + '"]\ntraits = ["elementwise"]  # ' + '.' * 1000)
else:
    sys.exit('hostile.py: unknown kind ' + kind)
