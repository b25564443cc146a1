"""Prints "N passed, N failed" from meson's test log (the line CI reads).

Exits non-zero when anything failed or nothing ran."""
import json
import sys

passed = failed = 0
try:
    with open(sys.argv[1]) as log:
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
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed or not passed else 0)
