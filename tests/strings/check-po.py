#!/usr/bin/python3
"""Every po/LL.po is complete against a fresh extraction of po/POTFILES.in,
compiles with msgfmt --check, has no fuzzy or untranslated entry, and keeps
the {placeholders} of its msgid (a plural form may leave out the count, as
in "eine Minute"). Prints TAP. Usage: check-po.py SOURCE_ROOT"""
import os
import re
import subprocess
import sys
import tempfile

import tapchecks

root = sys.argv[1]
po_dir = os.path.join(root, 'po')
XGETTEXT = ['xgettext', '--from-code=UTF-8', '--add-comments=TRANSLATORS:', '--keyword=_',
            '--keyword=N_', '--keyword=NP_:1,2', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
            '--keyword=g_dngettext:2,3', '--flag=N_:1:pass-c-format',
            '--flag=_:1:pass-c-format']


def entries(path):
    """(msgid, msgid_plural, [msgstr...], flags) of a po file."""
    out = []
    text = open(path, encoding='utf-8').read()
    for block in text.split('\n\n'):
        flags = ' '.join(l[2:] for l in block.split('\n') if l.startswith('#,'))
        fields = {}
        key = None
        for line in block.split('\n'):
            if line.startswith('#') or not line.strip():
                continue
            m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
            if m:
                key = m.group(1)
                fields[key] = eval(m.group(2))
            elif line.startswith('"') and key:
                fields[key] += eval(line)
        if fields.get('msgid'):
            strs = [v for k, v in sorted(fields.items()) if k.startswith('msgstr')]
            out.append((fields['msgid'], fields.get('msgid_plural'), strs, flags))
    return out


def placeholders(s):
    return set(re.findall(r'(?<!\{)\{([a-zA-Z0-9_.-]+)\}', s))


checks = []
langs = [l.strip() for l in open(os.path.join(po_dir, 'LINGUAS')) if l.strip() and
         not l.startswith('#')]
with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, 'otaux.pot')
    r = subprocess.run(XGETTEXT + ['-o', pot, '-f', os.path.join(po_dir, 'POTFILES.in')],
                       cwd=root, capture_output=True, text=True)
    checks.append((r.returncode == 0, f'xgettext extracts the texts {r.stderr.strip()}'))
    for lang in langs:
        po = os.path.join(po_dir, lang + '.po')
        r = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po],
                           capture_output=True, text=True)
        checks.append((r.returncode == 0, f'{lang}.po compiles with msgfmt --check '
                       f'({r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""})'))
        merged = os.path.join(tmp, lang + '.po')
        r = subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot],
                           capture_output=True, text=True)
        if r.returncode != 0:
            checks.append((False, f'{lang}.po merges with the template: {r.stderr.strip()}'))
            continue
        r = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull, merged],
                           capture_output=True, text=True)
        stats = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''
        complete = r.returncode == 0 and 'untranslated' not in stats and 'fuzzy' not in stats
        checks.append((complete, f'{lang}.po is complete: {stats}'))
        bad = []
        for msgid, plural, strs, flags in entries(merged):
            if 'fuzzy' in flags:
                bad.append(f'fuzzy: {msgid!r}')
            want = placeholders(msgid) | placeholders(plural or '')
            for s in strs:
                got = placeholders(s)
                if got - want or (plural is None and got != want):
                    bad.append(f'{msgid!r}: {sorted(got)} != {sorted(want)}')
            if plural is not None and strs and placeholders(strs[-1]) != want:
                bad.append(f'{msgid!r}: the last plural form lacks {sorted(want)}')
        checks.append((not bad, f'{lang}.po keeps every placeholder' +
                       ('' if not bad else ': ' + '; '.join(bad[:5]))))

tapchecks.report(checks)
