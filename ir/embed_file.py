"""Embeds a text file in C++ as `extern const char NAME[]` (build step).

Used by the unit test that checks the generated op table (ir/GenerateOpTable.cpp)
against a run-time parse of the same TOML file."""
import sys

name, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, 'rb').read()
body = ','.join(str(b) for b in data)
with open(dst, 'w') as out:
    out.write('// Generated from %s by embed_file.py; do not edit.\n' % src)
    out.write('extern const char %s[];\n' % name)
    out.write('const char %s[] = {%s%s0};\n' % (name, body, ',' if body else ''))
