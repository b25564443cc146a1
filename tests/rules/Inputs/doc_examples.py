"""Loads every ```toml block of a Markdown page as a --rules file.

    doc_examples.py PRUNEDEP PAGE.md MODEL.pdir OUTDIR

Writes each block to OUTDIR/example-N.toml, runs `PRUNEDEP --rules FILE
--passes=verify MODEL.pdir` on it and prints one line per block; exits 1 at
the first block that does not load (its error is printed)."""
import os
import re
import subprocess
import sys

prunedep, page, model, outdir = sys.argv[1:5]
blocks = re.findall(r'^```toml\n(.*?)^```', open(page, encoding='utf-8').read(), re.S | re.M)
for i, block in enumerate(blocks, 1):
    path = os.path.join(outdir, 'example-%d.toml' % i)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(block)
    run = subprocess.run([prunedep, '--rules', path, '--passes=verify', model],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.stdout.write('example %d does not load:\n%s' % (i, run.stderr))
        sys.exit(1)
    print('example %d loads' % i)
print('%d examples' % len(blocks))
