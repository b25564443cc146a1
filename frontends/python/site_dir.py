"""Prints where `meson install` puts the package: a directory under PREFIX
that the interpreter running this script searches (site.getsitepackages(),
in its order), so that plain `/usr/bin/python3 -c 'import prunedep'` works
after installing. Debian's meson picks lib/python3/dist-packages, which Debian's
python3 searches under /usr but not under /usr/local (it has
/usr/local/lib/python3.X/dist-packages there); FALLBACK (meson's choice) is
printed when no searched directory is under PREFIX.

usage: site_dir.py PREFIX FALLBACK"""
import os
import site
import sys

prefix, fallback = os.path.normpath(sys.argv[1]), sys.argv[2]
for d in site.getsitepackages():
    rel = os.path.relpath(d, prefix)
    # /usr/local/... is not "under /usr" for this purpose: another prefix.
    if not rel.startswith('..') and not rel.startswith('local' + os.sep):
        print(d)
        break
else:
    print(fallback)
