#!/usr/bin/python3
"""The RelaxNG schema strings/otaux-strings.rng accepts the example catalogs
and the good fuzz seeds, and rejects the seeds named bad-shape-*. (The
agent's checks are stricter than the schema: ids, placeholders, plural
categories.) Prints TAP. Usage: check-schema.py SOURCE_ROOT XMLLINT"""
import glob
import os
import subprocess
import sys

import tapchecks

root, xmllint = sys.argv[1], sys.argv[2]
rng = os.path.join(root, 'strings', 'otaux-strings.rng')
good = sorted(glob.glob(os.path.join(root, 'data', 'examples', 'strings-*.xml')) +
              glob.glob(os.path.join(root, 'fuzz', 'corpus', 'catalog', 'good-*')))
bad = sorted(glob.glob(os.path.join(root, 'fuzz', 'corpus', 'catalog', 'bad-shape-*')))

checks = []
for path in good + bad:
    r = subprocess.run([xmllint, '--noout', '--nonet', '--relaxng', rng, path],
                       capture_output=True, text=True)
    want = path in good
    checks.append(((r.returncode == 0) == want,
                   f'{os.path.relpath(path, root)} is {"valid" if want else "invalid"}'
                   + ('' if (r.returncode == 0) == want else ': ' + r.stderr.strip()[:300])))
checks.append((len(good) >= 2, 'there are example catalogs to check'))

tapchecks.report(checks)
