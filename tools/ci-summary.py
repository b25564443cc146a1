"""Prints "N passed, N failed" over meson test logs and extra result files
(the line CI reads). Extra files hold lines "PASS name" / "FAIL name".

usage: ci-summary.py TESTLOG.json... [--extra FILE]...
Exits non-zero when anything failed or nothing ran."""
import json
import sys

passed = failed = 0
args = sys.argv[1:]
extras = [args[i + 1] for i, a in enumerate(args) if a == '--extra' and i + 1 < len(args)]
logs = [a for i, a in enumerate(args) if a != '--extra' and (i == 0 or args[i - 1] != '--extra')]
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
