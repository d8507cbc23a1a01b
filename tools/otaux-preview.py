#!/usr/bin/python3
"""otaux-preview: the driver of `otauxctl preview` (docs/strings.md).

Renders every pop-up screen of otaux-prompter and a picture of each
notification, for one locale, policy file and string catalog, into PNG
files, so an operator can review the wording offline.

It runs on a private session bus (dbus-run-session) and, without a
display, on its own X server (xvfb-run). It starts the real otaux-agent
(test clock, no notifications, no pop-ups of its own) with the policy
and catalog, the real prompter (which follows every offer whose prompt
is a pop-up and saves a PNG of each screen it draws) and dunst as the
notification server, then plays sample offers through every phase:
download (roaming warning, release notes), progress, install (operator
message), the delay choices, delayed, reminder, final warning, pending,
installing, success; a forced update and a failure. Answers go through
the public D-Bus API, except one real click on "Delay reboot" (xdotool),
which opens the prompter's own time picker. The agent's clock
(org.otaux.Testing1.SetTime) brings the reminder and the final warning
without waiting for hours.

Notifications: for each prompt the driver itself sends the Notify call
that the agent's notification presenter sends (summary = title; body =
message, body and warning in markup; the choices as actions; urgency),
so dunst (data/demo/dunstrc) draws it; the picture is dunst's window.

Every wait is on an event (a file, a bus name, a window, a property) with
a bound. Exit status: 0 done, 1 failed, 2 usage, 77 a tool is missing.

Usage (otauxctl passes the paths of the installed or built programs):
  otaux-preview.py --output DIR [--locale L] [--policy FILE] [--strings FILE]
                   --agent PATH --prompter PATH --otauxctl PATH [--dunstrc FILE]
                   [--default-policy-dir DIR]... [--default-strings-dir DIR]...
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

SKIP = 77
GEOMETRY = '360x720'
WAIT = 30.0
MB = 1000 * 1000

AGENT_NAME = 'org.otaux.Agent'
AGENT_PATH = '/org/otaux/Agent'
OFFER_IFACE = 'org.otaux.Offer1'
PROPS = 'org.freedesktop.DBus.Properties'
NOTIFY_NAME = 'org.freedesktop.Notifications'
NOTIFY_PATH = '/org/freedesktop/Notifications'

# Wins over the operator's policy in the preview only: every prompt of a
# high-priority offer is a pop-up, also inside quiet hours, so that the
# prompter draws every screen. Nothing else is changed.
POPUP_OVERLAY = '''<?xml version="1.0" encoding="UTF-8"?>
<otaux-policy version="1">
  <priority level="high" presentation="popup" interrupt-quiet-hours="yes"/>
</otaux-policy>
'''


def say(text):
    print('otaux-preview: ' + text, flush=True)


def fail(text, code=1):
    print('otaux-preview: ' + text, file=sys.stderr, flush=True)
    sys.exit(code)


def wait_for(pred, what, timeout=WAIT, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise RuntimeError('timed out after %.0f s waiting for %s' % (timeout, what))
        time.sleep(interval)


def have_display():
    if not os.environ.get('DISPLAY'):
        return False
    if shutil.which('xdpyinfo') is None:
        return True
    return subprocess.run(['xdpyinfo'], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def parse_args(argv):
    ap = argparse.ArgumentParser(prog='otauxctl preview',
                                 description='Pictures of every prompt and notification.')
    ap.add_argument('--output', required=True, help='folder for the PNG files')
    ap.add_argument('--locale', default='', help='e.g. de, de_AT, ar (default: the environment)')
    ap.add_argument('--policy', help='a policy file (default: the installed layers)')
    ap.add_argument('--strings', help='a string catalog (default: the installed layers)')
    ap.add_argument('--agent', required=True)
    ap.add_argument('--prompter', required=True)
    ap.add_argument('--otauxctl', required=True)
    ap.add_argument('--dunstrc', default='')
    ap.add_argument('--default-policy-dir', action='append', default=[])
    ap.add_argument('--default-strings-dir', action='append', default=[])
    return ap.parse_args(argv)


# ---- outside: private bus and X server ---------------------------------------

def reexec(opt):
    tools = ['dbus-run-session', 'xdotool', 'dunst', 'import', 'identify']
    display = have_display()
    if not display:
        tools += ['xvfb-run', 'Xvfb']
    for tool in tools:
        if shutil.which(tool) is None:
            fail('%s is not installed (needed for the pictures)' % tool, SKIP)
    for path in (opt.agent, opt.prompter, opt.otauxctl):
        if not os.access(path, os.X_OK):
            fail('cannot run %s' % path)
    env = dict(os.environ)
    env['OTAUX_PREVIEW_INSIDE'] = '1'
    cmd = ['dbus-run-session', '--', '/usr/bin/python3', os.path.abspath(__file__)] + \
        sys.argv[1:]
    if not display:
        say('no display: starting Xvfb')
        env.pop('WAYLAND_DISPLAY', None)
        cmd = ['xvfb-run', '-a', '-s', '-screen 0 1024x800x24 -nolisten tcp'] + cmd
    os.execvpe(cmd[0], cmd, env)


# ---- inside ------------------------------------------------------------------

def check_file(opt, path):
    r = subprocess.run([opt.otauxctl, 'check', path], capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        fail('%s has problems; the agent would skip it' % path)


def message_ids(paths):
    """The operator install message ids in these catalogs (files or dirs)."""
    ids = []
    for p in paths:
        files = [p] if os.path.isfile(p) else \
            sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith('.xml')) \
            if os.path.isdir(p) else []
        for f in files:
            try:
                root = ET.parse(f).getroot()
            except (ET.ParseError, OSError):
                continue
            ids += [m.get('id') for m in root.iter('message') if m.get('id')]
    return ids


def policy_values(opt, policy_dirs):
    r = subprocess.run([opt.otauxctl, 'policy'] +
                       [a for d in policy_dirs for a in ('--policy-dir', d)],
                       capture_output=True, text=True)
    values = {}
    for line in r.stdout.splitlines():
        m = re.match(r'^([\w.-]+) = ([^\t#]*)', line)
        if m:
            values[m.group(1)] = m.group(2).strip()
    return values


def seconds(text):
    m = re.match(r'^(\d+)\s*([smhd]?)$', text.strip())
    if not m:
        return 0
    return int(m.group(1)) * {'': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400}[m.group(2)]


# The country whose locale data a bare language uses, where it is not LL_LL.
COUNTRY = {'ar': 'EG', 'en': 'US', 'ja': 'JP', 'ko': 'KR', 'zh': 'CN', 'sv': 'SE',
           'da': 'DK', 'cs': 'CZ', 'el': 'GR', 'he': 'IL', 'uk': 'UA', 'vi': 'VN'}
I18N_LOCALES = '/usr/share/i18n/locales'


def locale_env(locale, tmp):
    """LANGUAGE picks the translations. LC_ALL: a real locale for weekday
    and month names and the decimal point, the installed one (locale -a)
    or else one compiled with localedef into tmp (LOCPATH) from the
    `locales` sources; failing both C.UTF-8, with which glibc still
    honours LANGUAGE."""
    env = {}
    if not locale:
        return env
    base = re.split(r'[.@]', locale)[0]
    env['LANGUAGE'] = base
    lang = base.split('_')[0].lower()
    want = base if '_' in base else '%s_%s' % (lang, COUNTRY.get(lang, lang.upper()))
    have = subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout.split()
    norm = {h.lower().replace('utf-8', 'utf8'): h for h in have}
    lc = norm.get(want.lower() + '.utf8')
    if lc is None:
        lc = next((h for h in have if h.lower().startswith(lang + '_') and 'utf' in h.lower()),
                  None)
    if lc is None and shutil.which('localedef') and \
            os.path.exists(os.path.join(I18N_LOCALES, want)):
        locpath = os.path.join(tmp, 'locale')
        os.makedirs(locpath, exist_ok=True)
        r = subprocess.run(['localedef', '-i', want, '-f', 'UTF-8',
                            os.path.join(locpath, want + '.UTF-8')],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode in (0, 1) and os.path.isdir(os.path.join(locpath, want + '.UTF-8')):
            env['LOCPATH'] = locpath
            lc = want + '.UTF-8'
    env['LC_ALL'] = lc or 'C.UTF-8'
    env['LANG'] = env['LC_ALL']
    return env


class Proc:
    def __init__(self, argv, env, name):
        self.name = name
        self.p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL if name == 'dunst'
                                  else None)

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def gui_env(extra):
    env = dict(os.environ)
    env.pop('OTAUX_PREVIEW_INSIDE', None)
    env.update({
        'GDK_BACKEND': 'x11',
        'GSK_RENDERER': 'cairo',
        'GSETTINGS_BACKEND': 'memory',
        'NO_AT_BRIDGE': '1',
        'GTK_A11Y': 'none',
    })
    # GTK itself leaks under LeakSanitizer (sanitizer builds).
    env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')
    env.update(extra)
    return env


def xdotool(*args):
    r = subprocess.run(['xdotool'] + [str(a) for a in args], capture_output=True, text=True,
                       timeout=15)
    return r.returncode, r.stdout.strip()


class Preview:
    def __init__(self, opt):
        import dbus
        self.dbus = dbus
        self.opt = opt
        self.out = os.path.abspath(opt.output)
        os.makedirs(self.out, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix='otaux-preview-')
        self.procs = []
        self.index = []
        self.bus = dbus.SessionBus()
        self.notification_id = 0
        self.lenv = locale_env(opt.locale, self.tmp)

    # -- setup ---------------------------------------------------------------

    def has_owner(self, name):
        return bool(self.bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus')
                    .NameHasOwner(name, dbus_interface='org.freedesktop.DBus'))

    def start(self, argv, env, name, bus_name):
        say('starting ' + name)
        p = Proc(argv, env, name)
        self.procs.append(p)
        wait_for(lambda: self.has_owner(bus_name) or not p.alive(), '%s on the bus' % bus_name)
        if not p.alive():
            raise RuntimeError('%s exited at start' % name)
        return p

    def setup(self):
        opt = self.opt
        policy_dirs = list(opt.default_policy_dir)
        if opt.policy:
            check_file(opt, opt.policy)
            d = os.path.join(self.tmp, 'policy')
            os.makedirs(d)
            name = os.path.basename(opt.policy)
            if not re.match(r'^.+_\d{3}\.xml$', name):
                name = 'preview_100.xml'
            shutil.copy(opt.policy, os.path.join(d, name))
            policy_dirs = [d]
        overlay = os.path.join(self.tmp, 'preview-overlay')
        os.makedirs(overlay)
        with open(os.path.join(overlay, 'preview_999.xml'), 'w') as f:
            f.write(POPUP_OVERLAY)
        policy_dirs.append(overlay)
        self.policy = policy_values(opt, policy_dirs)

        strings_args = []
        catalogs = list(opt.default_strings_dir)
        if opt.strings:
            check_file(opt, opt.strings)
            d = os.path.join(self.tmp, 'strings')
            os.makedirs(d)
            shutil.copy(opt.strings, os.path.join(d, 'preview.xml'))
            strings_args = ['--strings-dir', d]
            catalogs = [opt.strings]
        ids = message_ids(catalogs)
        self.message = ids[0] if ids else ''
        if not self.message:
            say('no operator install message in the catalogs: the install screens show none')

        env = gui_env(self.lenv)
        if opt.dunstrc:
            self.start(['dunst', '-config', opt.dunstrc], env, 'dunst', NOTIFY_NAME)
        else:
            self.start(['dunst'], env, 'dunst', NOTIFY_NAME)
        self.prompter = self.start([opt.prompter, '--idle-timeout', '600', '--geometry',
                                    GEOMETRY, '--screenshot-dir', self.out], env,
                                   'otaux-prompter', 'org.otaux.Prompter')
        agent_env = dict(os.environ, **self.lenv)
        agent_env.pop('OTAUX_PREVIEW_INSIDE', None)
        self.agent = self.start([opt.agent, '--state-dir', os.path.join(self.tmp, 'state'),
                                 '--test-clock', '--no-notifications', '--no-popups'] +
                                [a for d in policy_dirs for a in ('--policy-dir', d)] +
                                strings_args, agent_env, 'otaux-agent', AGENT_NAME)
        caps = self.notifications().GetCapabilities()
        self.markup = 'body-markup' in [str(c) for c in caps]

    def close(self):
        for p in reversed(self.procs):
            p.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the agent -----------------------------------------------------------

    def obj(self, path):
        return self.bus.get_object(AGENT_NAME, path, introspect=False)

    def offer(self, **kw):
        d = self.dbus
        types = {'size': d.UInt64, 'state': d.UInt32, 'install-seconds': d.UInt32,
                 'roaming': d.Boolean, 'forced': d.Boolean, 'needs-reboot': d.Boolean,
                 'metered': d.Boolean, 'cellular': d.Boolean}
        pkg = {k: types.get(k, d.String)(v) for k, v in kw.items()}
        return str(self.obj(AGENT_PATH).Offer(d.Dictionary(pkg, signature='sv'),
                                              dbus_interface='org.otaux.Agent1'))

    def call(self, path, method, *args):
        return getattr(self.obj(path), method)(*args, dbus_interface=OFFER_IFACE)

    def answer(self, path, choice, reboot_at=None):
        d = {}
        if reboot_at is not None:
            d['reboot-at'] = self.dbus.Int64(reboot_at)
        self.call(path, 'Answer', choice, self.dbus.Dictionary(d, signature='sv'))

    def set_state(self, path, state, done=None, total=None):
        d = {}
        if done is not None:
            d = {'bytes-done': self.dbus.UInt64(done), 'bytes-total': self.dbus.UInt64(total)}
        self.call(path, 'SetState', self.dbus.UInt32(state),
                  self.dbus.Dictionary(d, signature='sv'))

    def prompt(self, path):
        return self.obj(path).Get(OFFER_IFACE, 'Prompt', dbus_interface=PROPS)

    def agent_now(self):
        return int(self.obj('/org/otaux/Agent/Testing').Get('org.otaux.Testing1', 'Now',
                                                             dbus_interface=PROPS))

    def set_time(self, t):
        self.obj('/org/otaux/Agent/Testing').SetTime(self.dbus.Int64(t),
                                                     dbus_interface='org.otaux.Testing1')

    def sync_clock(self):
        self.set_time(int(time.time()))

    def wait_kind(self, path, kinds):
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        return wait_for(lambda: str(self.prompt(path).get('kind', '')) in kinds and
                        str(self.prompt(path)['kind']), 'a prompt of kind %s' % '/'.join(kinds))

    # -- pictures ------------------------------------------------------------

    def layout(self, serial, kind, suffix, after):
        path = os.path.join(self.out, '%s-%s%s.json' % (serial, kind, suffix))

        def ready():
            try:
                if os.stat(path).st_mtime < after:
                    return None
                with open(path) as f:
                    return json.load(f)
            except (OSError, ValueError):
                return None
        if not self.prompter.alive():
            raise RuntimeError('the prompter exited')
        return wait_for(ready, path)

    def notifications(self):
        return self.dbus.Interface(self.bus.get_object(NOTIFY_NAME, NOTIFY_PATH),
                                   'org.freedesktop.Notifications')

    def dunst_window(self):
        rc, out = xdotool('search', '--onlyvisible', '--class', 'Dunst')
        return out.split()[0] if rc == 0 and out else None

    def notify(self, path, prompt, name):
        """Shows the prompt as the agent's notification presenter does and
        saves dunst's window."""
        d = self.dbus
        n = self.notifications()
        if self.notification_id:
            n.CloseNotification(d.UInt32(self.notification_id))
            wait_for(lambda: self.dunst_window() is None, 'the last notification to close')
        parts = []
        for key in ('message', 'body', 'warning'):
            text = str(prompt.get(key, ''))
            if self.markup:
                text = str(prompt.get(key + '-markup', '')) or \
                    text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            if text:
                parts.append(text)
        actions = []
        for cid, label in prompt.get('choices', []):
            actions += [str(cid), str(label)]
        urgency = {'low': 0, 'normal': 1, 'critical': 2}.get(str(prompt.get('urgency')), 1)
        hints = {'urgency': d.Byte(urgency), 'category': d.String('device')}
        if int(prompt.get('progress', -1)) >= 0:
            hints['value'] = d.Int32(int(prompt['progress']))
        self.notification_id = int(n.Notify(
            'otaux', d.UInt32(0),
            'software-update-urgent' if urgency == 2 else 'software-update-available',
            str(prompt.get('title', '')), '\n'.join(parts), d.Array(actions, signature='s'),
            d.Dictionary(hints, signature='sv'), d.Int32(0)))
        wid = wait_for(self.dunst_window, 'the notification on screen')
        png = os.path.join(self.out, 'notification-%s.png' % name)

        def saved():
            # dunst draws right after it maps: retry until the picture is not blank
            subprocess.run(['import', '-window', wid, png], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            r = subprocess.run(['identify', '-format', '%[fx:standard_deviation]', png],
                               capture_output=True, text=True)
            try:
                return float(r.stdout.strip() or 0) > 0.01
            except ValueError:
                return False
        wait_for(saved, 'a picture of the notification', interval=0.2)
        return os.path.basename(png)

    def screen(self, path, kinds, after, suffix='', notify=True):
        """Waits for the prompter to draw the offer's prompt; records both pictures."""
        kind = self.wait_kind(path, kinds)
        serial = path.rsplit('/', 1)[1]
        lay = self.layout(serial, kind, suffix, after)
        prompt = self.prompt(path)
        entry = {'offer': int(serial), 'kind': kind + suffix, 'title': lay['title'],
                 'prompter': '%s-%s%s.png' % (serial, kind, suffix),
                 'buttons': [b['label'] for b in lay['buttons']], 'notification': None}
        if notify:
            entry['notification'] = self.notify(path, prompt, '%s-%s' % (serial, kind))
        say('  %-22s %s' % (entry['prompter'], lay['title']))
        self.index.append(entry)
        return lay

    def click(self, lay, choice):
        rc, out = xdotool('search', '--onlyvisible', '--class', 'otaux-prompter')
        wid = out.split()[0] if rc == 0 and out else None
        if wid is None:
            raise RuntimeError('no prompter window on screen')
        rc, out = xdotool('getwindowgeometry', '--shell', wid)
        vals = dict(line.split('=', 1) for line in out.splitlines() if '=' in line)
        for b in lay['buttons']:
            if b['id'] == choice:
                xdotool('mousemove', int(vals['X']) + b['x'] + b['width'] // 2,
                        int(vals['Y']) + b['y'] + b['height'] // 2)
                xdotool('click', 1)
                return
        raise RuntimeError('no button %s on screen' % choice)

    def keep(self, path, kind):
        kept = {}
        for ext in ('.png', '.json'):
            f = os.path.join(self.out, '%s-%s%s' % (path.rsplit('/', 1)[1], kind, ext))
            with open(f, 'rb') as fd:
                kept[f] = fd.read()
        return kept

    def restore(self, kept):
        for f, data in kept.items():
            with open(f + '.tmp', 'wb') as fd:
                fd.write(data)
            os.replace(f + '.tmp', f)

    def choices(self, path):
        return [str(c[0]) for c in self.prompt(path).get('choices', [])]

    # -- the walk ------------------------------------------------------------

    def delay_and_wait(self, path, lead):
        """Delays the reboot to `lead` s (+3) from now and lets 3 s pass, so
        that what is due `lead` s before the reboot is due now, with real
        time left on the prompter's count-down."""
        self.sync_clock()
        reboot_at = self.agent_now() + lead + 3
        self.answer(path, 'delay-reboot', reboot_at)
        return reboot_at

    def walk(self):
        p = self.policy
        reminders = [seconds(x) for x in p.get('delay.reminders', '').split()]
        final_warning = seconds(p.get('delay.final-warning', '0'))
        extra = {'message': self.message} if self.message else {}

        # The charge warning: roaming, unless the policy holds roaming offers back.
        link = {'roaming': True}
        if p.get('roaming.present') == 'no' or p.get('roaming.download') == 'no':
            link = {'metered': True, 'cellular': True}
        say('1. a high-priority update offered (%s), with release notes' %
            ' + '.join(sorted(link)))
        t = time.time()
        a = self.offer(id='otaux-preview-1', name='Contoso Phone OS', version='2.1.0',
                       priority='high', size=48 * MB, **link, **{
                           'needs-reboot': True, 'install-seconds': 600,
                           'release-notes': 'Security fixes of November.\n'
                                            'Better battery life on standby.\n'
                                            'Calls over Wi-Fi in more countries.'}, **extra)
        self.screen(a, 'download', t)
        self.sync_clock()
        t = time.time()
        self.answer(a, 'accept')
        self.layout(a.rsplit('/', 1)[1], 'progress', '', t)
        t = time.time()
        self.set_state(a, 30, 45 * 48 * MB // 100, 48 * MB)
        self.screen(a, 'progress', t)

        say('2. downloaded: the install question, with the operator\'s message')
        t = time.time()
        self.set_state(a, 40)
        lay = self.screen(a, 'install', t)
        if 'delay-reboot' in self.choices(a):
            t = time.time()
            self.click(lay, 'delay-reboot')
            self.screen(a, 'install', t, suffix='-delay', notify=False)
            delay_max = int(self.prompt(a).get('delay-max', 0))
            fits = [r for r in reminders if r > final_warning and
                    (delay_max <= 0 or self.agent_now() + r + 3 <= delay_max)]
            lead = fits[0] if fits else max(final_warning, 60)
            t = time.time()
            reboot_at = self.delay_and_wait(a, lead)
            self.screen(a, 'delayed', t)
            if fits:
                wait_for(lambda: time.time() >= reboot_at - lead, 'the reminder time',
                         timeout=10)
                t = time.time()
                self.sync_clock()
                self.screen(a, 'reminder', t)
            if final_warning > 0:
                now = self.agent_now()
                delay_max = int(self.prompt(a).get('delay-max', 0))
                if 'delay-reboot' in self.choices(a) and \
                        (delay_max <= 0 or now + final_warning + 3 <= delay_max):
                    # A short delay redraws the delayed screen: keep the first.
                    kept = self.keep(a, 'delayed')
                    t = time.time()
                    reboot_at = self.delay_and_wait(a, final_warning)
                    self.layout(a.rsplit('/', 1)[1], 'delayed', '', t)
                    wait_for(lambda: time.time() >= reboot_at - final_warning,
                             'the final warning time', timeout=10)
                    self.sync_clock()
                    self.restore(kept)
                else:
                    self.set_time(reboot_at - final_warning)
                t = time.time()
                self.screen(a, 'final-warning', t)
            t = time.time()
            self.set_time(max(reboot_at, self.agent_now()))
        else:
            say('  (the policy offers no delay)')
            t = time.time()
            self.answer(a, 'accept')
        self.screen(a, 'pending', t)

        say('3. installing, then success')
        t = time.time()
        self.set_state(a, 60)
        self.screen(a, 'installing', t)
        t = time.time()
        self.call(a, 'Finish', self.dbus.UInt32(200))
        self.screen(a, 'result', t)
        self.call(a, 'Withdraw')

        say('4. a forced update, then a failure (result 402)')
        self.sync_clock()
        t = time.time()
        b = self.offer(id='otaux-preview-2', name='Contoso Modem', version='7.3',
                       priority='high', size=12 * MB, forced=True, state=40,
                       **{'needs-reboot': True, 'install-seconds': 90}, **extra)
        self.screen(b, ('forced', 'install', 'download'), t)
        t = time.time()
        self.call(b, 'Finish', self.dbus.UInt32(402))
        self.screen(b, 'result', t)
        self.call(b, 'Withdraw')

        with open(os.path.join(self.out, 'preview.json'), 'w') as f:
            json.dump({'locale': self.opt.locale, 'lc_all': self.lenv.get('LC_ALL', ''),
                       'geometry': GEOMETRY, 'screens': self.index}, f, indent=2,
                      ensure_ascii=False)
            f.write('\n')


def main():
    opt = parse_args(sys.argv[1:])
    if os.environ.get('OTAUX_PREVIEW_INSIDE') != '1':
        reexec(opt)
    pv = Preview(opt)
    try:
        pv.setup()
        pv.walk()
    except Exception as e:  # noqa: BLE001 - report any failure plainly
        fail('failed: %s' % e)
    finally:
        pv.close()
    say('%d screens in %s (preview.json lists them)' % (len(pv.index), pv.out))


if __name__ == '__main__':
    main()
