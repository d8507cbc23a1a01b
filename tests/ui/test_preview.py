#!/usr/bin/python3
"""otauxctl preview (C, tools/otauxctl-preview*.c): the real agent with its
real presenters on a private bus and Xvfb, with dunst, driven through every
prompt kind of every priority.

Runs it for English, German (long words, a machine without de_DE) and
Arabic (right to left), once with an operator policy that makes medium
offers pop up, and once with quiet hours around the current minute (the
delays are walked from their end). A pop-up's install question is also
pictured with its delay picker open (a real click), and a picture of an
"actions" notification (dunst draws no buttons) carries its button labels
at its foot. Asserts: every picture PRIORITY-PRESENTATION-KIND.png exists,
is 360x720 and not blank; preview.json lists them with the texts the agent
showed (Prompt and Notify), each seen on screen; German titles differ from
English; Arabic notifications start with a right-to-left mark; the medium
popup policy gives medium-popup-*.png pictures that differ from the
default medium-actions-*.png; the output states the locale of the numbers
and warns when the machine lacks it.

Usage: test_preview.py OTAUXCTL ARTIFACT_DIR SOURCE_ROOT
Pictures stay in ARTIFACT_DIR/preview-<run>/ (see preview.json there).
TAP output; exit 77 when Xvfb, dunst or ImageMagick is missing."""
import json
import locale as pylocale
import os
import shutil
import struct
import subprocess
import sys
import time
import traceback

OTAUXCTL, ARTIFACTS, SRC = (os.path.abspath(a) for a in sys.argv[1:4])

KINDS = ['download', 'progress', 'install', 'delayed', 'reminder', 'final-warning',
         'pending', 'installing', 'result-success', 'forced', 'result-failure',
         'restart', 'restarting', 'finishing', 'tonight', 'tonight-missed']
DEFAULT = {'low': 'notification', 'medium': 'actions', 'high': 'popup'}

AR_CATALOG = '''<?xml version="1.0" encoding="UTF-8"?>
<catalog locale="ar" version="1">
  <message id="welcome-5g">مع {name} {version} يدعم جهازك شبكات <b>5G</b>.</message>
</catalog>
'''
QUIET_NOW = '''<?xml version="1.0" encoding="UTF-8"?>
<otaux-policy version="1">
  <quiet-hours start="%02d:%02d" end="%02d:%02d"/>
</otaux-policy>
'''
MEDIUM_POPUP = '''<?xml version="1.0" encoding="UTF-8"?>
<otaux-policy version="1">
  <priority level="medium" presentation="popup"/>
</otaux-policy>
'''


def log(*a):
    for line in ' '.join(str(x) for x in a).splitlines():
        print('#', line, flush=True)


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n', '%s is not a PNG' % path
    return struct.unpack('>II', head[16:24])


def colours(path):
    """How many colours the picture has (ImageMagick), so a blank one fails."""
    r = subprocess.run(['identify', '-format', '%k', path], capture_output=True, text=True)
    return int(r.stdout.strip() or 0)


class Run:
    def __init__(self, name, locale, catalog=None, policy=None, medium='actions'):
        self.name, self.locale, self.catalog, self.policy = name, locale, catalog, policy
        self.medium = medium
        self.out = os.path.join(ARTIFACTS, 'preview-' + name)
        self.output = ''
        self.index = None

    def __call__(self):
        shutil.rmtree(self.out, ignore_errors=True)
        env = dict(os.environ)
        env.pop('DISPLAY', None)
        env.pop('WAYLAND_DISPLAY', None)
        argv = [OTAUXCTL, 'preview', '--locale', self.locale, '--output', self.out]
        if self.catalog:
            argv += ['--strings', self.catalog]
        if self.policy:
            argv += ['--policy', self.policy]
        log(' '.join(argv))
        r = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=400)
        self.output = r.stdout
        log(r.stdout)
        assert r.returncode == 0, 'otauxctl preview exited %d' % r.returncode
        with open(os.path.join(self.out, 'preview.json')) as f:
            self.index = json.load(f)
        presentation = dict(DEFAULT, medium=self.medium)
        # a pop-up's install question is pictured with its delay picker open too
        want = []
        for p in ('low', 'medium', 'high'):
            for k in KINDS:
                want.append('%s-%s-%s.png' % (p, presentation[p], k))
                if k == 'install' and presentation[p] == 'popup':
                    want.append('%s-popup-install-delay.png' % p)
        assert [e['picture'] for e in self.index['screens']] == want, self.index['screens']
        assert self.index['geometry'] == '360x720'
        for e in self.index['screens']:
            png = os.path.join(self.out, e['picture'])
            assert png_size(png) == (360, 720), '%s is %dx%d' % ((png,) + png_size(png))
            assert colours(png) > 16, '%s looks blank' % png
            assert e['on-screen'], '%s: the prompt did not reach the screen' % png
            assert e['title'], '%s: no title' % png
        self.__name__ = 'preview_' + self.name

    def screen(self, picture):
        return next(e for e in self.index['screens'] if e['picture'] == picture)


