"""Writes the C++ of a guide: every ```cpp block of a Markdown file, in order,
as one source file (docs/writing-a-pass.md is one complete plugin).

usage: extract_guide_code.py GUIDE.md OUT.cpp"""
import sys

guide, out = sys.argv[1], sys.argv[2]
blocks, current = [], None
with open(guide, encoding="utf-8") as f:
    for line in f:
        if current is None and line.strip() == "```cpp":
            current = []
        elif current is not None and line.strip() == "```":
            blocks.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
if current is not None or not blocks:
    sys.exit("%s: no complete ```cpp block" % guide)
with open(out, "w", encoding="utf-8") as f:
    f.write("// Generated from %s by tools/extract_guide_code.py: edit the guide.\n" % guide.split("/")[-1])
    f.write("\n".join(blocks))
