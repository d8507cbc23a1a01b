#!/usr/bin/python3
"""Every string id the code names exists in the built-in table
(strings/otaux-builtin.c), and every built-in id is documented in
docs/strings.md. Prints TAP. Usage: check-ids.py SOURCE_ROOT"""
import glob
import os
import re
import sys

import tapchecks

root = sys.argv[1]
table_src = open(os.path.join(root, 'strings', 'otaux-builtin.c'), encoding='utf-8').read()
table = re.findall(r'^\s*\{ "([a-z][a-zA-Z0-9.-]*)",', table_src, re.M)
prefixes = {i.split('.')[0] for i in table}

# Literal ids in the code that uses texts (the table itself excluded).
sources = [f for d in ('agent', 'strings', 'tools', 'ui', 'ui/prompter', 'dbus')
           for f in glob.glob(os.path.join(root, d, '*.c'))
           if not f.endswith('otaux-builtin.c')]
used = {}
for path in sources:
    text = open(path, encoding='utf-8').read()
    for m in re.finditer(r'"([a-z][a-z-]*(?:\.[a-zA-Z0-9-]+)+)"', text):
        ident = m.group(1)
        if ident.split('.')[0] in prefixes and not ident.startswith('message.'):
            used.setdefault(ident, os.path.relpath(path, root))

# Ids the prompt builds from its kind names: KIND.title, KIND.body and the
# choice labels KIND.accept/cancel/delay/change.
prompt = open(os.path.join(root, 'agent', 'otaux-prompt.c'), encoding='utf-8').read()
kinds = re.search(r'kind_names\[\] = \{(.*?)\};', prompt, re.S)
computed = set()
if kinds:
    for k in re.findall(r'"([a-z-]+)"', kinds.group(1)):
        if k in ('delayed', 'reminder', 'final-warning'):
            computed |= {f'{k}.title', f'{k}.body', f'{k}.accept', f'{k}.change', f'{k}.cancel'}
        if k in ('download', 'install'):
            # the "later" choice where the policy offers it
            computed |= {f'{k}.accept', f'{k}.cancel', f'{k}.later'}

docs_path = os.path.join(root, 'docs', 'strings.md')
docs = open(docs_path, encoding='utf-8').read() if os.path.exists(docs_path) else ''
documented = set(re.findall(r'`([a-z][a-zA-Z0-9.-]*)`', docs))

checks = []
for ident, where in sorted(used.items()):
    checks.append((ident in table, f'{ident} (used in {where}) is a built-in id'))
for ident in sorted(computed):
    checks.append((ident in table, f'{ident} (built by the prompt) is a built-in id'))
checks.append((len(set(table)) == len(table), 'no id twice in the table'))
for ident in table:
    checks.append((ident in documented, f'{ident} is in docs/strings.md'))

tapchecks.report(checks)
