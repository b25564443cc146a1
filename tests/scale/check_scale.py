"""A generated 1M-op residual chain through the driver, under an 8 MiB stack.

Proves that no walk recurses with the depth of the graph and that nothing is
quadratic (a quadratic pass would not finish within the test's timeout); it
asserts no time. The chain is one residual stream: its first layer and every
block's last conv share one channel set, so the set must hold all of them
(the walks reached the far end of the chain).

usage: check_scale.py SYNTH PRUNEDEP WORKDIR OPS PASSES [CHANNELS]
PASSES: "default" (the driver's default pipeline) or a --passes list."""
import json
import os
import re
import resource
import subprocess
import sys

synth, prunedep, workdir, ops, passes = sys.argv[1:6]
channels = sys.argv[6] if len(sys.argv) > 6 else None
os.makedirs(workdir, exist_ok=True)
pdir = os.path.join(workdir, 'resnet-%s%s.pdir' % (ops, '-c' + channels if channels else ''))

# The default stack of the README's target, explicitly, whatever the shell
# running the tests has (ulimit -s 8192).
STACK = 8 << 20


def small_stack():
    resource.setrlimit(resource.RLIMIT_STACK, (STACK, STACK))


gen = [synth, 'resnet', ops, '-o', pdir] + (['--channels', channels] if channels else [])
subprocess.run(gen, check=True)
with open(pdir) as f:
    blocks = sorted({int(b) for b in re.findall(r'"layer\.(\d+)\.conv2"', f.read())})
if len(blocks) < 2 or blocks != list(range(len(blocks))):
    sys.exit('unexpected generated model: blocks %r' % blocks[:5])

args = [prunedep, '--format=json', pdir]
if passes != 'default':
    args[1:1] = ['--passes', passes]
run = subprocess.run(args, capture_output=True, text=True, preexec_fn=small_stack)
os.remove(pdir)
if run.returncode != 0:
    sys.exit('prunedep failed (exit %d): %s' % (run.returncode, run.stderr[-2000:]))
report = json.loads(run.stdout)
results = {r['pass']: r for r in report['results']}

want = ['conv1'] + ['layer.%d.conv2' % b for b in blocks]
if 'channel-dependency' in results:
    biggest = max(results['channel-dependency']['sets'], key=len)
    if sorted(biggest) != sorted(want):
        sys.exit('channel-dependency: the residual set has %d members, expected %d (%s ... %s)'
                 % (len(biggest), len(want), want[0], want[-1]))
if 'channel-groups' in results:
    cg = results['channel-groups']
    stream = [s for s in cg['sets'] if any(m['layer'] == 'conv1' and m['role'] == 'out' for m in s['members'])]
    if len(stream) != 1:
        sys.exit('channel-groups: no single set holds conv1\'s output channels')
    outs = {m['layer'] for m in stream[0]['members'] if m['role'] == 'out'}
    missing = [w for w in want if w not in outs]
    if missing:
        sys.exit('channel-groups: the residual set misses %d layers, e.g. %s' % (len(missing), missing[0]))
    # One more set per block: its first conv's output channels.
    if cg['summary']['sets'] < len(blocks) + 1:
        sys.exit('channel-groups: %d sets for %d blocks' % (cg['summary']['sets'], len(blocks)))
if not results:
    sys.exit('no results in the report')
print('%s ops, %d blocks: %s ok under an 8 MiB stack' % (ops, len(blocks), ', '.join(results)))
