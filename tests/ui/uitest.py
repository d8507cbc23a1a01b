"""Helpers for the ui tests: a private X server and session bus, the fake
agent, the prompter, xdotool, and bounded waits (never sleep-and-hope).

A test script calls reexec_under_xvfb() first: unless already inside,
it re-runs itself as
    xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- python3 SCRIPT
and exits 77 (skip) when xvfb-run, dbus-run-session or xdotool is missing.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def log(*args):
    print('#', *args, flush=True)


def reexec_under_xvfb(bus_config=None):
    """bus_config: a dbus-daemon config for the private bus (default: the
    session bus's own, with its service directories)."""
    if os.environ.get('OTAUX_UI_TEST_INSIDE') == '1':
        return
    for tool in ('xvfb-run', 'dbus-run-session', 'xdotool', 'Xvfb'):
        if shutil.which(tool) is None:
            print('1..0 # SKIP %s is not installed' % tool, flush=True)
            sys.exit(SKIP)
    env = dict(os.environ)
    env['OTAUX_UI_TEST_INSIDE'] = '1'
    cmd = ['xvfb-run', '-a', '-s', '-screen 0 1280x1024x24',
           'dbus-run-session'] + (['--config-file', bus_config] if bus_config else []) + \
          ['--', sys.executable or '/usr/bin/python3'] + sys.argv
    os.execvpe(cmd[0], cmd, env)


def gui_env(extra=None):
    env = dict(os.environ)
    env.update({
        'GDK_BACKEND': 'x11',
        'GSK_RENDERER': 'cairo',      # no GPU under Xvfb
        'GSETTINGS_BACKEND': 'memory',
        'NO_AT_BRIDGE': '1',
        'GTK_A11Y': 'none',
        'LC_ALL': 'C.UTF-8',
        'G_DEBUG': 'fatal-criticals',
        'TZ': 'UTC',
        'G_MESSAGES_DEBUG': env.get('G_MESSAGES_DEBUG', ''),
    })
    # GTK itself leaks under LeakSanitizer; only the GTK process gets this.
    env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')
    if extra:
        env.update(extra)
    return env


def wait_for(pred, timeout=10.0, what='condition', interval=0.05):
    """Polls pred() until it returns a true value or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError('timed out after %.1fs waiting for %s' % (timeout, what))
        time.sleep(interval)


class Proc:
    def __init__(self, argv, env=None, name=None, stdout=None):
        self.name = name or os.path.basename(argv[0])
        log('start', ' '.join(argv))
        self.p = subprocess.Popen(argv, env=env or gui_env(), stdout=stdout,
                                  stderr=None, text=True)

    def alive(self):
        return self.p.poll() is None

    def wait_exit(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError('%s did not exit within %ss' % (self.name, timeout))

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def name_has_owner(bus, name):
    return bool(bus.NameHasOwner(name, dbus_interface='org.freedesktop.DBus')) \
        if hasattr(bus, 'NameHasOwner') else \
        bool(bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus')
             .NameHasOwner(name, dbus_interface='org.freedesktop.DBus'))


def start_fake_agent():
    p = Proc(['/usr/bin/python3', os.path.join(HERE, 'fake-agent.py')],
             env=dict(os.environ), name='fake-agent', stdout=subprocess.PIPE)
    line = p.p.stdout.readline()
    if line.strip() != 'READY':
        raise AssertionError('fake agent did not start: %r' % line)
    return p


# ---- xdotool ---------------------------------------------------------------

def x_client(argv, timeout=15):
    """Runs an X client (xdotool, xprop, import): a CompletedProcess. A busy
    Xvfb now and then refuses a connection (seen: 1 in some hundreds while
    other X servers start and stop on the machine); that is tried again,
    a few times, and is not what a test tests."""
    for attempt in range(4):
        r = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=timeout)
        if r.returncode == 0 or 'open display' not in r.stderr.lower():
            return r
        log('%s could not reach the X server (attempt %d): %s'
            % (argv[0], attempt + 1, r.stderr.strip()))
    return r


def xdotool(*args, timeout=15):
    r = x_client(['xdotool'] + list(args), timeout=timeout)
    return r.returncode, r.stdout.strip()


def dunst_drawn(timeout=15):
    """Waits until dunst's windows are on screen and keep their size twice
    in a row (dunst resizes while it lays a new notification out)."""
    sizes = []

    def settled():
        rc, out = xdotool('search', '--onlyvisible', '--class', 'Dunst')
        geo = [xdotool('getwindowgeometry', w)[1] for w in out.split()] if out else []
        sizes.append(geo)
        return len(sizes) > 1 and sizes[-1] and sizes[-1] == sizes[-2]
    wait_for(settled, timeout, 'dunst to draw it', interval=0.2)


def click_dunst():
    """A real click on dunst's newest notification (one window for all of
    them, newest at the bottom); returns where it clicked."""
    rc, out = xdotool('search', '--onlyvisible', '--class', 'Dunst')
    wid = out.split()[0]
    rc, geo = xdotool('getwindowgeometry', '--shell', wid)
    g = dict(line.split('=', 1) for line in geo.splitlines() if '=' in line)
    x = int(g['X']) + int(g['WIDTH']) // 2
    y = int(g['Y']) + int(g['HEIGHT']) - 20
    xdotool('mousemove', x, y)
    xdotool('click', 1)
    return x, y


def screen_picture(path, timeout=15):
    """A picture of the whole screen that is not one flat colour: a window
    that is mapped but not yet drawn is black, so the picture is taken again,
    within the bound, until something is drawn."""
    def drawn():
        r = x_client(['import', '-window', 'root', path])
        if r.returncode != 0 or not os.path.exists(path):
            return False
        spread = subprocess.run(['identify', '-format', '%[fx:standard_deviation]', path],
                                capture_output=True, text=True)
        return spread.returncode == 0 and float(spread.stdout or 0) > 0.01
    wait_for(drawn, timeout, 'a drawn picture of the screen (%s)' % path, interval=0.2)
    return path


def ere(text):
    """text as an anchored POSIX extended regex (what xdotool takes)."""
    return '^' + ''.join('\\' + c if c in '.[]()*+?{}|^$\\' else c for c in text) + '$'


def find_window(name, timeout=10):
    """The id of a visible window whose title matches name (a regex)."""
    def look():
        rc, out = xdotool('search', '--onlyvisible', '--name', name)
        return out.split()[0] if rc == 0 and out else None
    return wait_for(look, timeout, 'a visible window named %r' % name, interval=0.1)


def no_visible_window(name, timeout=10):
    def gone():
        rc, out = xdotool('search', '--onlyvisible', '--name', name)
        return rc != 0 or not out
    wait_for(gone, timeout, 'no visible window named %r' % name, interval=0.1)


def window_origin(wid):
    rc, out = xdotool('getwindowgeometry', '--shell', wid)
    vals = dict(line.split('=', 1) for line in out.splitlines() if '=' in line)
    return int(vals['X']), int(vals['Y'])


def click_button(wid, layout, choice_id):
    """A real pointer click in the middle of the button for choice_id."""
    for b in layout['buttons']:
        if b['id'] == choice_id:
            x0, y0 = window_origin(wid)
            x = x0 + b['x'] + b['width'] // 2
            y = y0 + b['y'] + b['height'] // 2
            log('click %s (%s) at %d,%d' % (choice_id, b['label'], x, y))
            # (no --sync: it waits forever when the pointer is already there)
            xdotool('mousemove', x, y)
            xdotool('click', 1)
            return b
    raise AssertionError('no button %r in %s' % (choice_id, [b['id'] for b in layout['buttons']]))


def click_option(wid, layout, option_id):
    """A real click on one of the delay picker's options ("custom": Another time)."""
    for o in layout['options']:
        if o['id'] == option_id:
            x0, y0 = window_origin(wid)
            x, y = x0 + o['x'] + o['width'] // 2, y0 + o['y'] + o['height'] // 2
            log('click option %s (%s) at %d,%d' % (option_id, o['label'], x, y))
            xdotool('mousemove', x, y)
            xdotool('click', 1)
            return o
    raise AssertionError('no option %r in %s' % (option_id, [o['id'] for o in layout['options']]))


