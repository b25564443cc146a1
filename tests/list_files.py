"""Lists test files under a directory (configure-time glob for meson).

Prints paths relative to the directory, one per line, sorted, for every file
with one of the given suffixes. Re-run `meson setup --reconfigure` after adding
a test file."""
import os
import sys

root, suffixes = sys.argv[1], tuple(sys.argv[2:])
found = []
for dirpath, _, files in os.walk(root):
    for f in files:
        if f.endswith(suffixes):
            found.append(os.path.relpath(os.path.join(dirpath, f), root))
for f in sorted(found):
    print(f)
