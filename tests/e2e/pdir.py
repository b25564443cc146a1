"""A small reader of the .pdir text format (grammar in ir/Printer.h), enough
for the end-to-end checks: op kinds, module paths, attributes, value types."""
import re

NAME = r'%(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_.$]+)'
RESULT = re.compile(r'(' + NAME + r'): ((?:[a-z0-9]+\[[^\]]*\])|[a-z]+(?:<[^=]*?>)?)')
HEADER = re.compile(r'^graph @(\S+?)\((.*)\) \{$')


def _unquote(name):
    if name.startswith('%"'):
        return bytes(name[2:-1], 'utf-8').decode('unicode_escape')
    return name[1:]


def parse_type(text):
    """('f32', [1, 3, 224, 224]) for a tensor, (text, None) otherwise."""
    m = re.fullmatch(r'([a-z0-9]+)\[([^\]]*)\]', text)
    if not m:
        return text, None
    dims = [(-1 if d == '?' else int(d)) for d in m.group(2).split(',') if d]
    return m.group(1), dims


class AttrParser:
    """Attribute values: ints, floats, strings, true/false/none, lists."""

    def __init__(self, text):
        self.s, self.i = text, 0

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] == ' ':
            self.i += 1

    def value(self):
        self.ws()
        c = self.s[self.i]
        if c == '[':
            self.i += 1
            out = []
            self.ws()
            if self.s[self.i] == ']':
                self.i += 1
                return out
            while True:
                out.append(self.value())
                self.ws()
                if self.s[self.i] == ',':
                    self.i += 1
                    continue
                assert self.s[self.i] == ']', self.s[self.i:]
                self.i += 1
                return out
        if c == '"':
            j = self.i + 1
            while self.s[j] != '"':
                j += 2 if self.s[j] == '\\' else 1
            text = self.s[self.i + 1:j]
            self.i = j + 1
            return bytes(text, 'utf-8').decode('unicode_escape')
        m = re.compile(r'[-+A-Za-z0-9_.]+').match(self.s, self.i)
        word = m.group(0)
        self.i = m.end()
        if word in ('true', 'false'):
            return word == 'true'
        if word == 'none':
            return None
        try:
            return int(word)
        except ValueError:
            return float(word)

    def attrs(self):
        """From just after '{' to the matching '}'."""
        out = {}
        self.ws()
        if self.s[self.i] == '}':
            self.i += 1
            return out
        while True:
            self.ws()
            m = re.compile(r'[A-Za-z_][A-Za-z0-9_]*').match(self.s, self.i)
            key = m.group(0)
            self.i = m.end()
            self.ws()
            assert self.s[self.i] == '=', self.s[self.i:]
            self.i += 1
            out[key] = self.value()
            self.ws()
            if self.s[self.i] == ',':
                self.i += 1
                continue
            assert self.s[self.i] == '}'
            self.i += 1
            return out


class Op:
    def __init__(self, line):
        head, sep, rest = line.partition(' = ') if re.match(r'\s*%', line) else ('', '', line)
        self.results = [(_unquote(n), t) for n, t in RESULT.findall(head)]
        rest = rest.strip()
        m = re.match(r'([A-Za-z_][A-Za-z0-9_.:]*)\(([^)]*)\)', rest)
        self.kind = m.group(1)
        self.operands = [_unquote(x.strip()) for x in m.group(2).split(', ') if x.strip()]
        rest = rest[m.end():]
        self.attrs = {}
        if rest.startswith(' {'):
            p = AttrParser(rest)
            p.i = 2
            self.attrs = p.attrs()
            rest = rest[p.i:]
        mm = re.match(r' module ("(?:[^"\\]|\\.)*")', rest)
        self.module = bytes(mm.group(1)[1:-1], 'utf-8').decode('unicode_escape') if mm else None
        ms = re.match(r' scope ("(?:[^"\\]|\\.)*") : (\S+)', rest)
        self.scope = (ms.group(1)[1:-1], ms.group(2)) if ms else None


class Graph:
    def __init__(self, text):
        lines = text.split('\n')
        m = HEADER.match(lines[0])
        assert m, 'not a graph header: ' + lines[0]
        self.name = m.group(1)
        self.types = {}
        self.inputs = []
        for n, t in RESULT.findall(m.group(2)):
            self.inputs.append(_unquote(n))
            self.types[_unquote(n)] = t
        self.ops, self.outputs = [], []
        for line in lines[1:]:
            if line.startswith('  return'):
                self.outputs = [_unquote(x.strip()) for x in line[len('  return'):].split(',')
                                if x.strip()]
            elif line.startswith('  '):
                op = Op(line)
                self.ops.append(op)
                for n, t in op.results:
                    self.types[n] = t