def inside(layout, item):
    """item (a button, option or label of the layout) lies wholly in the window."""
    return item['x'] >= 0 and item['y'] >= 0 and \
        item['x'] + item['width'] <= layout['width'] and \
        item['y'] + item['height'] <= layout['height']


def key(wid, keysym):
    xdotool('windowfocus', '--sync', wid)
    xdotool('key', '--clearmodifiers', keysym)


def read_layout(shot_dir, serial, kind, suffix='', after=0.0, timeout=15):
    """Waits for the prompter's <serial>-<kind>.json (written after the PNG)
    newer than `after` and returns it parsed."""
    path = os.path.join(shot_dir, '%s-%s%s.json' % (serial, kind, suffix))

    def ready():
        try:
            if os.stat(path).st_mtime < after:
                return None
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None
    return wait_for(ready, timeout, path)


# ---- running -----------------------------------------------------------------

def run_tests(tests, make_ctx, only=(), skip=()):
    """Runs each test function with a fresh make_ctx(name) (closed after it),
    prints TAP; returns the exit status. An exception of a type in skip
    marks the test skipped."""
    tests = [t for t in tests if not only or t.__name__ in only]
    print('1..%d' % len(tests), flush=True)
    failed = 0
    for i, t in enumerate(tests, 1):
        ctx = make_ctx(t.__name__)
        start = time.monotonic()
        try:
            t(ctx)
            print('ok %d - %s (%.1fs)' % (i, t.__name__, time.monotonic() - start), flush=True)
        except skip as e:
            print('ok %d - %s # SKIP %s' % (i, t.__name__, e), flush=True)
        except Exception:
            failed += 1
            for line in traceback.format_exc().splitlines():
                log(line)
            print('not ok %d - %s' % (i, t.__name__), flush=True)
        finally:
            ctx.close()
    return 1 if failed else 0
