#!/usr/bin/python3
"""The person's session presents the system instance's offers (issue 20 item 2).

The system side is test_system_instance.py's World: a private system bus
with the installed D-Bus policy, python-dbusmock's logind (sessions c1
active and local for the person, c2 inactive, ssh1 remote), and
otaux-agent --system as root. The person's side: an Xvfb of its own (-ac,
so the person's uid may draw on it), a session bus of its own that the
person's uid may use, dunst as the notification server, and the person's
session agent run as the person's uid (setpriv) in logind session c1
($XDG_SESSION_ID, and its PID told to the logind mock so that the system
instance lets it answer). A root updater offers on the system bus; the
question appears in the person's session (dunst, the pop-up), and a real
click (xdotool) is Decided on the system bus.

Needs root (CI runs as root) and Xvfb, dunst, xdotool, import; otherwise
exit 77 (SKIP). The picture of a root updater's question in the person's
session goes to ARTIFACT_DIR/system-follow/.

Usage: test_system_follow.py PROMPTER ARTIFACT_DIR
(env: OTAUX_AGENT, OTAUX_SYSTEM_POLICY)
"""
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
sys.path.insert(0, os.path.join(HERE, '..', 'ui'))

import dbus  # noqa: E402
from gi.repository import GLib  # noqa: E402

import otauxtest  # noqa: E402
from otauxtest import SKIP_EXIT, Agent, PrompterShown, plain, run_each, wait_until  # noqa: E402
import test_system_instance as tsi  # noqa: E402
import uitest  # noqa: E402

PERSON = tsi.PERSON
SYSTEM_OFFERS = '/org/otaux/Agent/System/Offers/'
NOTIFY_IFACE = 'org.freedesktop.Notifications'
LOGIND_SESSION = 'org.freedesktop.login1.Session'

