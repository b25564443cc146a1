"""print -> parse -> print must be byte-identical for every .pdir in tests/.

A file that does not parse must be a negative test (its RUN line starts with
`not`); every other file must round-trip exactly."""
import subprocess
import sys

prunedep, path = sys.argv[1], sys.argv[2]
text = open(path, encoding='utf-8', errors='replace').read()
first = subprocess.run([prunedep, '--passes=verify', '--emit-ir', path], capture_output=True)
if first.returncode != 0:
    if 'RUN: not ' in text or 'RUN: split-file' in text:
        sys.exit(0)  # a negative test: it is meant not to parse
    sys.stderr.write(first.stderr.decode())
    sys.exit('%s does not parse and is not a negative test' % path)
second = subprocess.run([prunedep, '--passes=verify', '--emit-ir', '-'], input=first.stdout,
                        capture_output=True)
if second.returncode != 0:
    sys.stderr.write(second.stderr.decode())
    sys.exit('printed IR of %s does not re-parse' % path)
if second.stdout != first.stdout:
    sys.exit('print -> parse -> print of %s is not byte-identical' % path)
print('round trip ok:', path)
