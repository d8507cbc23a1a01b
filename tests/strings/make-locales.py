#!/usr/bin/python3
"""Compiles the locales the rendering tests need (en_US, de_DE, fr_FR,
es_ES, ar_EG, UTF-8) with localedef into OUTDIR, for LOCPATH, so that the
tests run on a fresh machine where they are not generated. A locale that
cannot be compiled is left out; the test then fails and says so.
Usage: make-locales.py STAMP (the locales go to STAMP's folder/locales)."""
import os
import subprocess
import sys

stamp = sys.argv[1]
out = os.path.join(os.path.dirname(os.path.abspath(stamp)), 'locales')
os.makedirs(out, exist_ok=True)
made = []
for name in ('en_US', 'de_DE', 'fr_FR', 'es_ES', 'ar_EG'):
    target = os.path.join(out, name + '.UTF-8')
    if os.path.exists(os.path.join(target, 'LC_CTYPE')):
        made.append(name)
        continue
    # localedef exits 1 for warnings in some locale sources; what counts is the result
    r = subprocess.run(['localedef', '-i', name, '-f', 'UTF-8', target],
                       capture_output=True, text=True)
    if os.path.exists(os.path.join(target, 'LC_CTYPE')):
        made.append(name)
    else:
        sys.stderr.write(f'make-locales: {name}: {r.stderr.strip()}\n')
with open(stamp, 'w') as f:
    f.write(' '.join(made) + '\n')
