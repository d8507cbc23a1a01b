#!/usr/bin/python3
"""The REAL agent (OTAUX_AGENT) against four real notification servers from
Debian, one test each, on a private X server and session bus whose
configuration has no service folders (tests/ui/session.conf: an installed
dunst is never D-Bus-activated by accident):

  dunst                  dunst -config FILE (dunstctl tells what it shows)
  notification-daemon    /usr/lib/notification-daemon/notification-daemon
  xfce4-notifyd          /usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd
  notify-osd             /usr/lib/x86_64-linux-gnu/notify-osd

Each test offers low, medium and high, finishes one offer, takes
screenshots (<artifacts>/servers/<server>/), checks what is on screen, and
where the server shows buttons clicks one with a real xdotool click on the
server's window and sees Decided. A server that is not installed is skipped,
and the test says so.

Usage: test-servers.py PROMPTER ARTIFACT_DIR [TEST...]"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
import uitest  # noqa: E402
from uitest import log  # noqa: E402

uitest.reexec_under_xvfb(os.path.join(HERE, 'session.conf'))

try:
    import dbus  # noqa: E402
    from gi.repository import GLib  # noqa: E402
except ImportError as e:
    print('1..0 # SKIP %s' % e, flush=True)
    sys.exit(uitest.SKIP)
import otauxtest  # noqa: E402  (sets the GLib main loop for dbus-python)

PROMPTER = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
ONLY = sys.argv[3:]
NOTIFY_NAME = 'org.freedesktop.Notifications'
NOTIFY_PATH = '/org/freedesktop/Notifications'

DUNSTRC = '''[global]
    origin = top-right
    offset = 10x10
    width = (300, 420)
    markup = full
    format = "<b>%s</b>\\n%b"
    mouse_left_click = do_action, close_current
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
'''


def wait(pred, timeout=10.0, what='a condition'):
    """pred() after every D-Bus event and every 200 ms, until true."""
    return otauxtest.wait_until(pred, timeout, what)


def has_owner(bus, name):
    return bool(bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus')
                .NameHasOwner(name, dbus_interface='org.freedesktop.DBus'))


def visible_windows():
    """(id, WM_CLASS, title) of every visible top-level window."""
    rc, out = uitest.xdotool('search', '--onlyvisible', '--name', '.*')
    wins = []
    for wid in (out.split() if rc == 0 else []):
        r = uitest.x_client(['xprop', '-id', wid, 'WM_CLASS', '_NET_WM_NAME', 'WM_NAME'])
        cls, name = '', ''
        for line in r.stdout.splitlines():
            if line.startswith('WM_CLASS') and '=' in line:
                cls = line.split('=', 1)[1].strip()
            elif '=' in line and not name:
                name = line.split('=', 1)[1].strip().strip('"')
        wins.append((wid, cls, name))
    return wins


def windows_of(class_part):
    return [w for w in visible_windows() if class_part.lower() in w[1].lower()]


def geometry(wid):
    rc, out = uitest.xdotool('getwindowgeometry', '--shell', wid)
    vals = dict(line.split('=', 1) for line in out.splitlines() if '=' in line)
    return int(vals['X']), int(vals['Y']), int(vals['WIDTH']), int(vals['HEIGHT'])


NOTIFIES = []
FILTER = []


def on_message(bus, msg):
    if msg.get_member() == 'Notify' and msg.get_interface() == NOTIFY_NAME:
        args = msg.get_args_list()
        NOTIFIES.append({'icon': str(args[2]), 'summary': str(args[3]),
                         'actions': [str(a) for a in args[5]],
                         'hints': otauxtest.plain(args[6]), 'timeout': int(args[7])})


class Ctx:
    def __init__(self, name):
        self.name = name
        self.bus = dbus.SessionBus()
        self.shots = os.path.join(ARTIFACTS, 'servers', name.replace('test_', ''))
        shutil.rmtree(self.shots, ignore_errors=True)
        os.makedirs(self.shots)
        self.tmp = tempfile.mkdtemp(prefix='otaux-servers-')
        self.server = None
        self.server_log = os.path.join(self.tmp, 'server.log')
        self.agent = None
        self.n_shots = 0
        self.shown = otauxtest.PrompterShown(self.bus)
        # every Notify the agent sends (the test bus lets us eavesdrop)
        NOTIFIES.clear()
        self.notifies = NOTIFIES
        if not FILTER:
            self.bus.add_match_string("eavesdrop='true',type='method_call',"
                                      "interface='org.freedesktop.Notifications',member='Notify'")
            self.bus.add_message_filter(on_message)
            FILTER.append(True)

    def notified(self, pred, what):
        found = []

        def look():
            found[:] = [n for n in self.notifies if pred(n)]
            return bool(found)
        wait(look, 10, what)
        return found[-1]

    def start_server(self, argv):
        if shutil.which(argv[0]) is None and not os.access(argv[0], os.X_OK):
            raise otauxtest.Skip('%s is not installed (its Debian package is missing)' % argv[0])
        # There is no window manager: say where the desktop is, as one would
        # (notification-daemon stacks its bubbles in the work area).
        r = uitest.x_client(['xprop', '-root', '-f', '_NET_WORKAREA', '32c', '-set',
                             '_NET_WORKAREA', '0, 0, 1280, 1024'])
        assert r.returncode == 0, r.stderr
        for attempt in (1, 2):
            log('start', ' '.join(argv))
            with open(self.server_log, 'w') as f:
                self.server = subprocess.Popen(argv, env=uitest.gui_env(), stdout=f,
                                               stderr=subprocess.STDOUT)
            wait(lambda: has_owner(self.bus, NOTIFY_NAME) or self.server.poll() is not None, 15,
                 '%s on the bus' % argv[0])
            with open(self.server_log) as f:
                out = f.read()
            # Its own X connection refused (see uitest.x_client): once more.
            if self.server.poll() is None or attempt == 2 or 'display' not in out.lower():
                break
            log('%s exited at start: %s' % (argv[0], out.strip()))
        assert self.server.poll() is None, '%s exited at start: %s' % (argv[0], out)
        info = dbus.Interface(self.bus.get_object(NOTIFY_NAME, NOTIFY_PATH), NOTIFY_NAME)
        log('server:', [str(x) for x in info.GetServerInformation()],
            'capabilities:', [str(c) for c in info.GetCapabilities()])

    def start_agent(self):
        env = uitest.gui_env({
            'OTAUX_PROMPTER': PROMPTER,
            'OTAUX_PROMPTER_ARGS': '--idle-timeout 30 --geometry 360x720 --screenshot-dir '
                                   + shlex.quote(self.shots),
        })
        env.pop('ASAN_OPTIONS', None) if 'ASAN_OPTIONS' not in os.environ else \
            env.update(ASAN_OPTIONS=os.environ['ASAN_OPTIONS'])
        self.agent = otauxtest.Agent(os.path.join(self.tmp, 'state'), [], env)
        self.agent.start()

    def offer(self, priority, name):
        return self.agent.offer(id='fw-' + priority, priority=priority, name=name,
                                version='2.1.0', size=48 * 1000 * 1000)

    def offer_three(self, medium_first=False):
        names = {'low': 'Contoso Modem', 'medium': 'Contoso Camera', 'high': 'Contoso Phone OS'}
        order = ['medium', 'low', 'high'] if medium_first else ['low', 'medium', 'high']
        paths = {p: self.offer(p, names[p]) for p in order}
        return paths['low'], paths['medium'], paths['high']

    def finish_one(self, path):
        """The updater downloads and installs the low offer: a success."""
        self.agent.answer(path, 'accept')
        self.agent.signals.wait('Decided', path)
        self.agent.finish(path, 200)
        n = self.notified(lambda n: n['hints'].get('x-otaux-offer') == path and
                          n['icon'] == 'otaux-update-done', 'the success notification')
        log('success:', n)
        assert n['hints'].get('urgency') == 1 and n['timeout'] > 0, n
        settle()

    def screenshot(self, what):
        self.n_shots += 1
        path = os.path.join(self.shots, '%02d-%s.png' % (self.n_shots, what))
        r = uitest.x_client(['import', '-window', 'root', path])
        assert r.returncode == 0, r.stderr
        log('screenshot', path)
        return path

    def popup_window(self, path):
        """The pop-up's window, once the prompter says its question is drawn."""
        self.shown.wait(path)
        title = self.agent.prop(path, 'Prompt')['title']
        return uitest.find_window(uitest.ere(title), 15), title

    def close(self):
        self.shown.match.remove()
        if self.agent is not None:
            if self.agent.proc is not None:
                self.agent.stop()
            self.agent.close()
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.server is not None:
            wait(lambda: not has_owner(self.bus, NOTIFY_NAME), 10, 'the server to go')
        if has_owner(self.bus, 'org.otaux.Prompter'):
            pid = int(self.bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus')
                      .GetConnectionUnixProcessID('org.otaux.Prompter',
                                                  dbus_interface='org.freedesktop.DBus'))
            os.kill(pid, 15)
            wait(lambda: not has_owner(self.bus, 'org.otaux.Prompter'), 10, 'the prompter to go')
        shutil.rmtree(self.tmp, ignore_errors=True)