def main():
    for tool in ('Xvfb', 'dbus-daemon', 'dunst', 'import', 'convert', 'identify'):
        if shutil.which(tool) is None:
            print('1..0 # SKIP %s is not installed' % tool, flush=True)
            sys.exit(77)
    os.makedirs(ARTIFACTS, exist_ok=True)
    ar_catalog = os.path.join(ARTIFACTS, 'preview-ar-catalog.xml')
    with open(ar_catalog, 'w') as f:
        f.write(AR_CATALOG)
    policy = os.path.join(ARTIFACTS, 'preview-medium-popup_100.xml')
    with open(policy, 'w') as f:
        f.write(MEDIUM_POPUP)
    examples = os.path.join(SRC, 'data', 'examples')
    en = Run('en', 'en', os.path.join(examples, 'strings-en.xml'))
    de = Run('de', 'de', os.path.join(examples, 'strings-de.xml'))
    ar = Run('ar', 'ar', ar_catalog)
    popup = Run('en-medium-popup', 'en', os.path.join(examples, 'strings-en.xml'), policy,
                medium='popup')
    # Quiet hours around this very minute (they hold back low and medium):
    # the preview still walks every screen, on times the policy allows.
    now = time.localtime()
    start = (now.tm_hour * 60 + now.tm_min - 60) % 1440
    end = (now.tm_hour * 60 + now.tm_min + 120) % 1440
    quiet_policy = os.path.join(ARTIFACTS, 'preview-quiet-now_100.xml')
    with open(quiet_policy, 'w') as f:
        f.write(QUIET_NOW % (start // 60, start % 60, end // 60, end % 60))
    quiet = Run('en-quiet-hours-now', 'en', policy=quiet_policy)

    def de_translated():
        for e in en.index['screens']:
            d = de.screen(e['picture'])
            log('%-36s %-36s | %s' % (e['picture'], e['title'], d['title']))
            assert d['title'] != e['title'], '%s: the German title is English' % e['picture']

    def ar_right_to_left():
        seen = 0
        for e in ar.index['screens']:
            n = e['notification']
            if n:
                seen += 1
                assert n['summary'].startswith('\u200f'), '%s: %r' % (e['picture'], n['summary'])
        assert seen > 0, 'no Arabic notification recorded'

    def medium_popup_differs():
        for k in KINDS:
            a = os.path.join(en.out, 'medium-actions-%s.png' % k)
            b = os.path.join(popup.out, 'medium-popup-%s.png' % k)
            assert popup.screen('medium-popup-%s.png' % k)['presentation'] in ('popup', 'actions',
                                                                                 'notification')
        assert popup.screen('medium-popup-download.png')['presentation'] == 'popup'
        with open(os.path.join(en.out, 'medium-actions-download.png'), 'rb') as f:
            a = f.read()
        with open(os.path.join(popup.out, 'medium-popup-download.png'), 'rb') as f:
            b = f.read()
        assert a != b, 'the medium popup policy gives the default picture'

    def states_locale():
        assert 'numbers and dates formatted in' in de.output, de.output
        have = subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout.lower()
        if 'de_de.utf8' not in have:
            assert 'lacks the locale de_DE.UTF-8' in de.output, de.output
        assert de.index['lc_all'], de.index

    def picker_and_captions():
        e = en.screen('high-popup-install-delay.png')
        assert e['on-screen'] and e['kind'] == 'install', e
        # dunst draws no buttons: an actions picture carries their labels at its foot
        for picture in ('medium-actions-download.png', 'medium-actions-install.png'):
            foot = subprocess.run(['convert', os.path.join(en.out, picture), '-gravity', 'South',
                                   '-crop', '360x40+0+0', '-format', '%k', 'info:'],
                                  capture_output=True, text=True)
            assert int(foot.stdout or 0) > 2, '%s: no caption of its buttons' % picture
        plain = subprocess.run(['convert', os.path.join(en.out, 'low-notification-install.png'),
                                '-gravity', 'South', '-crop', '360x40+0+0', '-format', '%k',
                                'info:'], capture_output=True, text=True)
        assert int(plain.stdout or 0) <= 2, 'a notification without buttons has a caption'

    def tonight_screens():
        # Install tonight (issue 18 item 1): the choice, the waiting screen, the morning question
        for p, how in DEFAULT.items():
            install = en.screen('%s-%s-install.png' % (p, how))
            waiting = en.screen('%s-%s-tonight.png' % (p, how))
            morning = en.screen('%s-%s-tonight-missed.png' % (p, how))
            assert waiting['kind'] == 'delayed' and waiting['title'] == 'Installing tonight', waiting
            assert morning['kind'] == 'install', morning
            assert morning['title'] == 'Not installed last night', morning
            assert "Couldn't install last night: the charger was not plugged in." in \
                morning['body'], morning
            assert ['tonight', 'Install tonight'] in install['choices'], install
            assert ['tonight', 'Try again tonight'] in morning['choices'], morning
        assert de.screen('high-popup-tonight.png')['title'] == 'Installation heute Nacht'

    def quiet_walked_after_them():
        assert 'quiet hours for low priority' in quiet.output, quiet.output
        assert quiet.screen('low-notification-delayed.png')['title'], quiet.index

    tests = [en, de, ar, popup, quiet, quiet_walked_after_them, tonight_screens, picker_and_captions, de_translated, ar_right_to_left, medium_popup_differs,
             states_locale]
    print('1..%d' % len(tests), flush=True)
    failed = 0
    for i, t in enumerate(tests, 1):
        name = getattr(t, 'name', None)
        name = 'preview_' + name if name else t.__name__
        try:
            t()
            print('ok %d - %s' % (i, name), flush=True)
        except Exception:  # noqa: BLE001
            failed += 1
            for line in traceback.format_exc().splitlines():
                log(line)
            print('not ok %d - %s' % (i, name), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    pylocale.setlocale(pylocale.LC_ALL, 'C.UTF-8')
    main()
