#!/usr/bin/python3
"""otauxctl preview for English, German (long words) and Arabic (right to
left) at 360x720: every prompter screen and notification picture exists and
is not trivial, German and Arabic titles and buttons differ from English,
Arabic is mirrored.

Usage: test_preview.py OTAUXCTL ARTIFACT_DIR SOURCE_ROOT
Pictures stay in ARTIFACT_DIR/preview-<locale>/ (see preview.json there).
TAP output; exit 77 when xvfb-run, xdotool, dunst or ImageMagick is missing
(otauxctl preview exits 77 then)."""
import json
import os
import shutil
import struct
import subprocess
import sys
import traceback

OTAUXCTL, ARTIFACTS, SRC = (os.path.abspath(a) for a in sys.argv[1:4])

# <serial>-<kind>: the screens the sample offers go through.
SCREENS = ['1-download', '1-progress', '1-install', '1-install-delay', '1-delayed',
           '1-reminder', '1-final-warning', '1-pending', '1-installing', '1-result',
           '2-forced', '2-result']
NOTIFICATIONS = [s for s in SCREENS if not s.endswith('-delay')]

# An Arabic operator catalog: only the install message (the titles stay the
# built-in Arabic translations); German uses the example operator catalog.
AR_CATALOG = '''<?xml version="1.0" encoding="UTF-8"?>
<catalog locale="ar" version="1">
  <message id="welcome-5g">مع {name} {version} يدعم جهازك شبكات <b>5G</b>.</message>
</catalog>
'''


def log(*a):
    print('#', *a, flush=True)


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n', '%s is not a PNG' % path
    return struct.unpack('>II', head[16:24])


def colours(path):
    """How many colours the picture has (ImageMagick), so a blank one fails."""
    r = subprocess.run(['identify', '-format', '%k', path], capture_output=True, text=True)
    return int(r.stdout.strip() or 0)


def run_preview(locale, catalog):
    out = os.path.join(ARTIFACTS, 'preview-' + locale)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    env = dict(os.environ)
    env.pop('DISPLAY', None)          # always on a private Xvfb: same pictures everywhere
    env.pop('WAYLAND_DISPLAY', None)
    argv = [OTAUXCTL, 'preview', '--locale', locale, '--output', out]
    if catalog:
        argv += ['--strings', catalog]
    log(' '.join(argv))
    r = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=240)
    for line in r.stdout.splitlines():
        log(line)
    assert r.returncode == 0, 'otauxctl preview --locale %s exited %d' % (locale, r.returncode)
    return out


def layouts(out):
    res = {}
    for s in SCREENS:
        with open(os.path.join(out, s + '.json')) as f:
            res[s] = json.load(f)
    return res


def check_pictures(out):
    for s in SCREENS:
        png = os.path.join(out, s + '.png')
        assert os.path.exists(png), 'missing %s' % png
        w, h = png_size(png)
        assert 300 <= w <= 400 and 640 <= h <= 740, '%s is %dx%d, not about 360x720' % (png, w, h)
        assert os.path.getsize(png) > 4000 and colours(png) > 16, '%s looks blank' % png
    for s in NOTIFICATIONS:
        png = os.path.join(out, 'notification-%s.png' % s)
        assert os.path.exists(png), 'missing %s' % png
        w, h = png_size(png)
        assert w >= 200 and h >= 30, '%s is %dx%d' % (png, w, h)
        assert colours(png) > 8, '%s looks blank' % png
    with open(os.path.join(out, 'preview.json')) as f:
        index = json.load(f)
    assert [e['prompter'] for e in index['screens']] == [s + '.png' for s in SCREENS], index


def main():
    tests = []
    runs = {}

    def run(locale, catalog):
        def t():
            runs[locale] = run_preview(locale, catalog)
            check_pictures(runs[locale])
        t.__name__ = 'preview_' + locale
        return t

    def differs(locale):
        def t():
            en, other = layouts(runs['en']), layouts(runs[locale])
            for s in SCREENS:
                log('%-16s %-40s | %s' % (s, en[s]['title'], other[s]['title']))
                assert other[s]['title'] and other[s]['title'] != en[s]['title'], \
                    '%s: the %s title is the English one: %r' % (s, locale, en[s]['title'])
                en_labels = [b['label'] for b in en[s]['buttons']]
                labels = [b['label'] for b in other[s]['buttons']]
                assert len(labels) == len(en_labels), (s, labels, en_labels)
                same = [lb for lb in labels if lb in en_labels]
                assert not same, '%s: %s buttons still in English: %s' % (s, locale, same)
        t.__name__ = locale + '_titles_and_buttons_translated'
        return t

    def directions():
        for s in SCREENS:
            assert layouts(runs['en'])[s].get('direction') == 'ltr', s
            assert layouts(runs['de'])[s].get('direction') == 'ltr', s
            assert layouts(runs['ar'])[s].get('direction') == 'rtl', \
                '%s: Arabic is not mirrored' % s

    for tool in ('xvfb-run', 'Xvfb', 'dbus-run-session', 'xdotool', 'dunst', 'import',
                 'identify'):
        if shutil.which(tool) is None:
            print('1..0 # SKIP %s is not installed' % tool, flush=True)
            sys.exit(77)
    ar_catalog = os.path.join(ARTIFACTS, 'preview-ar-catalog.xml')
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(ar_catalog, 'w') as f:
        f.write(AR_CATALOG)
    examples = os.path.join(SRC, 'data', 'examples')
    tests = [run('en', os.path.join(examples, 'strings-en.xml')),
             run('de', os.path.join(examples, 'strings-de.xml')),
             run('ar', ar_catalog),
             differs('de'), differs('ar'), directions]
    print('1..%d' % len(tests), flush=True)
    failed = 0
    for i, t in enumerate(tests, 1):
        try:
            t()
            print('ok %d - %s' % (i, t.__name__), flush=True)
        except Exception:  # noqa: BLE001
            failed += 1
            for line in traceback.format_exc().splitlines():
                log(line)
            print('not ok %d - %s' % (i, t.__name__), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