def settle():
    """Waits until the set of visible windows and their sizes stays the same
    for two looks in a row (the server has drawn what it was sent)."""
    last = []

    def same():
        now = [(w, geometry(w[0])) for w in visible_windows()]
        ok = now == last[-1] if last else False
        last.append(now)
        return ok
    uitest.wait_for(same, 10, 'the screen to settle', interval=0.2)


def click_at(x, y):
    log('click at %d,%d' % (x, y))
    uitest.xdotool('mousemove', x, y)
    uitest.xdotool('click', 1)


def answer_in_popup(ctx, path):
    wid, _ = ctx.popup_window(path)
    lay = uitest.read_layout(ctx.shots, path.rsplit('/', 1)[1], ctx.agent.prompt_kind(path))
    uitest.click_button(wid, lay, 'cancel')
    decision, details = ctx.agent.signals.wait('Decided', path)
    assert decision == 'cancel' and details['reason'] == 'user', (decision, details)
    if ctx.agent.prop(path, 'Prompt').get('presentation') != 'popup':
        return
    # the pop-up says what happened; the person closes it
    serial = path.rsplit('/', 1)[1]
    lay = uitest.read_layout(ctx.shots, serial, 'result')
    wid, title = ctx.popup_window(path)
    uitest.click_button(wid, lay, 'close')
    uitest.no_visible_window(uitest.ere(title), 10)


