"""Helpers for the otaux integration tests (run with /usr/bin/python3).

Each test runs under dbus-run-session (a private session bus). Agent
starts the real otaux-agent ($OTAUX_AGENT) with a temporary state dir
and waits for its bus name; Signals records every signal the agent sends
and waits for one with a timeout; run() prints TAP.

Waiting is always on an event (a signal, a child exit, a timer that is
itself the thing under test) with a bound, never on a guessed sleep.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)

AGENT_NAME = 'org.otaux.Agent'
AGENT_PATH = '/org/otaux/Agent'
AGENT_IFACE = 'org.otaux.Agent1'
OFFER_IFACE = 'org.otaux.Offer1'
PROPS_IFACE = 'org.freedesktop.DBus.Properties'
ERR = 'org.otaux.Error.'
SKIP_EXIT = 77

# The Offer keys and their D-Bus types (docs/dbus-api.md).
OFFER_KEYS = {
    'id': dbus.String, 'name': dbus.String, 'version': dbus.String,
    'priority': dbus.String, 'size': dbus.UInt64, 'url': dbus.String,
    'state': dbus.UInt32, 'silent': dbus.Boolean, 'forced': dbus.Boolean,
    'roaming': dbus.Boolean, 'needs-reboot': dbus.Boolean, 'restart-only': dbus.Boolean,
    'asks-restart': dbus.Boolean,
    'release-notes': dbus.String, 'message': dbus.String,
    'deadline': dbus.Int64, 'install-seconds': dbus.UInt32,
    'correlator': dbus.String,
    'install-message': dbus.String,
}


class Skip(Exception):
    pass


class Timeout(AssertionError):
    pass


def now():
    return int(time.time())


def wait_until(pred, timeout=10.0, what='a condition', interval=0.2):
    """Runs the GLib main loop until pred() is true and returns its value;
    fails after timeout. pred() runs after every event and at least every
    @interval seconds: some conditions (a window, a file, a process) come
    with no D-Bus message to wake us."""
    expired = []

    def on_timeout():
        expired.append(True)
        return False
    tid = GLib.timeout_add(int(timeout * 1000), on_timeout)
    tick = GLib.timeout_add(int(interval * 1000), lambda: True)
    ctx = GLib.MainContext.default()
    try:
        while True:
            v = pred()
            if v:
                return v
            if expired:
                raise Timeout(f'timed out after {timeout} s waiting for {what}')
            ctx.iteration(True)
    finally:
        GLib.source_remove(tick)
        if not expired:
            GLib.source_remove(tid)


def wait_until_time(t, what='a time'):
    """Waits until the wall clock passes unix time t (a deadline under test)."""
    delay = t - time.time()
    if delay > 0:
        done = []
        GLib.timeout_add(int(delay * 1000) + 50, lambda: done.append(True) and False)
        wait_until(lambda: done and time.time() > t, delay + 5, what)


def plain(v):
    """dbus-python values to plain Python values."""
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.String, dbus.ObjectPath)):
        return str(v)
    if isinstance(v, (int,)):
        return int(v)
    if isinstance(v, dbus.Dictionary) or isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (dbus.Array, dbus.Struct, list, tuple)):
        return [plain(x) for x in v]
    return v


def package(**kw):
    """An Offer a{sv}; keys use '_' for '-'; raw dbus values pass unchanged."""
    d = {}
    for k, v in kw.items():
        key = k.replace('_', '-')
        if isinstance(v, (dbus.String, dbus.Int32, dbus.UInt32, dbus.Int64, dbus.UInt64,
                          dbus.Boolean, dbus.Byte, dbus.Double, dbus.Array, dbus.Dictionary,
                          dbus.ObjectPath, dbus.Int16, dbus.Struct)):
            d[key] = v
        else:
            d[key] = OFFER_KEYS[key](v)
    return dbus.Dictionary(d, signature='sv')


def dbus_error(fn, /, *args, **kw):
    """Calls fn; returns the D-Bus error name it raised, or None."""
    try:
        fn(*args, **kw)
    except dbus.exceptions.DBusException as e:
        return e.get_dbus_name()
    return None


def expect_error(name, fn, /, *args, **kw):
    got = dbus_error(fn, *args, **kw)
    if isinstance(name, str):
        name = (name,)
    assert got in name, f'expected {" or ".join(name)}, got {got}'
    return got


class PrompterShown:
    """Records the pop-up prompter's Shown(o offer) signals, whichever process
    owns org.otaux.Prompter. The prompter sends Shown after the question's
    first painted frame, so a picture of the screen taken after wait() shows
    the question (a mapped window is not yet a drawn one)."""

    def __init__(self, bus):
        self.shown = []
        self.match = bus.add_signal_receiver(
            lambda offer: self.shown.append(str(offer)), signal_name='Shown',
            dbus_interface='org.otaux.Prompter1', path='/org/otaux/Prompter')

    def wait(self, offer, timeout=30.0):
        wait_until(lambda: offer in self.shown, timeout,
                   'the pop-up of %s drawn (Prompter1.Shown)' % offer)


class Signals:
    """Records every signal from the agent; wait() takes the first match."""

    def __init__(self, bus):
        self.events = []
        self.match = bus.add_signal_receiver(
            self._on, bus_name=AGENT_NAME, path_keyword='path',
            member_keyword='member', interface_keyword='iface')

    def _on(self, *args, path=None, member=None, iface=None):
        self.events.append((iface, str(member), str(path), [plain(a) for a in args]))

    def find(self, member, path=None, pred=None):
        for ev in self.events:
            if ev[1] == member and (path is None or ev[2] == path) and (pred is None or pred(ev[3])):
                return ev
        return None

    def wait(self, member, path=None, pred=None, timeout=10.0):
        """Waits for (and consumes) the first matching signal; returns its args."""
        found = []

        def ready():
            ev = self.find(member, path, pred)
            if ev:
                found.append(ev)
            return bool(ev)
        wait_until(ready, timeout, f'signal {member} on {path}')
        self.events.remove(found[0])
        return found[0][3]

    def changed(self, path, prop, value=None, timeout=10.0):
        """Waits for PropertiesChanged of prop on path (with value, if given)."""
        def pred(args):
            return prop in args[1] and (value is None or args[1][prop] == value)
        return self.wait('PropertiesChanged', path, pred, timeout)[1][prop]

    def clear(self, agent):
        """Forgets every signal sent so far: a call to the agent, whose reply
        comes after every signal it sent before, then dispatch what is queued."""
        agent.alive()
        ctx = GLib.MainContext.default()
        while ctx.pending():
            ctx.iteration(False)
        self.events.clear()


class Agent:
    """The real otaux-agent on the test's private session bus."""

    def __init__(self, state_dir=None, args=(), env=None, bus=None):
        self.args = list(args)  # more otaux-agent options
        self.env = env          # its environment (None: ours)
        self.exe = os.environ.get('OTAUX_AGENT')
        if not self.exe:
            raise Skip('OTAUX_AGENT is not set')
        self.own_dir = state_dir is None
        self.state_dir = state_dir or tempfile.mkdtemp(prefix='otaux-test-')
        self.bus = bus or dbus.SessionBus()  # another bus: the system instance's tests
        self.proc = None
        self.status = None
        self.owner = ''
        self.bus.add_signal_receiver(self._owner_changed, 'NameOwnerChanged',
                                     'org.freedesktop.DBus', 'org.freedesktop.DBus',
                                     '/org/freedesktop/DBus', arg0=AGENT_NAME)
        self.signals = Signals(self.bus)

    def _owner_changed(self, name, old, new):
        self.owner = str(new)

    def _exited(self, pid, status):
        self.status = status

    def start(self, timeout=15):
        assert self.proc is None, 'agent already running'
        self.status = None
        args = [self.exe, '--state-dir', self.state_dir] + self.args
        if os.environ.get('OTAUX_TEST_VERBOSE'):
            args.append('--verbose')
        self.proc = subprocess.Popen(args, env=self.env)
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.proc.pid, self._exited)
        wait_until(lambda: self.owner or self.status is not None, timeout,
                   f'{AGENT_NAME} on the bus')
        assert self.status is None, f'the agent exited at start (wait status {self.status})'
        return self

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Sends sig and waits for the exit and for the name to go; returns the exit code."""
        assert self.proc is not None, 'agent not running'
        self.proc.send_signal(sig)
        wait_until(lambda: self.status is not None and not self.owner, timeout,
                   'the agent to exit')
        self.proc = None
        if os.WIFEXITED(self.status):
            return os.WEXITSTATUS(self.status)
        return -os.WTERMSIG(self.status)

    def kill(self):
        return self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        return self.start()

    def close(self):
        if self.proc is not None:
            self.stop(signal.SIGKILL)
        if self.own_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    # -- calls ----------------------------------------------------------------

    def obj(self, path=AGENT_PATH):
        return self.bus.get_object(AGENT_NAME, path, introspect=False)

    def agent(self):
        return dbus.Interface(self.obj(), AGENT_IFACE)

    def offer_iface(self, path):
        return dbus.Interface(self.obj(path), OFFER_IFACE)

    def call(self, path, iface, method, signature, *args):
        """A raw call with an explicit signature (for wrong-signature tests)."""
        return self.bus.call_blocking(AGENT_NAME, path, iface, method, signature, args)

    def offer(self, **kw):
        return str(self.agent().Offer(package(**kw)))

    def get_offer(self, pkg_id):
        return str(self.agent().GetOffer(pkg_id))

    def offers(self):
        return plain(self.obj().Get(AGENT_IFACE, 'Offers', dbus_interface=PROPS_IFACE))

    def agent_props(self):
        return plain(self.obj().GetAll(AGENT_IFACE, dbus_interface=PROPS_IFACE))

    def limits(self):
        return self.agent_props()['Limits']

    def props(self, path):
        return plain(self.obj(path).GetAll(OFFER_IFACE, dbus_interface=PROPS_IFACE))

    def prop(self, path, name):
        return plain(self.obj(path).Get(OFFER_IFACE, name, dbus_interface=PROPS_IFACE))

    def prompt_kind(self, path):
        return self.prop(path, 'Prompt').get('kind', '')

    def choices(self, path):
        return [c[0] for c in self.prop(path, 'Prompt').get('choices', [])]

    def set_state(self, path, state, **details):
        d = {k.replace('_', '-'): dbus.UInt64(v) for k, v in details.items()}
        self.offer_iface(path).SetState(dbus.UInt32(state), dbus.Dictionary(d, signature='sv'))

    def finish(self, path, result):
        self.offer_iface(path).Finish(dbus.UInt32(result))

    def finish_with_details(self, path, result, details):
        """FinishWithDetails; details: a dict of raw dbus values or str."""
        d = {k: (v if isinstance(v, dbus.String) or not isinstance(v, str) else dbus.String(v))
             for k, v in details.items()}
        self.offer_iface(path).FinishWithDetails(dbus.UInt32(result),
                                                 dbus.Dictionary(d, signature='sv'))

    def withdraw(self, path):
        self.offer_iface(path).Withdraw()

    def answer(self, path, choice, reboot_at=None, details=None):
        d = dict(details or {})
        if reboot_at is not None:
            d['reboot-at'] = dbus.Int64(reboot_at)
        self.offer_iface(path).Answer(choice, dbus.Dictionary(d, signature='sv'))

    def introspect(self, path=AGENT_PATH):
        return str(self.obj(path).Introspect(dbus_interface='org.freedesktop.DBus.Introspectable'))

    def alive(self):
        """The agent still answers (Version is 1)."""
        return self.prop_agent('Version') == 1

    def prop_agent(self, name):
        return plain(self.obj().Get(AGENT_IFACE, name, dbus_interface=PROPS_IFACE))


STABLE_PROPS = ('Id', 'Name', 'Version', 'Priority', 'Size', 'Silent', 'Forced', 'Roaming',
                'Correlator', 'State', 'BytesDone', 'BytesTotal', 'Phase', 'Decision',
                'DecisionReason', 'RebootAt', 'Result')


def snapshot(agent):
    """The offers and their properties (Prompt reduced to kind and choices,
    since its delay options move with the clock)."""
    snap = {}
    for path in agent.offers():
        p = agent.props(path)
        s = {k: p.get(k) for k in STABLE_PROPS}
        s['Prompt'] = (p['Prompt'].get('kind'), [c[0] for c in p['Prompt'].get('choices', [])])
        snap[path] = s
    return snap


def run_each(tests, call, skip=Skip):
    """One TAP line a test, in order: call(fn) passes, raises @skip (a
    script may have its own Skip) or fails (its traceback as comments).
    Returns how many failed; the plan line is the caller's."""
    failed = 0
    for i, fn in enumerate(tests, 1):
        try:
            call(fn)
            print(f'ok {i} - {fn.__name__}', flush=True)
        except skip as e:
            print(f'ok {i} - {fn.__name__} # SKIP {e}', flush=True)
        except Exception:
            failed += 1
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
            print(f'not ok {i} - {fn.__name__}', flush=True)
    return failed


def run(tests, setup=None, teardown=None):
    """Runs the test functions in order and prints TAP; exits 0 or 1."""
    print(f'1..{len(tests)}', flush=True)
    failed = 0
    ctx = None
    try:
        ctx = setup() if setup else None
    except Skip as e:
        for i, fn in enumerate(tests, 1):
            print(f'ok {i} - {fn.__name__} # SKIP {e}')
        return 0
    except Exception:
        traceback.print_exc()
        for i, fn in enumerate(tests, 1):
            print(f'not ok {i} - {fn.__name__} # setup failed')
        return 1
    try:
        failed = run_each(tests, (lambda fn: fn(ctx)) if setup else (lambda fn: fn()))
    finally:
        if teardown:
            teardown(ctx)
    return 1 if failed else 0


def main(tests, setup=None, teardown=None):
    sys.exit(run(tests, setup, teardown))
