#!/usr/bin/python3
"""The system instance (issue 20): otaux-agent --system on a private system bus.

The bus is a dbus-daemon started with the real system bus's policy (the
<policy> and <limit> elements of /usr/share/dbus-1/system.conf) and, as the
real one does, an <includedir> of system.d folder holding the installed
D-Bus policy of otaux (data/org.otaux.Agent.conf, $OTAUX_SYSTEM_POLICY) and
one for the logind mock (what logind's own file allows). logind is
python-dbusmock's template, with GetSessionByPID added (the template has
none): the test says which session each caller's PID belongs to.

Needs root (as CI runs): the agent owns its name as root, and the other
callers are run as other uids with setpriv. Not root: SKIP (exit 77).

Usage: test_system_instance.py  (env: OTAUX_AGENT, OTAUX_SYSTEM_POLICY)
"""
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
from otauxtest import (SKIP_EXIT, Agent, plain, wait_until, OFFER_IFACE,  # noqa: E402
                       PROPS_IFACE, run_each, snapshot)

import dbus  # noqa: E402

NOBODY = 65534


def pick_uids():
    """Four uids with a passwd entry besides root and nobody (the bus daemon
    lets in only uids it can look up): the person (the user of the active
    local session on seat0), another uid in that session (su), the user of
    an inactive session (user switching), the user of an ssh session."""
    uids = sorted({p.pw_uid for p in pwd.getpwall()} - {0, NOBODY})
    if len(uids) < 4 or NOBODY not in {p.pw_uid for p in pwd.getpwall()}:
        return None
    return uids[-4:]


PERSON, OTHER, ASLEEP, REMOTE = pick_uids() or (None,) * 4
DENIED = 'org.otaux.Error.AccessDenied'
LOGIND = 'org.freedesktop.login1'
LOGIND_PATH = '/org/freedesktop/login1'
LOGIND_MANAGER = 'org.freedesktop.login1.Manager'
TEST_IFACE = 'org.otaux.Test.Logind'

# What logind's own system.d file allows, for its mock.
MOCK_POLICY = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root"><allow own="org.freedesktop.login1"/></policy>
  <policy context="default"><allow send_destination="org.freedesktop.login1"/></policy>
</busconfig>
'''

# The real system bus's policy when its config cannot be read (dbus 1.14).
FALLBACK_POLICY = '''
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
'''

# Run as another uid: waits for a line on stdin (the test first tells the
# logind mock which session this PID is in), makes one call, prints the
# D-Bus error name and message, or "ok".
CLIENT = r'''
import sys, dbus
addr, path, method = sys.argv[1:4]
bus = dbus.bus.BusConnection(addr)
print('ready', flush=True)
sys.stdin.readline()
obj = bus.get_object('org.otaux.Agent', path, introspect=False)
if method == 'Offer':
    iface, args = 'org.otaux.Agent1', [dbus.Dictionary({'id': 'from-other'}, signature='sv')]
elif method == 'Answer':
    iface, args = 'org.otaux.Offer1', [sys.argv[4], dbus.Dictionary({}, signature='sv')]
elif method == 'SetState':
    iface, args = 'org.otaux.Offer1', [dbus.UInt32(30), dbus.Dictionary({}, signature='sv')]
elif method == 'Finish':
    iface, args = 'org.otaux.Offer1', [dbus.UInt32(200)]