# ---- dunst ----------------------------------------------------------------------

def dunst_count(what='displayed'):
    r = subprocess.run(['dunstctl', 'count', what], capture_output=True, text=True)
    return int(r.stdout.strip() or -1)


def test_dunst(ctx):
    rc = os.path.join(ctx.tmp, 'dunstrc')
    with open(rc, 'w') as f:
        f.write(DUNSTRC)
    ctx.start_server(['dunst', '-config', rc])
    ctx.start_agent()
    low, medium, high = ctx.offer_three()
    ctx.popup_window(high)
    # low and medium as notifications; high only in the pop-up (issue 9 A.1)
    wait(lambda: dunst_count() == 2, 10, 'dunst showing two notifications')
    ctx.screenshot('three-offers')
    ctx.finish_one(low)
    wait(lambda: dunst_count() == 2, 10, 'the success notification in place of the low one')
    ctx.screenshot('low-finished')
    # a real click on dunst's window runs "default": the medium question's pop-up
    answer_in_popup(ctx, high)
    wins = windows_of('dunst')
    assert wins, visible_windows()
    x, y, w, h = geometry(wins[0][0])
    ctx.screenshot('before-click')
    click_at(x + w // 2, y + 20)  # the newest (top): the medium question
    wid, _ = ctx.popup_window(medium)
    ctx.screenshot('medium-popup-from-click')
    answer_in_popup(ctx, medium)
    with open(ctx.server_log) as f:
        out = f.read()
    assert 'No icon found' not in out, out  # issue 9 A.9


# ---- notification-daemon ----------------------------------------------------------

def click_button_at(ctx, wid, path, where):
    """A real click on a button of the server's window, at where(x, y, w, h)
    (each server lays its buttons out its own way); returns Decided."""
    geo = geometry(wid)
    log('server window', wid, geo)
    click_at(*where(*geo))
    return ctx.agent.signals.wait('Decided', path, timeout=5)


def buttons_test(ctx, argv, klass, where, n_windows, medium_first=False):
    ctx.start_server(argv)
    ctx.start_agent()
    low, medium, high = ctx.offer_three(medium_first)
    n = ctx.notified(lambda n: n['hints'].get('x-otaux-offer') == medium, 'the medium Notify')
    log('medium Notify:', n)
    try:
        # Before waiting for the pop-up (slow under ASan): the low one is
        # transient, and goes at the server's own time-out.
        wait(lambda: len(windows_of(klass)) >= n_windows, 10,
             '%d %s window(s)' % (n_windows, klass))
        ctx.popup_window(high)
        settle()
    finally:
        ctx.screenshot('three-offers')
        log('windows', visible_windows())
    # the medium question, the newest notification: its window has the buttons
    wins = sorted(windows_of(klass), key=lambda w: geometry(w[0])[3])
    decision, details = click_button_at(ctx, wins[-1][0], medium, where)
    assert details['reason'] == 'user', details
    assert decision == 'accept', decision
    log('decided by a click on the server window:', decision)
    settle()
    ctx.screenshot('medium-clicked')
    ctx.finish_one(low)
    ctx.screenshot('low-finished')
    answer_in_popup(ctx, high)
    settle()
    ctx.screenshot('high-answered')
    return n


def test_notification_daemon(ctx):
    # Without a window manager it shows one notification at a time (the others
    # wait): the medium question is offered first. Its buttons sit at the
    # bottom right, Download first.
    buttons_test(ctx, ['/usr/lib/notification-daemon/notification-daemon'], 'notification-daemon',
                 lambda x, y, w, h: (x + w - 208, y + h - 37), 1, medium_first=True)


def test_xfce4_notifyd(ctx):
    # right-aligned buttons: Download, then Skip this update
    n = buttons_test(ctx, ['/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd'],
                     'xfce4-notifyd', lambda x, y, w, h: (x + w - 197, y + h - 30), 2)
    # it would show "default" as a third button labelled with its text
    assert 'default' not in n['actions'][0::2], n


# ---- notify-osd -------------------------------------------------------------------

def test_notify_osd(ctx):
    ctx.start_server(['/usr/lib/x86_64-linux-gnu/notify-osd'])
    ctx.start_agent()
    low, medium, high = ctx.offer_three()
    wid, title = ctx.popup_window(high)
    ctx.notified(lambda n: n['hints'].get('x-otaux-offer') == medium, 'the medium Notify')
    settle()
    ctx.screenshot('three-offers')
    # no actions, no time-out 0: notify-osd would turn either into a dialog box
    for n in ctx.notifies:
        assert n['actions'] == [] and n['timeout'] != 0, n
    wins = visible_windows()
    log('windows', wins)
    # exactly one question on screen: the pop-up (no notify-osd dialog box)
    questions = [w for w in wins if 'otaux-prompter' in w[1].lower() or
                 'dialog' in w[1].lower() or 'notify-osd' in w[1].lower() and
                 ('OK' in w[2] or 'Cancel' in w[2])]
    assert len([w for w in wins if 'otaux-prompter' in w[1].lower()]) == 1, wins
    assert len(questions) == 1, wins
    ctx.finish_one(low)
    ctx.screenshot('low-finished')
    answer_in_popup(ctx, high)
    answer_in_popup(ctx, medium)  # no actions on notify-osd: the medium question is a pop-up
    ctx.screenshot('answered')


TESTS = [test_dunst, test_notification_daemon, test_xfce4_notifyd, test_notify_osd]

if __name__ == '__main__':
    os.makedirs(ARTIFACTS, exist_ok=True)
    sys.exit(uitest.run_tests(TESTS, Ctx, ONLY, skip=otauxtest.Skip))