# The person's session bus: the person's uid and root (dunst, the test) on it.
SESSION_CONF = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
'''


class Skip(Exception):
    pass


class NotifyLog:
    """Every Notify and CloseNotification on the person's bus, heard as a
    monitor (BecomeMonitor: root owns the bus daemon)."""

    def __init__(self, address):
        self.calls = []
        self.bus = dbus.bus.BusConnection(address)
        self.bus.add_message_filter(self._filter)
        self.bus.call_blocking('org.freedesktop.DBus', '/org/freedesktop/DBus',
                               'org.freedesktop.DBus.Monitoring', 'BecomeMonitor', 'asu',
                               (['type=method_call,interface=' + NOTIFY_IFACE], 0))

    def _filter(self, bus, msg):
        if msg.get_member() in ('Notify', 'CloseNotification'):
            self.calls.append((msg.get_member(), [plain(a) for a in msg.get_args_list()]))

    def mark(self):
        return len(self.calls)

    def wait_notify(self, text, since=0, timeout=30):
        """The first Notify after @since whose summary or body has @text."""
        found = []

        def seen():
            for member, args in self.calls[since:]:
                if member == 'Notify' and (text in args[3] or text in args[4]):
                    found.append(args)
                    return True
            return False
        wait_until(seen, timeout, f'a notification with {text!r}')
        return found[0]

    def wait_close(self, since=0, timeout=30):
        wait_until(lambda: any(m == 'CloseNotification' for m, _ in self.calls[since:]),
                   timeout, 'CloseNotification')


class SessionAgent(Agent):
    """The person's otaux-agent: as the person's uid, its PID in session c1."""

    def __init__(self, world, uid=None, sid='c1', **kw):
        super().__init__(**kw)
        self.world = world
        self.uid = PERSON if uid is None else uid
        self.sid = sid

    def start(self, timeout=30):
        assert self.proc is None, 'agent already running'
        self.status = None
        args = ['setpriv', f'--reuid={self.uid}', f'--regid={self.uid}', '--clear-groups',
                self.exe, '--state-dir', self.state_dir] + self.args
        if os.environ.get('OTAUX_TEST_VERBOSE'):
            args.append('--verbose')
        self.proc = subprocess.Popen(args, env=self.env, cwd='/')
        # setpriv execs the agent: this PID is the agent's, in session c1.
        self.world.set_session_of_pid(self.proc.pid, self.sid)
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.proc.pid, self._exited)
        wait_until(lambda: self.owner or self.status is not None, timeout,
                   'the session agent on the person\'s bus')
        assert self.status is None, f'the session agent exited at start ({self.status})'
        return self

    def system_offers(self):
        return [p for p in self.offers() if p.startswith(SYSTEM_OFFERS)]


class Person:
    """The person's graphical session."""

    def __init__(self, world, prompter, artifacts):
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix='otaux-person-')
        os.chmod(self.tmp, 0o755)
        self.shots = os.path.join(self.tmp, 'shots')
        self.state = os.path.join(self.tmp, 'state')
        self.home = os.path.join(self.tmp, 'home')
        for d in (self.shots, self.state, self.home):
            os.mkdir(d)
            os.chown(d, PERSON, PERSON)
        self.artifacts = artifacts
        os.makedirs(artifacts, exist_ok=True)
        self.display = self._xvfb()
        os.environ['DISPLAY'] = self.display  # xdotool, import
        conf = os.path.join(self.tmp, 'session.conf')
        with open(conf, 'w') as f:
            f.write(SESSION_CONF)
        daemon = subprocess.Popen(['dbus-daemon', '--config-file', conf, '--nofork',
                                   '--print-address=1'], stdout=subprocess.PIPE, text=True)
        self.procs.append(daemon)
        self.address = daemon.stdout.readline().strip()
        assert self.address, 'the person\'s session bus did not start'
        self.bus = dbus.bus.BusConnection(self.address)
        self.notes = NotifyLog(self.address)
        env = uitest.gui_env({'DISPLAY': self.display, 'DBUS_SESSION_BUS_ADDRESS': self.address})
        env.pop('G_DEBUG', None)
        self.env = env
        self.procs.append(subprocess.Popen(
            ['dunst', '-config', os.path.join(HERE, '..', '..', 'data', 'demo', 'dunstrc')],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_until(lambda: self.bus.name_has_owner(NOTIFY_IFACE), 20, 'dunst on the bus')
        self.shown = PrompterShown(self.bus)
        agent_env = dict(env)
        agent_env.update({
            'HOME': self.home,
            'XDG_SESSION_ID': 'c1',
            'DBUS_SYSTEM_BUS_ADDRESS': world.address,
            'OTAUX_PROMPTER': prompter,
            'OTAUX_PROMPTER_ARGS': f'--screenshot-dir {self.shots}',
            'OTAUX_ICON_DIR': os.path.join(HERE, '..', '..', 'data', 'icons', 'hicolor',
                                           'scalable', 'apps'),
        })
        self.agent = SessionAgent(world, state_dir=self.state, env=agent_env, bus=self.bus)
        self.agent.start()

    def _xvfb(self):
        r, w = os.pipe()
        proc = subprocess.Popen(['Xvfb', '-displayfd', str(w), '-ac', '-nolisten', 'tcp',
                                 '-screen', '0', '1280x1024x24'], pass_fds=(w,),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        self.procs.append(proc)
        got = b''
        deadline = time.monotonic() + 30
        while not got.endswith(b'\n'):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([r], [], [], max(left, 0))
            if not ready:
                raise AssertionError('Xvfb did not say its display within 30 s')
            chunk = os.read(r, 16)
            if not chunk:
                raise AssertionError('Xvfb exited at start')
            got += chunk
        os.close(r)
        return ':' + got.decode().strip()

    def dunst_count(self):
        r = subprocess.run(['dunstctl', 'count', 'displayed'], env=self.env, capture_output=True,
                           text=True, timeout=15)
        return int(r.stdout.strip() or 0)

    def settled_notification(self):
        uitest.dunst_drawn()

    def click_notification(self):
        x, y = uitest.click_dunst()
        uitest.log(f'clicked the notification at {x},{y}')

    def picture(self, name):
        path = os.path.join(self.artifacts, name + '.png')
        uitest.screen_picture(path)
        print(f'# picture: {path}', flush=True)
        return path

    def popup(self, path, kind, after):
        """Waits for the pop-up to draw @path's @kind; returns (window, layout)."""
        n = path.rsplit('/', 1)[1]
        lay = uitest.read_layout(self.shots, n, kind, after=after, timeout=30)
        self.shown.wait(path)
        wid = uitest.find_window(uitest.ere(lay['title']), 20)
        return wid, lay

    def close(self):
        if os.environ.get('OTAUX_TEST_DUMP'):
            for member, args in self.notes.calls:
                print('#', member, args[:5] if member == 'Notify' else args, flush=True)
        if getattr(self, 'agent', None) is not None and self.agent.proc is not None:
            self.agent.proc.kill()
            self.agent.proc.wait()
            self.agent.proc = None
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def mirror_of(system_path):
    return SYSTEM_OFFERS + system_path.rsplit('/', 1)[1]


def set_active(w, sid, active):
    obj = w.bus.get_object(tsi.LOGIND, w.sessions[sid], introspect=False)
    obj.Set(LOGIND_SESSION, 'Active', dbus.Boolean(active), dbus_interface=otauxtest.PROPS_IFACE)


# -- the tests -----------------------------------------------------------------

def test_high_priority_popup_and_a_real_click_decide(w, me):
    a, s = w.agent, me.agent
    t0 = time.time()
    # high priority, as root on the system bus
    path = a.offer(id='fw-follow-1', name='Contoso Phone OS', version='2026.1', priority='high',
                   size=48 * 1000 * 1000, **{'release-notes': 'Security fixes of November.'})
    mirror = mirror_of(path)
    wait_until(lambda: mirror in s.system_offers(), 20, f'{mirror} on the person\'s bus')
    assert s.prompt_kind(mirror) == 'download', s.props(mirror)
    wid, lay = me.popup(mirror, 'download', t0)
    pic = me.picture('root-updater-question-in-the-session')
    assert os.path.getsize(pic) > 10000, 'the picture has something on it'
    uitest.click_button(wid, lay, 'accept')
    args = a.signals.wait('Decided', path, timeout=30)
    assert args[0] == 'accept' and args[1]['reason'] == 'user', args
    assert a.prop(path, 'Phase') == 'downloading'
    # The mirror follows: the progress prompt.
    wait_until(lambda: s.prompt_kind(mirror) == 'progress', 20, 'the mirror\'s progress prompt')
    a.withdraw(path)
    wait_until(lambda: mirror not in s.system_offers(), 20, 'the mirror to go with the offer')


def test_medium_priority_notification_in_dunst(w, me):
    a, s = w.agent, me.agent
    mark = me.notes.mark()
    path = a.offer(id='fw-follow-2', name='Modem firmware', version='7.1', priority='medium')
    args = me.notes.wait_notify('Modem firmware', mark)
    assert args[0] == 'otaux', f'the session agent posts it (app name): {args[0]}'
    mirror = mirror_of(path)
    assert args[6].get('x-otaux-offer') == mirror, args[6]
    assert 'default' in args[5], f'a click on it opens the pop-up: actions {args[5]}'
    wait_until(lambda: me.dunst_count() >= 1, 20, 'dunst to display it')
    me.settled_notification()
    me.picture('root-updater-notification-in-dunst')
    assert a.prop(path, 'Decision') == 'none'
    # A real click on dunst's notification brings up the pop-up (the default
    # action), and a real click there answers on the system bus.
    t0 = time.time()
    me.click_notification()
    wid, lay = me.popup(mirror, 'download', t0)
    uitest.click_button(wid, lay, 'cancel')
    args = a.signals.wait('Decided', path, timeout=30)
    assert args[0] == 'cancel' and args[1]['reason'] == 'user', args
    a.withdraw(path)
    wait_until(lambda: mirror not in s.system_offers(), 20, 'the mirror to go')


def test_inactive_session_withdraws_until_active(w, me):
    a, s = w.agent, me.agent
    mark = me.notes.mark()
    path = a.offer(id='fw-follow-3', name='Radio firmware', version='3', priority='medium')
    mirror = mirror_of(path)
    me.notes.wait_notify('Radio firmware', mark)
    wait_until(lambda: me.dunst_count() >= 1, 20, 'dunst to display it')
    mark = me.notes.mark()
    set_active(w, 'c1', False)  # another user is switched in
    try:
        me.notes.wait_close(mark)
        wait_until(lambda: mirror not in s.system_offers(), 20, 'the inactive session to withdraw')
        wait_until(lambda: me.dunst_count() == 0, 20, 'dunst to show nothing')
        assert a.prop(path, 'Decision') == 'none', 'nothing decided meanwhile'
        mark = me.notes.mark()
    finally:
        set_active(w, 'c1', True)
    me.notes.wait_notify('Radio firmware', mark)
    wait_until(lambda: mirror in s.system_offers(), 20, 'the question back in the active session')
    wait_until(lambda: me.dunst_count() >= 1, 20, 'dunst to display it again')
    a.withdraw(path)
    wait_until(lambda: mirror not in s.system_offers(), 20, 'the mirror to go')
    wait_until(lambda: me.dunst_count() == 0, 20, 'the withdrawn question to leave dunst')


def test_refused_answer_is_told(w, me):
    """The system instance refuses the forwarded answer (logind now puts the
    session agent's process in the inactive session c2): the question
    stays, and the mirror's prompt says the answer was not accepted."""
    a, s = w.agent, me.agent
    path = a.offer(id='fw-follow-refused', name='Audio firmware', version='2', priority='medium')
    mirror = mirror_of(path)
    wait_until(lambda: mirror in s.system_offers(), 20, 'the mirror')
    logind = dbus.Interface(w.bus.get_object(tsi.LOGIND, tsi.LOGIND_PATH, introspect=False),
                            tsi.TEST_IFACE)
    logind.SetSessionOfPID(dbus.UInt32(s.proc.pid), dbus.ObjectPath(w.sessions['c2']))
    try:
        s.answer(mirror, 'accept')
        wait_until(lambda: 'Your answer was not accepted: ' in
                   str(s.props(mirror)['Prompt'].get('warning', '')), 20,
                   'the refusal on the mirror\'s prompt')
        warning = str(s.props(mirror)['Prompt']['warning'])
        assert 'c2' in warning, f'the system instance\'s reason: {warning}'
        assert a.prop(path, 'Decision') == 'none', 'nothing decided'
        assert s.prompt_kind(mirror) == 'download', 'the question stays'
    finally:
        logind.SetSessionOfPID(dbus.UInt32(s.proc.pid), dbus.ObjectPath(w.sessions['c1']))
    a.withdraw(path)
    wait_until(lambda: mirror not in s.system_offers(), 20, 'the mirror to go')


def test_session_agent_restarted_asks_again(w, me):
    a, s = w.agent, me.agent
    path = a.offer(id='fw-follow-4', name='Camera firmware', version='1.2', priority='medium')
    mirror = mirror_of(path)
    wait_until(lambda: mirror in s.system_offers(), 20, 'the mirror')
    assert s.kill() == -signal.SIGKILL
    mark = me.notes.mark()
    s.start()
    me.notes.wait_notify('Camera firmware', mark)
    wait_until(lambda: mirror in s.system_offers(), 20, 'the question back after the restart')
    s.answer(mirror, 'accept')
    args = a.signals.wait('Decided', path, timeout=30)
    assert args[0] == 'accept', args
    a.withdraw(path)


def test_system_instance_killed_mid_flow_catches_up(w, me):
    a, s = w.agent, me.agent
    path = a.offer(id='fw-follow-5', name='Base firmware', version='2026.2', priority='medium')
    mirror = mirror_of(path)
    wait_until(lambda: mirror in s.system_offers(), 20, 'the mirror')
    s.answer(mirror, 'accept')
    a.signals.wait('Decided', path, timeout=30)
    a.set_state(path, 50)
    wait_until(lambda: s.prompt_kind(mirror) == 'install', 20, 'the install question')
    before = otauxtest.snapshot(a)
    mark = me.notes.mark()
    assert a.kill() == -signal.SIGKILL
    wait_until(lambda: mirror not in s.system_offers(), 20, 'the session to withdraw it')
    me.notes.wait_close(mark)
    mark = me.notes.mark()
    a.start()
    assert otauxtest.snapshot(a) == before, 'SIGKILL lost something'
    me.notes.wait_notify('Base firmware', mark)
    wait_until(lambda: mirror in s.system_offers() and s.prompt_kind(mirror) == 'install', 20,
               'the session to catch up')
    s.answer(mirror, 'accept')
    args = a.signals.wait('Decided', path, timeout=30)
    assert args[0] == 'accept' and args[1]['phase'] == 'ready', args
    mark = me.notes.mark()
    a.withdraw(path)
    wait_until(lambda: mirror not in s.system_offers(), 20, 'the mirror to go')
    me.notes.wait_close(mark)


def test_session_agent_started_after_the_offer(w, me):
    a, s = w.agent, me.agent
    # (under the sanitizers a leak makes the exit status non-zero)
    assert s.stop() == 0, 'the session agent exits cleanly on SIGTERM'
    path = a.offer(id='fw-follow-6', name='Touch firmware', version='9', priority='medium')
    mark = me.notes.mark()
    s.start()
    me.notes.wait_notify('Touch firmware', mark)
    assert mirror_of(path) in s.system_offers()
    a.withdraw(path)


def otauxctl(me, w, *args):
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=me.address, DBUS_SYSTEM_BUS_ADDRESS=w.address)
    r = subprocess.run([os.environ['OTAUXCTL']] + list(args), env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, f'otauxctl {args}: exit {r.returncode}: {r.stderr}'
    return r.stdout


def test_otauxctl_lists_both_instances(w, me):
    a, s = w.agent, me.agent
    sys_path = a.offer(id='fw-follow-7', name='Sys firmware', version='1', priority='low')
    wait_until(lambda: mirror_of(sys_path) in s.system_offers(), 20, 'the mirror')
    own = s.offer(id='own-7', name='Own firmware', version='2', priority='low')
    rows = [line.split('\t') for line in otauxctl(me, w, 'list').splitlines()]
    got = {(r[0], r[1], r[-1]) for r in rows}
    assert got == {(own, 'own-7', 'session'), (sys_path, 'fw-follow-7', 'system')}, rows
    rows = [line.split('\t') for line in otauxctl(me, w, '--system', 'list').splitlines()]
    assert [(r[0], r[1], r[-1]) for r in rows] == [(sys_path, 'fw-follow-7', 'system')], rows
    assert 'Sys firmware' in otauxctl(me, w, '--system', 'show', 'fw-follow-7')
    # The person answers the system instance with otauxctl --system, from session c1.
    out, rc, err = w.run_as(PERSON, f'env DBUS_SYSTEM_BUS_ADDRESS={w.address} '
                            f'{os.environ["OTAUXCTL"]} --system answer fw-follow-7 cancel',
                            session='c1')
    assert rc == 0, err
    assert a.signals.wait('Decided', sys_path, timeout=30)[0] == 'cancel'
    a.withdraw(sys_path)
    s.withdraw(own)


TESTING_PATH = '/org/otaux/Agent/Testing'
TESTING_IFACE = 'org.otaux.Testing1'
LOGIND_SEAT = 'org.freedesktop.login1.Seat'
SEAT0 = '/org/freedesktop/login1/seat/seat0'


def set_seat_active(w, sid):
    """seat0's ActiveSession, as logind says it: @sid, or None: nobody."""
    value = ('', dbus.ObjectPath('/')) if sid is None else (sid, dbus.ObjectPath(w.sessions[sid]))
    w.bus.get_object(tsi.LOGIND, SEAT0, introspect=False).Set(
        LOGIND_SEAT, 'ActiveSession', dbus.Struct(value, signature='so'),
        dbus_interface=otauxtest.PROPS_IFACE)


def test_no_active_session_waits_and_a_forced_deadline_holds(w, me):
    a, s = w.agent, me.agent
    policy_dir = os.path.join(w.tmp, 'policy-timeout')
    os.makedirs(policy_dir, exist_ok=True)
    with open(os.path.join(policy_dir, 'timeout_100.xml'), 'w') as f:
        f.write('<otaux-policy version="1"><priority level="medium" timeout="10m" '
                'timeout-answer="accept"/></otaux-policy>\n')
    args = a.args
    a.stop()
    a.args = args + ['--policy-dir', policy_dir, '--test-clock']
    try:
        a.start()
        testing = dbus.Interface(a.obj(TESTING_PATH), TESTING_IFACE)
        t = otauxtest.now()
        testing.SetTime(dbus.Int64(t))
        # Nobody at the seat (the person switched to a greeter, or logged out).
        set_seat_active(w, None)
        set_active(w, 'c1', False)
        wait_until(lambda: not s.system_offers(), 20, 'the inactive session to show nothing')
        asks = a.offer(id='fw-wait-1', name='Wait firmware', version='1', priority='medium')
        assert a.props(asks)['Prompt'].get('deadline', 0) == 0, \
            'with nobody there the question has no deadline'
        forced = a.offer(id='fw-forced-1', name='Forced firmware', version='1', priority='high',
                         forced=True, state=dbus.UInt32(40))
        deadline = a.props(forced)['Prompt']['deadline']
        assert deadline > t, a.props(forced)['Prompt']
        a.signals.clear(a)
        testing.SetTime(dbus.Int64(t + 3600))  # an hour later: both time-outs are past
        args_ = a.signals.wait('Decided', forced, timeout=30)
        assert args_[0] == 'accept' and args_[1]['reason'] == 'policy', \
            f'the forced deadline holds without a session: {args_}'
        a.alive()
        assert a.signals.find('Decided', asks) is None, 'a question was decided with nobody there'
        assert a.prop(asks, 'Decision') == 'none'
        # The person is back: the question is put anew, with its whole time.
        set_seat_active(w, 'c1')
        set_active(w, 'c1', True)
        wait_until(lambda: a.props(asks)['Prompt'].get('deadline') == t + 3600 + 600, 20,
                   'the question asked anew with its 10 minutes')
        assert a.prop(asks, 'Decision') == 'none'
        wait_until(lambda: mirror_of(asks) in s.system_offers() and
                   mirror_of(forced) in s.system_offers(), 20, 'the active session to show both')
        # The updater restarts for the forced update: the person is warned first.
        t0 = time.time()
        a.offer_iface(forced).SetState(dbus.UInt32(60), dbus.Dictionary({}, signature='sv'))
        a.offer_iface(forced).SetState(dbus.UInt32(60), dbus.Dictionary(
            {'stage': dbus.String('restarting')}, signature='sv'))
        me.popup(mirror_of(forced), 'installing', t0)
        me.picture('forced-restart-warned-in-the-session')
        a.withdraw(asks)
        a.withdraw(forced)
    finally:
        set_seat_active(w, 'c1')
        set_active(w, 'c1', True)
        if a.proc is not None:
            a.stop()
        a.args = args
        a.start()


def session_steps():
    """The commands of docs/dbus-api.md, "How the person's session presents
    them": (command, expected output)."""
    src = os.environ.get('OTAUX_SOURCE_ROOT', os.path.join(HERE, '..', '..'))
    with open(os.path.join(src, 'docs', 'dbus-api.md'), encoding='utf-8') as f:
        doc = f.read()
    block = re.search(r'<!-- session-walkthrough -->\n```sh\n(.*?)```', doc, re.S).group(1)
    steps = []
    for chunk in re.split(r'^\$ ', block, flags=re.M)[1:]:
        cmd, _, out = chunk.partition('\n')
        steps.append((cmd.strip(), out.strip()))
    return steps


def test_docs_the_session_side(w, me):
    if not shutil.which('busctl'):
        raise Skip('busctl not found')
    a, s = w.agent, me.agent
    path = a.offer(id='fw-2026.1', name='Base firmware', version='2026.1', priority='high')
    mirror = mirror_of(path)
    wait_until(lambda: mirror in s.system_offers(), 20, 'the mirror')
    n = path.rsplit('/', 1)[1]
    steps = session_steps()
    assert len(steps) >= 3, steps
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=me.address, DBUS_SYSTEM_BUS_ADDRESS=w.address,
               PATH=os.path.dirname(os.environ['OTAUXCTL']) + ':' + os.environ['PATH'])
    for cmd, want in steps:
        # the docs' offer is the system instance's first; here it is number n
        cmd = cmd.replace('/Offers/1', f'/Offers/{n}')
        want = want.replace('/Offers/1', f'/Offers/{n}')
        r = subprocess.run(['bash', '-c', cmd], env=env, capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0, f'{cmd}: exit {r.returncode}: {r.stderr}'
        assert r.stdout.strip() == want, f'{cmd}: got {r.stdout.strip()!r}, the docs say {want!r}'
    a.withdraw(path)
    wait_until(lambda: mirror not in s.system_offers(), 20, 'the mirror to go')


def test_user_switching_the_active_session_presents(w, me):
    """A second user's session agent (session c2, inactive) on a bus of its
    own: it shows nothing until the seat switches to it; then the person's
    session withdraws (notification closed, no mirror) and the other shows."""
    a, s = w.agent, me.agent
    tmp = tempfile.mkdtemp(prefix='otaux-other-')
    os.chmod(tmp, 0o755)
    other = None
    daemon = subprocess.Popen(['dbus-daemon', '--config-file', os.path.join(me.tmp, 'session.conf'),
                               '--nofork', '--print-address=1'], stdout=subprocess.PIPE, text=True)
    try:
        address = daemon.stdout.readline().strip()
        state = os.path.join(tmp, 'state')
        os.mkdir(state)
        os.chown(state, tsi.ASLEEP, tsi.ASLEEP)
        env = dict(me.env, HOME=tmp, XDG_SESSION_ID='c2', DBUS_SESSION_BUS_ADDRESS=address,
                   DBUS_SYSTEM_BUS_ADDRESS=w.address)
        other = SessionAgent(w, uid=tsi.ASLEEP, sid='c2', state_dir=state, env=env,
                             bus=dbus.bus.BusConnection(address),
                             args=['--no-notifications', '--no-popups'])
        other.start()
        path = a.offer(id='fw-switch-1', name='Switch firmware', version='1', priority='medium')
        mirror = mirror_of(path)
        wait_until(lambda: mirror in s.system_offers(), 20, 'the active session to show it')
        other.alive()
        assert mirror not in other.system_offers(), 'the inactive session shows it'
        # The seat switches to the other user.
        mark = me.notes.mark()
        set_active(w, 'c1', False)
        set_active(w, 'c2', True)
        set_seat_active(w, 'c2')
        wait_until(lambda: mirror in other.system_offers(), 20, 'the now active session to show it')
        wait_until(lambda: mirror not in s.system_offers(), 20, 'the person\'s session to withdraw')
        me.notes.wait_close(mark)
        # The other user answers from their session: the system instance takes it.
        other.answer(mirror, 'cancel')
        assert a.signals.wait('Decided', path, timeout=30)[0] == 'cancel'
        a.withdraw(path)
        assert other.stop() == 0
    finally:
        set_active(w, 'c2', False)
        set_active(w, 'c1', True)
        set_seat_active(w, 'c1')
        if other is not None and other.proc is not None:
            other.proc.kill()
            other.proc.wait()
        daemon.terminate()
        daemon.wait()
        shutil.rmtree(tmp, ignore_errors=True)


TESTS = [
    test_high_priority_popup_and_a_real_click_decide,
    test_medium_priority_notification_in_dunst,
    test_inactive_session_withdraws_until_active,
    test_refused_answer_is_told,
    test_session_agent_restarted_asks_again,
    test_system_instance_killed_mid_flow_catches_up,
    test_session_agent_started_after_the_offer,
    test_otauxctl_lists_both_instances,
    test_docs_the_session_side,
    test_user_switching_the_active_session_presents,
    test_no_active_session_waits_and_a_forced_deadline_holds,
]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    prompter, artifacts = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    for tool in ('Xvfb', 'dunst', 'dunstctl', 'xdotool', 'import'):
        if not shutil.which(tool):
            print(f'1..0 # SKIP {tool} not found', flush=True)
            return SKIP_EXIT
    try:
        w = tsi.World()
    except tsi.Skip as e:
        print(f'1..0 # SKIP {e}', flush=True)
        return SKIP_EXIT
    me = None
    print(f'1..{len(TESTS)}', flush=True)
    try:
        me = Person(w, prompter, os.path.join(artifacts, 'system-follow'))
        failed = run_each(TESTS, lambda fn: fn(w, me), Skip)
    finally:
        if me is not None:
            me.close()
        w.close()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