elif method == 'Own':
    try:
        bus.request_name('org.otaux.Agent', dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
        print('ok')
    except dbus.exceptions.DBusException as e:
        print(e.get_dbus_name(), e.get_dbus_message())
    sys.exit(0)
else:
    iface, args = 'org.otaux.Offer1', []
try:
    getattr(obj, method)(*args, dbus_interface=iface)
    print('ok')
except dbus.exceptions.DBusException as e:
    print(e.get_dbus_name(), e.get_dbus_message())
'''


class Skip(Exception):
    pass


def bus_config(tmp, policy_dir):
    """The private system bus: the real one's policy and limits, our listen
    address and system.d folder."""
    body, source = FALLBACK_POLICY, 'a copy of dbus 1.14\'s (no system.conf to read)'
    try:
        root = ET.parse('/usr/share/dbus-1/system.conf').getroot()
        kept = [e for e in root if e.tag in ('policy', 'limit', 'auth')]
        if any(e.tag == 'policy' for e in kept):
            body = '\n'.join(ET.tostring(e, encoding='unicode') for e in kept)
            source = '/usr/share/dbus-1/system.conf'
    except (OSError, ET.ParseError):
        pass
    print(f'# the private system bus: the policy of {source}, system.d {policy_dir}', flush=True)
    conf = os.path.join(tmp, 'system.conf')
    with open(conf, 'w') as f:
        f.write('''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
%s
  <includedir>%s</includedir>
</busconfig>
''' % (body, policy_dir))
    return conf


class World:
    def __init__(self):
        self.tmp = self.daemon = self.logind = self.agent = self.bus = None
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self):
        if os.geteuid() != 0:
            raise Skip('needs root: the system instance owns its name as root and the test '
                       'calls it as other uids with setpriv')
        if PERSON is None:
            raise Skip('needs four users besides root and nobody in the passwd database')
        for tool in ('setpriv', 'dbus-daemon'):
            if not shutil.which(tool):
                raise Skip(f'{tool} not found')
        try:
            import dbusmock  # noqa: F401
        except ImportError as e:
            raise Skip(f'python3-dbusmock is missing ({e})')
        self.tmp = tempfile.mkdtemp(prefix='otaux-system-')
        os.chmod(self.tmp, 0o755)
        policy_dir = os.path.join(self.tmp, 'system.d')
        os.mkdir(policy_dir)
        shutil.copy(os.environ['OTAUX_SYSTEM_POLICY'], policy_dir)
        with open(os.path.join(policy_dir, 'logind-mock.conf'), 'w') as f:
            f.write(MOCK_POLICY)
        self.daemon = subprocess.Popen(
            ['dbus-daemon', '--config-file', bus_config(self.tmp, policy_dir), '--nofork',
             '--print-address=1'], stdout=subprocess.PIPE, text=True)
        self.address = self.daemon.stdout.readline().strip()
        assert self.address, 'the private system bus did not start'
        os.environ['DBUS_SYSTEM_BUS_ADDRESS'] = self.address
        self.bus = dbus.bus.BusConnection(self.address)
        self.logind = subprocess.Popen(['/usr/bin/python3', '-m', 'dbusmock', '--system', '-t',
                                        'logind'], stdout=subprocess.DEVNULL)
        wait_until(lambda: self.bus.name_has_owner(LOGIND) or self.logind.poll() is not None,
                   15, 'the logind mock on the bus')
        assert self.logind.poll() is None, 'the logind mock exited'
        mock = self.login_mock()
        # logind's GetSessionByPID, which the template lacks: a table the
        # test fills (SetSessionOfPID), NoSessionForPID for any other PID.
        mock.AddMethod(TEST_IFACE, 'SetSessionOfPID', 'uo', '',
                       'self.__dict__.setdefault("otaux_pids", {})[int(args[0])] = args[1]')
        mock.AddMethod(LOGIND_MANAGER, 'GetSessionByPID', 'u', 'o', '''
p = self.__dict__.get("otaux_pids", {}).get(int(args[0]))
if p is None:
    raise dbus.exceptions.DBusException("PID %d does not belong to any known session" % args[0],
                                        name="org.freedesktop.login1.NoSessionForPID")
ret = p
''')
        self.sessions = {}
        self.add_session('c1', PERSON, active=True)
        self.add_session('c2', ASLEEP, active=False)
        self.add_session('ssh1', REMOTE, active=True, remote=True)
        self.agent = Agent(state_dir=os.path.join(self.tmp, 'state'), bus=self.bus,
                           args=['--system', '--bus-address', self.address])
        self.agent.start()

    def login_mock(self):
        return dbus.Interface(self.bus.get_object(LOGIND, LOGIND_PATH, introspect=False),
                              'org.freedesktop.DBus.Mock')

    def add_session(self, sid, uid, active=True, remote=False, seat='seat0'):
        path = str(self.login_mock().AddSession(sid, seat, dbus.UInt32(uid), f'user{uid}',
                                                 active))
        obj = self.bus.get_object(LOGIND, path, introspect=False)
        if remote:
            obj.Set('org.freedesktop.login1.Session', 'Remote', dbus.Boolean(True),
                    dbus_interface=PROPS_IFACE)
            obj.Set('org.freedesktop.login1.Session', 'Seat',
                    dbus.Struct(('', dbus.ObjectPath('/')), signature='so'),
                    dbus_interface=PROPS_IFACE)
        self.sessions[sid] = path
        return path

    def set_session_of_pid(self, pid, session):
        """The logind mock's answer for @pid: session @session (a name of add_session)."""
        dbus.Interface(self.bus.get_object(LOGIND, LOGIND_PATH, introspect=False),
                       TEST_IFACE).SetSessionOfPID(dbus.UInt32(pid),
                                                   dbus.ObjectPath(self.sessions[session]))

    def _go(self, proc, session, ready=None):
        """Lets @proc (it waits for a line on its stdin) go, once @ready
        (a check) passed and the logind mock has its PID in @session;
        returns its output and errors. A process left running is killed."""
        try:
            if ready is not None:
                ready()
            if session is not None:
                self.set_session_of_pid(proc.pid, session)
            return proc.communicate('go\n', timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def call_as(self, uid, path, method, choice='accept', session=None, groups=None):
        """One call from a process of @uid (in @session, by the logind mock;
        with the supplementary @groups); returns 'ok' or 'ERROR.NAME message'."""
        groups_arg = f'--groups={",".join(map(str, groups))}' if groups else '--clear-groups'
        proc = subprocess.Popen(
            ['setpriv', f'--reuid={uid}', f'--regid={uid}', groups_arg,
             '/usr/bin/python3', '-c', CLIENT, self.address, path, method, choice],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd='/')

        def ready():
            line = proc.stdout.readline().strip()
            assert line == 'ready', f'the client as uid {uid} did not start: {proc.stderr.read()}'
        out, err = self._go(proc, session, ready)
        assert proc.returncode == 0, err
        return out.strip()

    def run_as(self, uid, cmd, session=None):
        """A shell command line as @uid, its PID in @session (the logind
        mock learns it before the command runs: exec keeps the PID)."""
        proc = subprocess.Popen(
            ['setpriv', f'--reuid={uid}', f'--regid={uid}', '--clear-groups', 'bash', '-c',
             'read -r _ && eval "exec $1"', 'bash', cmd],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd='/')
        out, err = self._go(proc, session)
        return out.strip(), proc.returncode, err

    def close(self):
        # Also after a failed start: whatever was started is stopped.
        if self.agent is not None and self.agent.proc is not None:
            self.agent.proc.kill()
            self.agent.proc.wait()
        if self.bus is not None:
            self.bus.close()
        for proc in (self.logind, self.daemon):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait()
        os.environ.pop('DBUS_SYSTEM_BUS_ADDRESS', None)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


def offer(w, pkg_id):
    a = w.agent
    path = a.offer(id=pkg_id, name='Phone OS', version='2.0', priority='high')
    a.signals.wait('OfferAdded', pred=lambda args: args[0] == path)
    assert path in a.offers(), f'{path} is not in Offers'
    return path


def walkthrough_steps():
    """The commands of docs/dbus-api.md, "Updaters that run as system
    services": (who, command, expected output) in order."""
    src = os.environ.get('OTAUX_SOURCE_ROOT', os.path.join(HERE, '..', '..'))
    with open(os.path.join(src, 'docs', 'dbus-api.md'), encoding='utf-8') as f:
        doc = f.read()
    section = doc.split('## Updaters that run as system services', 1)[1].split('\n## ', 1)[0]
    steps = []
    for who, block in re.findall(r'<!-- system-walkthrough: (root|person) -->\n```sh\n(.*?)```',
                                 section, re.S):
        block = re.sub(r'\\\n\s*', ' ', block)
        for chunk in re.split(r'^\$ ', block, flags=re.M)[1:]:
            cmd, _, out = chunk.partition('\n')
            steps.append((who, cmd.strip(), out.strip()))
    return steps


# -- the tests -----------------------------------------------------------------

def test_docs_walkthrough_with_busctl_system(w):
    if not shutil.which('busctl'):
        raise Skip('busctl not found')
    a = w.agent
    assert not a.offers(), 'the walk-through starts with no offer (its path is Offers/1)'
    steps = walkthrough_steps()
    assert len(steps) >= 8 and {s[0] for s in steps} == {'root', 'person'}, steps
    for who, cmd, want in steps:
        if who == 'root':
            r = subprocess.run(['bash', '-c', cmd], capture_output=True, text=True, timeout=60)
            got, status, err = r.stdout.strip(), r.returncode, r.stderr
        else:
            got, status, err = w.run_as(PERSON, cmd, session='c1')
        assert status == 0, f'{who}: {cmd}: exit {status}: {err}'
        assert got == want, f'{who}: {cmd}: got {got!r}, the docs say {want!r}'
    path = '/org/otaux/Agent/Offers/1'
    # Both answers were announced on the system bus.
    a.signals.wait('Decided', path, lambda args: args[0] == 'accept' and
                   args[1]['phase'] == 'offered')
    a.signals.wait('Decided', path, lambda args: args[0] == 'accept' and
                   args[1]['phase'] == 'ready')
    a.withdraw(path)


def test_installed_policy_gives_the_name_to_root_only(w):
    assert w.agent.owner, 'the system instance owns org.otaux.Agent'
    got = w.call_as(NOBODY, '/', 'Own')
    assert got.startswith('org.freedesktop.DBus.Error.AccessDenied'), \
        f'uid {NOBODY} owning org.otaux.Agent: {got}'
    assert w.agent.alive()


def test_state_and_no_presenters(w):
    path = offer(w, 'state-1')
    files = os.listdir(os.path.join(w.agent.state_dir, 'offers'))
    assert files, 'the offer is written under --state-dir'
    # No presenter of its own: nobody on this bus (or any) was asked to show it.
    assert not w.bus.name_has_owner('org.otaux.Prompter'), 'the system instance started a pop-up'
    w.agent.withdraw(path)


def answer_from_the_person(w, path, choice='accept'):
    got = w.call_as(PERSON, path, 'Answer', choice, session='c1')
    assert got == 'ok', f'Answer from uid {PERSON} in the active local session: {got}'


def test_root_updater_offers_and_the_answer_is_decided(w):
    a = w.agent
    path = offer(w, 'fw-root-1')
    assert a.prompt_kind(path), 'the offer has a Prompt for the session to show'
    answer_from_the_person(w, path)
    args = a.signals.wait('Decided', path)
    assert args[0] == 'accept', args
    assert a.prop(path, 'Decision') == 'accept'
    a.withdraw(path)


def test_other_uid_is_refused_the_updater_methods(w):
    a = w.agent
    path = offer(w, 'fw-refuse-1')
    before = snapshot(a)
    for p, method in (('/org/otaux/Agent', 'Offer'), (path, 'SetState'), (path, 'Finish'),
                      (path, 'Withdraw')):
        got = w.call_as(NOBODY, p, method)
        assert got.startswith(DENIED), f'{method} as uid {NOBODY}: {got}'
        assert str(NOBODY) in got, f'the refusal says why: {got}'
    assert snapshot(a) == before, 'a refused call changed the state'
    a.withdraw(path)


def test_answer_only_from_the_active_local_session(w):
    a = w.agent
    path = offer(w, 'fw-answer-1')
    before = snapshot(a)
    refusals = [
        ('another uid in the session', OTHER, 'c1',
         f'uid {OTHER} is not the user of session c1'),
        ('an inactive session', ASLEEP, 'c2', 'session c2 is not the active session'),
        ('a remote (ssh) session', REMOTE, 'ssh1', 'session ssh1 is a remote (ssh) session'),
        ('root without a session', 0, None, 'root without a login session'),
        ('a uid without a session', NOBODY, None, f'uid {NOBODY} has no login session'),
    ]
    for what, uid, session, why in refusals:
        got = w.call_as(uid, path, 'Answer', 'accept', session=session)
        assert got.startswith(DENIED), f'Answer from {what}: {got}'
        assert why in got, f'Answer from {what}: the refusal says {why!r}: {got}'
    assert snapshot(a) == before, 'a refused Answer changed the state'
    assert a.signals.find('Decided', path) is None, 'a refused Answer was decided'
    answer_from_the_person(w, path, 'cancel')
    assert a.signals.wait('Decided', path)[0] == 'cancel'
    a.withdraw(path)


UPDATERS_GID = 4242


def test_callers_groups_let_a_group_in(w):
    a = w.agent
    policy_dir = os.path.join(w.tmp, 'policy.d')
    os.makedirs(policy_dir, exist_ok=True)
    with open(os.path.join(policy_dir, 'updaters_100.xml'), 'w') as f:
        f.write(f'<otaux-policy version="1"><callers groups="{UPDATERS_GID}"/></otaux-policy>\n')
    args = a.args
    a.stop()
    a.args = args + ['--policy-dir', policy_dir]
    try:
        a.start()
        got = w.call_as(NOBODY, '/org/otaux/Agent', 'Offer')
        assert got.startswith(DENIED), f'Offer as uid {NOBODY} outside the group: {got}'
        got = w.call_as(NOBODY, '/org/otaux/Agent', 'Offer', groups=[UPDATERS_GID])
        assert got == 'ok', f'Offer as uid {NOBODY} in group {UPDATERS_GID}: {got}'
        path = a.get_offer('from-other')
        got = w.call_as(NOBODY, path, 'Withdraw', groups=[UPDATERS_GID])
        assert got == 'ok', f'Withdraw as uid {NOBODY} in group {UPDATERS_GID}: {got}'
        a.signals.wait('OfferRemoved', pred=lambda args: args[0] == path)
    finally:
        status = a.stop()
        a.args = args
        a.start()
    # Under the sanitizers a leak makes the exit status non-zero.
    assert status == 0, f'the system instance exited with {status} on SIGTERM'


def test_sigkill_mid_flow_loses_nothing(w):
    a = w.agent
    path = offer(w, 'fw-kill-1')
    answer_from_the_person(w, path)
    a.signals.wait('Decided', path)
    a.set_state(path, 30, bytes_done=10, bytes_total=100)
    before = snapshot(a)
    assert a.kill() == -signal.SIGKILL
    a.start()
    after = snapshot(a)
    assert after == before, f'after SIGKILL and a restart:\n{after}\nwas\n{before}'
    assert plain(a.obj(path).Get(OFFER_IFACE, 'Decision', dbus_interface=PROPS_IFACE)) == 'accept'
    a.withdraw(path)


TESTS = [
    test_docs_walkthrough_with_busctl_system,
    test_installed_policy_gives_the_name_to_root_only,
    test_state_and_no_presenters,
    test_root_updater_offers_and_the_answer_is_decided,
    test_other_uid_is_refused_the_updater_methods,
    test_answer_only_from_the_active_local_session,
    test_callers_groups_let_a_group_in,
    test_sigkill_mid_flow_loses_nothing,
]


def main():
    try:
        w = World()
    except Skip as e:
        print(f'SKIP: {e}')
        return SKIP_EXIT
    print(f'1..{len(TESTS)}', flush=True)
    try:
        failed = run_each(TESTS, lambda fn: fn(w), Skip)
    finally:
        w.close()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
