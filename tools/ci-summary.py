"""Prints "N passed, N failed" over meson test logs, pytest junit files and
extra result files (the line CI reads). Extra files hold lines "PASS name" /
"FAIL name". A junit file (pytest --junitxml) adds one count per test case
(a <failure> or <error> fails it; a skipped case counts as passed, as meson's
SKIP does), on top of the meson test that ran pytest.

usage: ci-summary.py TESTLOG.json... [--extra FILE]... [--junit FILE]...
Exits non-zero when anything failed or nothing ran."""
import json
import sys
import xml.etree.ElementTree as ET

passed = failed = 0
args = sys.argv[1:]
FLAGS = ('--extra', '--junit')
extras = [args[i + 1] for i, a in enumerate(args) if a == '--extra' and i + 1 < len(args)]
junits = [args[i + 1] for i, a in enumerate(args) if a == '--junit' and i + 1 < len(args)]
logs = [a for i, a in enumerate(args) if a not in FLAGS and (i == 0 or args[i - 1] not in FLAGS)]
for path in logs:
    try:
        with open(path) as log:
            for line in log:
                if not line.strip():
                    continue
                result = json.loads(line).get('result')
                if result in ('OK', 'EXPECTEDFAIL', 'SKIP'):
                    passed += 1
                else:
                    failed += 1
    except OSError as e:
        print('cannot read the test log: %s' % e)
        failed += 1
for path in junits:
    try:
        skipped = 0
        for case in ET.parse(path).getroot().iter('testcase'):
            if case.find('failure') is not None or case.find('error') is not None:
                failed += 1
            else:
                passed += 1
                skipped += case.find('skipped') is not None
        if skipped:
            print('%s: %d test case(s) skipped' % (path, skipped))
    except (OSError, ET.ParseError) as e:
        print('cannot read the junit file %s: %s' % (path, e))
        failed += 1
for path in extras:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith('PASS'):
                    passed += 1
                elif line.startswith('FAIL'):
                    failed += 1
    except OSError as e:
        print('cannot read %s: %s' % (path, e))
        failed += 1
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed or not passed else 0)
