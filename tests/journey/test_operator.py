#!/usr/bin/python3
"""Journey: an operator changes the German roaming warning.

As docs/strings.md tells them: write a German catalog with their own
`charge.roaming`, `otauxctl check` it, then `otauxctl preview --locale de
--strings FILE`, and look at the pictures. Run inside `meson devenv` (the
built agent, prompter, translations and dunst settings, nothing set by
hand).

Asserts: check is clean (exit 0, no output); the preview runs (exit 0);
for every priority the download screen's picture exists and the agent
showed the new text: the Prompt's warning is the operator's sentence, and
the Notify call dunst drew carries it (a pop-up draws the Prompt); the untouched texts stay German.
The pictures stay in BUILD/test-artifacts/journey/operator-de/.

Usage: test_operator.py BUILD_DIR ARTIFACTS_DIR
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import journey  # noqa: E402

BUILD, ARTIFACTS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
journey.need('meson', 'Xvfb', 'dbus-daemon', 'dunst', 'import', 'convert')
t = journey.Tap()
WARNING = 'Achtung, Roaming im Ausland: Laden Sie das Update von ACME lieber im WLAN.'
CATALOG = '''<?xml version="1.0" encoding="UTF-8"?>
<catalog locale="de" version="1">
  <string id="charge.roaming">%s</string>
</catalog>
''' % WARNING

os.makedirs(ARTIFACTS, exist_ok=True)
catalog = os.path.join(ARTIFACTS, 'acme-de_100.xml')
with open(catalog, 'w', encoding='utf-8') as f:
    f.write(CATALOG)
out = os.path.join(ARTIFACTS, 'operator-de')
shutil.rmtree(out, ignore_errors=True)
env = {k: v for k, v in os.environ.items() if not k.startswith(('OTAUX', 'DISPLAY', 'WAYLAND'))}


def devenv(*argv):
    t.note('$ ' + ' '.join(argv))
    r = subprocess.run(['meson', 'devenv', '-C', BUILD] + list(argv), env=env,
                       capture_output=True, text=True, timeout=600)
    t.note(r.stdout + r.stderr)
    return r


r = devenv('otauxctl', 'check', catalog)
t.ok(r.returncode == 0 and r.stdout.strip() == '', 'otauxctl check: the catalog is clean',
     r.stdout + r.stderr)
r = devenv('otauxctl', 'preview', '--locale', 'de', '--strings', catalog, '--output', out)
t.ok(r.returncode == 0, 'otauxctl preview --locale de --strings runs', r.stdout + r.stderr)
t.ok('numbers and dates formatted in' in r.stdout, 'the preview states its locale', r.stdout)
with open(os.path.join(out, 'preview.json'), encoding='utf-8') as f:
    index = json.load(f)
downloads = [e for e in index['screens'] if e['picture'].endswith('-download.png')]
t.ok(len(downloads) == 3, 'a download picture per priority',
     [e['picture'] for e in index['screens']])
for e in downloads:
    png = os.path.join(out, e['picture'])
    t.ok(os.path.getsize(png) > 0 and e['on-screen'], '%s is on screen' % e['picture'])
    t.ok(e['warning'] == WARNING, '%s: the Prompt carries the new warning' % e['picture'], e)
    n = e['notification']
    if e['presentation'] == 'popup':
        t.note('%s: a pop-up; the prompter draws the Prompt' % e['picture'])
    else:
        t.ok(n is not None and WARNING in n['body'],
             '%s: the notification dunst drew carries it' % e['picture'], e)
    labels = [label for _, label in e['choices']]
    t.ok('48,0' in e['body'] and 'Download' not in labels,
         '%s: the other texts stay German (%s; %s)' % (e['picture'], e['title'], labels), e)
t.done()
