"""The DOT picture of a model renders with Graphviz: exit 0 and no warnings.

usage: check_dot.py PRUNEDEP MODEL.pt MODEL.json"""
import json
import subprocess
import sys

prunedep, model, meta = sys.argv[1], sys.argv[2], sys.argv[3]
with open(meta) as f:
    info = json.load(f)
args = [prunedep, '--format=dot', model]
for spec in info['input_shapes']:
    args += ['--input-shape', spec]
for extra in ([], ['--dot-coupled-only']):
    out = subprocess.run(args + extra, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit('prunedep failed: ' + out.stderr)
    if not out.stdout.startswith('digraph'):
        sys.exit('not a DOT graph: ' + out.stdout[:200])
    svg = subprocess.run(['dot', '-Tsvg'], input=out.stdout, capture_output=True, text=True)
    if svg.returncode != 0 or svg.stderr.strip():
        sys.exit('dot -Tsvg failed or warned: ' + svg.stderr)
    if '<svg' not in svg.stdout:
        sys.exit('dot produced no SVG')
print('dot renders:', model)
