#!/usr/bin/env python3
"""embed.py IN OUT NAME: writes a C header with IN as a string constant NAME."""
import sys

data = open(sys.argv[1], 'rb').read()
with open(sys.argv[2], 'w') as out:
    out.write('/* generated from %s by embed.py; do not edit */\n' % sys.argv[1].split('/')[-1])
    out.write('static const char %s[] =\n' % sys.argv[3])
    for line in data.decode('utf-8').splitlines(True):
        esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
        out.write('  "%s"\n' % esc)
    out.write('  ;\n')
