"""What the wide-operand scale tests share: their command line and running
channel-groups on the graph they wrote.

usage of each test: SCRIPT PRUNEDEP WORKDIR N [--emit-only]
--emit-only writes the .pdir and stops (for profiling)."""
import json
import os
import subprocess
import sys


def arguments(stem):
    """(prunedep, pdir, n, emit_only) from the command line; the .pdir is
    WORKDIR/STEM-N.pdir."""
    prunedep, workdir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(workdir, exist_ok=True)
    return prunedep, os.path.join(workdir, '%s-%d.pdir' % (stem, n)), n, '--emit-only' in sys.argv[4:]


def channel_group_sets(prunedep, pdir):
    """The sets of channel-groups on `pdir` (deleted after the run)."""
    run = subprocess.run([prunedep, '--passes=channel-groups', '--format=json', pdir],
                         capture_output=True, text=True)
    os.remove(pdir)
    if run.returncode != 0:
        sys.exit('prunedep failed (exit %d): %s' % (run.returncode, run.stderr[-2000:]))
    return json.loads(run.stdout)['results'][0]['sets']
