#!/usr/bin/python3
"""otaux-mender-script with the real Mender client (issue 17, items 2 and 3).

Each case: `mender install` (Debian's mender-client 3.4, standalone mode) in
a private mount namespace (`unshare -m --propagation private`, with bind
mounts over /etc/mender and /usr/share/mender/identity, the fixed paths), a
single-file update-module artifact made here with `mender-artifact write
module-image` that carries the installed wrappers ArtifactInstall_Enter_50_otaux,
ArtifactCommit_Enter_50_otaux and ArtifactFailure_Enter_50_otaux, and the
real otaux-agent on the private session bus (dbus-run-session, --test-clock).
The person's answers are Answer calls, as a UI would make them.

- accept: the offer's name, version, priority and notes come from the
  meta-data; nothing is installed before the answer; the file is installed;
  `mender commit` reports 200.
- cancel: Mender fails the install, the old file stays, the result is 401
  with Mender's words.
- delay: the script exits 21 while the reboot time has not come (Mender
  retries, the file is not installed); the test clock moves to the chosen
  time, the agent accepts with reason `scheduled`, the install goes on.
- a failing module: Mender's failure reaches the agent as 410, with words.
- a module that needs a restart: ArtifactInstall_Leave says the device
  restarts now; the agent starts again; `mender commit` reports 200.
- `mender daemon` with a deployment from a test server (menderserver.py):
  the same scripts ask; accept → the server hears success, 200; cancel →
  failure, 401 with words (no Update Control Map).
- otaux-mender holding the Update Control Map (mender's D-Bus on a private
  system bus from tests/system/systest.py, the Download_Leave script in
  /etc/mender/scripts): Mender waits at the install pause (the server hears
  pause_before_installing, the artifact's ArtifactInstall_Enter has not run);
  continue and fail there; with a module that needs a restart, the reboot
  pause asks the restart question (ArtifactReboot_Enter); continue and fail
  there.
- the default bus: the system instance (otaux-agent --system), answered
  from the seat's session.

Needs root (mount namespaces), mender and mender-artifact; otherwise every
case reports SKIP. Every wait is on an event (a child's exit, a line of
Mender's log, a property or signal of the agent) with a bound.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import dbus
from gi.repository import GLib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'system'))
import systest as st  # noqa: E402  (reuses tests/integration/otauxtest.py)
from systest import Agent, Skip, wait_until  # noqa: E402
from menderserver import MenderServer  # noqa: E402
import test_system_instance as sysinst  # noqa: E402  (the system instance's World)

TESTING_PATH = '/org/otaux/Agent/Testing'
TESTING_IFACE = 'org.otaux.Testing1'
DEVICE_TYPE = 'otaux-test'
STATES = ('ArtifactInstall_Enter_50_otaux', 'ArtifactInstall_Leave_50_otaux',
          'ArtifactReboot_Enter_50_otaux', 'ArtifactCommit_Enter_50_otaux',
          'ArtifactFailure_Enter_50_otaux')
MODULES = '/usr/share/mender/modules/v3'
# Mender's own words for a state script that asked to be run again.
RETRY = 'ArtifactInstall_Enter_50_otaux requested a retry'
MENDER_TIMEOUT = 60
# The daemon's Update Control Map expiry (s): Mender's default, twice
# UpdatePollIntervalSeconds (2 s here), left otaux-mender under a second to
# re-send a pause, and an expired pause fails the deployment. Mender returns
# half of it as the refresh time; otaux-mender re-sends at half of that.
MAP_EXPIRY = 8
# What a failing case shows besides its traceback: (title, callable giving
# text), registered by the parts it made (Mender's runs, otaux-mender, the
# server), so that every failure brings its own logs.
SHOWN = []


def show(title, text):
    SHOWN.append((title, text))


def explained(fn):
    """Runs the case fn; if it fails, prints the logs of its parts (as TAP
    comments) before the traceback (with OTAUX_MENDER_SHOW_LOGS set, a
    passing case's too)."""
    def print_shown():
        for title, text in SHOWN:
            try:
                body = text()
            except Exception as e:  # noqa: BLE001 (a log that cannot be read says so)
                body = f'(cannot read it: {e!r})'
            print(f'# ---- {title} ----')
            for line in body.splitlines():
                print('#   ' + line)
        sys.stdout.flush()

    def run():
        SHOWN.clear()
        try:
            fn()
            if os.environ.get('OTAUX_MENDER_SHOW_LOGS'):  # a passing case's too
                print_shown()
        except Skip:
            raise
        except BaseException:
            print_shown()
            raise
        finally:
            SHOWN.clear()
    run.__name__ = fn.__name__
    return run


def need_rig():
    if os.geteuid() != 0:
        raise Skip('needs root (mount namespaces for mender)')
    for prog in ('mender', 'mender-artifact', 'unshare'):
        if shutil.which(prog) is None:
            raise Skip(f'{prog} is missing')
    for var in ('OTAUX_AGENT', 'OTAUX_MENDER_SCRIPT', 'OTAUX_MENDER_WRAPPERS'):
        if not os.environ.get(var):
            raise Skip(f'{var} is not set')


class Mender:
    """One run of the mender client; its log (stdout and stderr) is read as
    it comes, so a test can wait for a line."""

    def __init__(self, rig, *args, conf=None, bus='session'):
        script = ('mount --bind "$1" /etc/mender && '
                  'mount --bind "$2" /usr/share/mender/identity && '
                  f'mount --bind "$3" {MODULES} && shift 3 && exec mender "$@"')
        env = dict(os.environ, OTAUX_MENDER_WAIT='2')
        env.pop('OTAUX_MENDER_BUS', None)
        if bus is not None:  # None: the script's default, the system bus
            env['OTAUX_MENDER_BUS'] = bus
        self.lines = []
        self.status = None
        self.proc = subprocess.Popen(
            ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script, 'sh',
             rig.etc, rig.identity, rig.modules, '-c', conf or rig.conf, '-b', os.path.join(rig.dir, 'fallback.conf'),
             '-d', rig.data, '--no-syslog'] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.proc.pid, self._exited)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buf = b''
        self.eof = False
        self.watch = GLib.io_add_watch(self.proc.stdout.fileno(), GLib.PRIORITY_DEFAULT,
                                       GLib.IO_IN | GLib.IO_HUP, self._read)

    def _read(self, fd, cond):
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return True
        if not data:
            self._flush(final=True)
            self.eof = True
            return False
        self.buf += data
        self._flush()
        return True

    def _flush(self, final=False):
        *done, self.buf = self.buf.split(b'\n')
        if final and self.buf:
            done.append(self.buf)
            self.buf = b''
        self.lines.extend(line.decode('utf-8', 'replace') for line in done)

    def _exited(self, pid, status):
        self.status = os.waitstatus_to_exitcode(status)

    def count(self, text):
        return sum(1 for line in self.lines if text in line)

    def wait_line(self, text, n=1, timeout=MENDER_TIMEOUT):
        wait_until(lambda: self.count(text) >= n or self.status is not None, timeout,
                   f'{n}× "{text}" in mender\'s log')
        assert self.count(text) >= n, f'mender exited ({self.status}) before "{text}":\n' + \
            self.log()

    def wait(self, timeout=MENDER_TIMEOUT):
        """Waits for the exit; returns the exit code."""
        wait_until(lambda: self.status is not None, timeout, 'mender to exit')
        wait_until(lambda: self.eof, 10, "the end of mender's log")
        self.proc.wait()
        # The script's stderr is in Mender's log: a sanitizer build's reports too.
        assert self.count('Sanitizer') == 0 and self.count('runtime error') == 0, self.log()
        return self.status

    def kill(self):
        if self.status is None:
            self.proc.kill()
            self.wait()

    def log(self):
        return '\n'.join('#   ' + line for line in self.lines[-40:])

    def full_log(self, last=400):
        return '\n'.join(self.lines[-last:])

    def script_output(self):
        """The rootfs Download_Leave script's runs, as Mender logged them."""
        return '\n'.join(line for line in self.lines if 'Download_Leave' in line) or '(none)'


class Rig:
    """Mender's folders for one case, and the agent."""

    def __init__(self, agent=True):
        need_rig()
        self.dir = tempfile.mkdtemp(prefix='otaux-mender-')
        self.etc = os.path.join(self.dir, 'etc')
        self.identity = os.path.join(self.dir, 'identity')
        self.data = os.path.join(self.dir, 'data')
        self.dest = os.path.join(self.dir, 'dest')
        self.conf = os.path.join(self.dir, 'mender.conf')
        os.makedirs(os.path.join(self.etc, 'scripts'))
        os.makedirs(self.identity)
        os.makedirs(self.dest)
        os.mkdir(self.data, 0o700)
        # Mender's modules, plus one that needs a restart: single-file saying
        # NeedsArtifactReboot "Yes".
        self.modules = os.path.join(self.dir, 'modules')
        os.makedirs(self.modules)
        shutil.copy2(os.path.join(MODULES, 'single-file'), self.modules)
        with open(os.path.join(MODULES, 'single-file'), encoding='utf-8') as f:
            module = f.read()
        assert '        echo "No"\n' in module, 'single-file no longer says No'
        self._write(os.path.join(self.modules, 'otaux-reboot'),
                    module.replace('        echo "No"\n', '        echo "Yes"\n', 1))
        os.chmod(os.path.join(self.modules, 'otaux-reboot'), 0o755)
        self._write(os.path.join(self.etc, 'scripts', 'version'), '3\n')
        self._write(os.path.join(self.etc, 'artifact_info'), 'artifact_name=factory\n')
        self._write(os.path.join(self.data, 'device_type'), f'device_type={DEVICE_TYPE}\n')
        # The daemon's identity, from the fixed folder (bind-mounted).
        self._write(os.path.join(self.identity, 'mender-device-identity'),
                    '#!/bin/sh\necho mac=02:00:00:00:00:01\n')
        os.chmod(os.path.join(self.identity, 'mender-device-identity'), 0o755)
        # Retry every second, for up to 2 minutes; a script runs at most 30 s.
        self._write(self.conf, json.dumps({'StateScriptRetryIntervalSeconds': 1,
                                           'StateScriptRetryTimeoutSeconds': 120,
                                           'StateScriptTimeoutSeconds': 30}))
        self.runs = []
        self.agent = None
        if not agent:
            return
        try:
            self.agent = Agent(args=['--test-clock', '--no-notifications', '--no-popups']).start()
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _write(path, text):
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)

    def artifact(self, name, content, meta=None, dest=None, module='single-file'):
        """A single-file module artifact that installs dest/app.txt."""
        src = os.path.join(self.dir, 'src-' + name)
        os.makedirs(src)
        files = {'dest_dir': dest or self.dest, 'filename': 'app.txt', 'permissions': '644',
                 'app.txt': content}
        for f, text in files.items():
            self._write(os.path.join(src, f), text)
        out = os.path.join(self.dir, name + '.mender')
        wrappers = os.environ['OTAUX_MENDER_WRAPPERS']
        args = ['mender-artifact', 'write', 'module-image', '-T', module, '-t', DEVICE_TYPE,
                '-n', name, '-o', out]
        for f in files:
            args += ['-f', os.path.join(src, f)]
        for s in STATES:
            args += ['-s', os.path.join(wrappers, s)]
        if meta is not None:
            self._write(os.path.join(src, 'meta.json'), json.dumps(meta))
            args += ['-m', os.path.join(src, 'meta.json')]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, timeout=60)
        return out

    def mender(self, *args, conf=None, bus='session'):
        m = Mender(self, *args, conf=conf, bus=bus)
        self.runs.append(m)
        what = f'mender {"daemon" if "daemon" in args else args[0]} (run {len(self.runs)}, exit {{}})'
        show(what.split(' (')[0] + "'s log", lambda: what.format(m.status) + '\n' + m.full_log())
        if 'daemon' in args:
            show('Download_Leave (from mender\'s log)', m.script_output)
        return m

    def daemon(self, server, dbus_enabled=False):
        """`mender daemon` against server, polling every second; its own
        key made here (a 2048-bit key takes far less than Mender's own)."""
        if shutil.which('openssl') is None:
            raise Skip('openssl is missing')
        subprocess.run(['openssl', 'genrsa', '-out', os.path.join(self.data, 'mender-agent.pem'),
                        '2048'], check=True, capture_output=True, timeout=60)
        conf = os.path.join(self.dir, 'daemon.conf')
        self._write(conf, json.dumps({
            'ServerURL': server.url, 'UpdatePollIntervalSeconds': 1,
            'InventoryPollIntervalSeconds': 60, 'RetryPollIntervalSeconds': 1,
            'DBus': {'Enabled': dbus_enabled}, 'StateScriptRetryIntervalSeconds': 1,
            'UpdateControlMapExpirationTimeSeconds': MAP_EXPIRY,
            'StateScriptRetryTimeoutSeconds': 120, 'StateScriptTimeoutSeconds': 30}))
        return self.mender('--log-level', 'debug', 'daemon', conf=conf)

    def installed(self):
        try:
            with open(os.path.join(self.dest, 'app.txt'), encoding='utf-8') as f:
                return f.read()
        except FileNotFoundError:
            return None

    def offer_path(self, offer_id, timeout=MENDER_TIMEOUT):
        """Waits until the script offered offer_id and the install question is
        asked; returns the path."""
        found = []

        def known():
            try:
                found.append(self.agent.get_offer(offer_id))
            except dbus.exceptions.DBusException:
                return False
            phase = self.agent.prop(found[-1], 'Phase')
            # Finished before the test saw it ready (the deployment failed):
            # say so now, with how it ended, rather than wait out the bound.
            return phase in ('ready', 'finished')
        wait_until(known, timeout, f'the offer {offer_id}, ready')
        p = self.agent.props(found[-1])
        assert p['Phase'] == 'ready', \
            f'the offer {offer_id} ended before it was asked: ' + \
            repr({k: p.get(k) for k in ('Phase', 'Result', 'Decision', 'Prompt')})
        return found[-1]

    def wait_prop(self, path, prop, value, timeout=MENDER_TIMEOUT):
        wait_until(lambda: self.agent.prop(path, prop) == value, timeout, f'{prop} = {value!r}')

    def commit(self, path, bus='session'):
        """`mender commit`: ArtifactCommit_Enter reports 200."""
        m = self.mender('commit', bus=bus)
        assert m.wait() == 0, 'mender commit failed:\n' + m.log()
        assert m.count('reported 200') == 1, m.log()
        self.wait_prop(path, 'Result', 200)
        assert self.agent.prop(path, 'Phase') == 'finished'

    def close(self):
        for m in self.runs:
            m.kill()
        if self.agent is not None:
            self.agent.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def test_accept():
    with Rig() as rig:
        art = rig.artifact('app-1.0', 'version 1.0\n', meta={
            'otaux-name': 'Test app', 'otaux-version': '1.0', 'otaux-priority': 'high',
            'otaux-release-notes': 'Fixes the clock.'})
        m = rig.mender('install', art)
        path = rig.offer_path('mender:app-1.0')
        p = rig.agent.props(path)
        assert (p['Name'], p['Version'], p['Priority']) == ('Test app', '1.0', 'high'), p
        # (otaux-release-notes is offered, but the agent shows release notes
        # only on the download question, which an offer at state 40 skips.)
        # single-file says NeedsArtifactReboot: No
        assert p['Prompt']['needs-reboot'] is False, p['Prompt']
        assert p['Prompt']['kind'] == 'install', p['Prompt']
        assert rig.installed() is None, 'installed before the person answered'
        rig.agent.answer(path, 'accept')
        assert m.wait() == 0, 'mender install failed:\n' + m.log()
        assert rig.installed() == 'version 1.0\n'
        assert m.count('mender:app-1.0 accepted (reason user): installing (exit 0)') == 1, m.log()
        assert rig.agent.prop(path, 'Phase') == 'installing'
        rig.commit(path)
        assert rig.agent.offers() == [path]


def test_cancel():
    with Rig() as rig:
        with open(os.path.join(rig.dest, 'app.txt'), 'w', encoding='utf-8') as f:
            f.write('old\n')
        art = rig.artifact('app-2.0', 'version 2.0\n')
        m = rig.mender('install', art)
        path = rig.offer_path('mender:app-2.0')
        p = rig.agent.props(path)
        # No meta-data: offered by the artifact's name, the policy's priority.
        assert (p['Name'], p['Version'], p['Priority']) == ('app-2.0', '', 'medium'), p
        rig.agent.answer(path, 'cancel')
        assert m.wait() != 0, 'mender install went on after a cancel:\n' + m.log()
        assert rig.installed() == 'old\n', 'the cancelled artifact was installed'
        assert m.count('mender:app-2.0 was declined: Mender does not install it (exit 1)') == 1, \
            m.log()
        rig.wait_prop(path, 'Result', 401)
        # ArtifactFailure_Enter: the one Finish after a cancel, with words.
        wait_until(lambda: m.count('mender:app-2.0: reported 401') == 1, 10, 'the failure report')
        body = rig.agent.prop(path, 'Prompt')['body']
        assert 'Mender did not install app-2.0 and rolled the update back.' in body, body
        assert rig.agent.prop(path, 'Phase') == 'finished'


def test_delay():
    with Rig() as rig:
        art = rig.artifact('app-3.0', 'version 3.0\n', meta={'otaux-priority': 'high'})
        m = rig.mender('install', art)
        path = rig.offer_path('mender:app-3.0')
        testing = rig.agent.obj(TESTING_PATH)
        now = int(testing.Get(TESTING_IFACE, 'Now', dbus_interface=st.PROPS_IFACE))
        at = now + 3600
        rig.agent.answer(path, 'delay-reboot', reboot_at=at)
        assert rig.agent.prop(path, 'Phase') == 'delayed'
        # Exit 21 while the time has not come: Mender runs the script again.
        m.wait_line('mender:app-3.0 delayed to', 2)
        retries = m.count(RETRY)
        m.wait_line(RETRY, retries + 1)
        assert m.status is None, 'mender stopped waiting:\n' + m.log()
        assert rig.installed() is None, 'installed before the chosen time'
        assert rig.agent.offers() == [path], 'a retry offered again under another path'
        # The chosen time comes on the agent's clock: accept, reason scheduled.
        dbus.Interface(testing, TESTING_IFACE).SetTime(dbus.Int64(at))
        decided = rig.agent.signals.wait('Decided', st.AGENT_PATH,
                                         lambda a: a[0] == path and a[1] == 'accept', 10)
        assert decided[2]['reason'] == 'scheduled', decided
        assert m.wait() == 0, 'mender install failed:\n' + m.log()
        assert rig.installed() == 'version 3.0\n'
        assert m.count('mender:app-3.0 accepted (reason scheduled): installing (exit 0)') == 1, \
            m.log()
        rig.commit(path)


def test_module_fails():
    with Rig() as rig:
        # dest_dir under a plain file: the single-file module cannot mkdir it.
        blocker = os.path.join(rig.dir, 'not-a-dir')
        with open(blocker, 'w', encoding='utf-8') as f:
            f.write('x')
        art = rig.artifact('app-4.0', 'version 4.0\n', dest=os.path.join(blocker, 'sub'))
        m = rig.mender('install', art)
        path = rig.offer_path('mender:app-4.0')
        rig.agent.answer(path, 'accept')
        assert m.wait() != 0, 'mender install succeeded into a file:\n' + m.log()
        rig.wait_prop(path, 'Result', 410)
        body = rig.agent.prop(path, 'Prompt')['body']
        assert 'Mender could not install app-4.0 and rolled the update back.' in body, body


def test_restart():
    with Rig() as rig:
        art = rig.artifact('os-6.0', 'version 6.0\n', meta={'otaux-name': 'Phone OS'},
                           module='otaux-reboot')
        m = rig.mender('install', art)
        path = rig.offer_path('mender:os-6.0')
        prompt = rig.agent.prop(path, 'Prompt')
        assert prompt['needs-reboot'] is True, prompt  # the module says Yes
        rig.agent.answer(path, 'accept')
        assert m.wait() == 0, 'mender install failed:\n' + m.log()
        assert rig.installed() == 'version 6.0\n'
        # ArtifactInstall_Leave: the device restarts now (standalone Mender
        # never runs ArtifactReboot_*): stage restarting, no inhibitor.
        assert m.count('mender:os-6.0 installed: the device restarts now') == 1, m.log()
        p = rig.agent.props(path)
        assert (p['Phase'], p['Stage']) == ('installing', 'restarting'), p
        assert p['Prompt']['title'] == 'Restarting to install Phone OS', p['Prompt']
        # The "new boot": the agent starts again, then `mender commit`.
        rig.agent.restart()
        assert rig.agent.prop(path, 'Stage') == 'finishing'
        rig.commit(path)


def daemon_case(name, answer):
    """`mender daemon` gets a deployment of NAME from the test server; the
    same scripts ask; the person answers; returns (rig, server, path) after
    the server heard the deployment end."""
    rig = Rig()
    server = None
    try:
        art = rig.artifact(name, 'daemon\n', meta={'otaux-priority': 'high'})
        server = MenderServer(art, name, DEVICE_TYPE)
        show('the server', server.describe)
        m = rig.daemon(server)
        path = rig.offer_path('mender:' + name)
        assert rig.installed() is None, 'installed before the person answered'
        assert 'success' not in server.statuses and 'failure' not in server.statuses
        rig.agent.answer(path, answer)
        wait_until(lambda: {'success', 'failure'} & set(server.statuses) or m.status is not None,
                   MENDER_TIMEOUT, "the deployment's end at the server")
        assert m.status is None, 'mender daemon exited:\n' + m.log()
        return rig, server, path, m
    except BaseException:
        if server is not None:
            server.close()
        rig.close()
        raise


def test_daemon_accept():
    rig, server, path, m = daemon_case('app-7.0', 'accept')
    try:
        assert server.statuses[-1] == 'success', server.statuses
        assert rig.installed() == 'daemon\n'
        # The daemon commits at once: ArtifactCommit_Enter reports 200.
        rig.wait_prop(path, 'Result', 200)
        assert m.count('mender:app-7.0 accepted (reason user): installing (exit 0)') == 1, m.log()
    finally:
        server.close()
        rig.close()


def test_daemon_cancel():
    rig, server, path, m = daemon_case('app-8.0', 'cancel')
    try:
        assert server.statuses[-1] == 'failure', server.statuses
        assert rig.installed() is None, 'the cancelled artifact was installed'
        rig.wait_prop(path, 'Result', 401)
        wait_until(lambda: m.count('mender:app-8.0: reported 401') == 1, 10, 'the failure report')
        body = rig.agent.prop(path, 'Prompt')['body']
        assert 'Mender did not install app-8.0 and rolled the update back.' in body, body
    finally:
        server.close()
        rig.close()


class ControlBridge:
    """otaux-mender on the test's private system bus (Mender's) and the
    session bus (the agent's); its log is read as it comes."""

    def __init__(self):
        exe = os.environ.get('OTAUX_MENDER')
        if not exe:
            raise Skip('OTAUX_MENDER is not set')
        self.proc = subprocess.Popen([exe, '--agent-bus', 'session', '--verbose'],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.log = Mender.__new__(Mender)  # the same line reader
        self.log.lines, self.log.buf, self.log.eof, self.log.status = [], b'', False, None
        self.log.proc = self.proc
        show(f"otaux-mender's log (pid {self.proc.pid})", lambda: self.log.full_log())
        os.set_blocking(self.proc.stdout.fileno(), False)
        GLib.io_add_watch(self.proc.stdout.fileno(), GLib.PRIORITY_DEFAULT,
                          GLib.IO_IN | GLib.IO_HUP, self.log._read)
        wait_until(lambda: self.log.count('holding Mender') or self.proc.poll() is not None, 15,
                   'otaux-mender to start')
        assert self.proc.poll() is None, 'otaux-mender exited:\n' + self.log.log()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()
        os.set_blocking(self.proc.stdout.fileno(), True)
        rest = self.proc.stdout.read().decode('utf-8', 'replace')
        self.log.lines.extend(rest.splitlines())
        # A sanitizer build reports leaks at the exit.
        assert 'Sanitizer' not in rest and 'runtime error' not in rest, rest
        assert self.log.count('Sanitizer') == 0, self.log.log()
        assert self.proc.returncode == 0, f'otaux-mender exited {self.proc.returncode}'


def control_case(name, module='single-file'):
    """`mender daemon` with DBus on a private system bus, otaux-mender, the
    Download_Leave script in /etc/mender/scripts; returns once Mender
    waits at the install pause with the offer asked."""
    sysbus = st.SystemBus()
    parts = [sysbus]
    try:
        rig = Rig()
        parts.insert(0, rig)
        # As docs/mender.md says: install -m 0755 (Mender runs rootfs scripts as they are).
        hook = os.path.join(rig.etc, 'scripts', 'Download_Leave_50_otaux')
        shutil.copy(os.path.join(os.environ['OTAUX_MENDER_WRAPPERS'], 'Download_Leave_50_otaux'),
                    hook)
        os.chmod(hook, 0o755)
        os.environ['OTAUX_MENDER_DATA_DIR'] = rig.data  # for the rootfs script
        bridge = ControlBridge()
        parts.insert(0, bridge)
        art = rig.artifact(name, 'control\n', meta={'otaux-priority': 'high'}, module=module)
        server = MenderServer(art, name, DEVICE_TYPE)
        show('the server', server.describe)
        parts.insert(0, server)
        m = rig.daemon(server, dbus_enabled=True)
        path = rig.offer_path('mender:' + name)
        wait_until(lambda: 'pause_before_installing' in server.statuses or m.status is not None,
                   MENDER_TIMEOUT, 'pause_before_installing at the server')
        assert m.status is None, 'mender daemon exited:\n' + m.log()
        # Paused before the install: the artifact's ArtifactInstall_Enter has not run.
        assert m.count('Executing script: ArtifactInstall_Enter') == 0, m.log()
        assert rig.installed() is None
        return parts, rig, server, bridge, path, m
    except BaseException:
        close_all(parts)
        raise


def close_all(parts):
    os.environ.pop('OTAUX_MENDER_DATA_DIR', None)
    for part in parts:
        part.close()


def wait_end(server, m):
    wait_until(lambda: {'success', 'failure'} & set(server.statuses) or m.status is not None,
               MENDER_TIMEOUT, "the deployment's end at the server")
    assert m.status is None, 'mender daemon exited:\n' + m.log()
    return server.statuses[-1]


def test_control_install_continue():
    parts, rig, server, bridge, path, m = control_case('app-10.0')
    try:
        rig.agent.answer(path, 'accept')
        assert wait_end(server, m) == 'success', server.statuses
        assert rig.installed() == 'control\n'
        rig.wait_prop(path, 'Result', 200)
        assert bridge.log.count('mender:app-10.0: accept (install question)') == 1, \
            bridge.log.log()
    finally:
        close_all(parts)


def test_control_install_fail():
    parts, rig, server, bridge, path, m = control_case('app-11.0')
    try:
        rig.agent.answer(path, 'cancel')
        assert wait_end(server, m) == 'failure', server.statuses
        assert rig.installed() is None
        rig.wait_prop(path, 'Result', 401)
        assert m.count('Executing script: ArtifactInstall_Enter') == 0, m.log()
    finally:
        close_all(parts)


def test_control_install_delay():
    """delay-reboot at the install pause: otaux-mender keeps the pause alive
    (the map expires after MAP_EXPIRY s) until the chosen time on the
    agent's test clock; then scheduled accept, continue. otaux-mender is
    restarted meanwhile: it picks up the open offer and holds the pause
    again. Each otaux-mender re-sends it for longer than one expiry."""
    parts, rig, server, bridge, path, m = control_case('app-14.0')
    try:
        testing = rig.agent.obj(TESTING_PATH)
        at = int(testing.Get(TESTING_IFACE, 'Now', dbus_interface=st.PROPS_IFACE)) + 3600
        rig.agent.answer(path, 'delay-reboot', reboot_at=at)
        # Re-sent every MAP_EXPIRY / 4 s: five sends span more than an expiry.
        sends = 5
        sent = bridge.log.count('map sent: install pause')
        bridge.log.wait_line('map sent: install pause', sent + sends, MENDER_TIMEOUT)
        # Mender took the expiry: it returns half of it as the refresh time.
        assert bridge.log.count(f'(refresh {MAP_EXPIRY // 2} s)') > 0, bridge.log.log()
        bridge.close()
        bridge = ControlBridge()
        parts.insert(0, bridge)
        bridge.log.wait_line('map sent: install pause', sends, MENDER_TIMEOUT)
        assert 'failure' not in server.statuses and m.status is None, m.log()
        assert rig.installed() is None
        dbus.Interface(testing, TESTING_IFACE).SetTime(dbus.Int64(at))
        decided = rig.agent.signals.wait('Decided', st.AGENT_PATH,
                                         lambda a: a[0] == path and a[1] == 'accept', 10)
        assert decided[2]['reason'] == 'scheduled', decided
        assert wait_end(server, m) == 'success', server.statuses
        assert bridge.log.count('mender:app-14.0: accept (install question)') == 1, \
            bridge.log.log()
        rig.wait_prop(path, 'Result', 200)
    finally:
        close_all(parts)


def restart_question(rig, server, path, m):
    """Accept the install; Mender installs and pauses before the restart;
    the ArtifactReboot_Enter script asks the restart question."""
    rig.agent.answer(path, 'accept')
    wait_until(lambda: 'pause_before_rebooting' in server.statuses or m.status is not None,
               MENDER_TIMEOUT, 'pause_before_rebooting at the server')
    wait_until(lambda: rig.agent.prop(path, 'RestartOnly') and
               rig.agent.prop(path, 'Phase') == 'ready', MENDER_TIMEOUT, 'the restart question')
    assert rig.installed() == 'control\n'
    assert rig.agent.prop(path, 'Prompt')['needs-reboot'] is True
    # asks-restart: the installing screen says the restart is asked, not that
    # the device restarts by itself (daemon mode pauses before the reboot)
    bodies = [a[1]['Prompt'].get('body') for (_, mb, pth, a) in rig.agent.signals.events
              if mb == 'PropertiesChanged' and pth == path and 'Prompt' in a[1]
              and a[1]['Prompt'].get('kind') == 'installing']
    assert bodies and all('You will be asked when to restart.' in b and 'by itself' not in b
                          for b in bodies), bodies


def test_control_reboot_continue():
    parts, rig, server, bridge, path, m = control_case('os-12.0', module='otaux-reboot')
    try:
        restart_question(rig, server, path, m)
        rig.agent.answer(path, 'accept')
        assert wait_end(server, m) == 'success', server.statuses
        rig.wait_prop(path, 'Result', 200)
        assert bridge.log.count('mender:os-12.0: accept (restart question)') == 1, \
            bridge.log.log()
    finally:
        close_all(parts)


def test_control_reboot_fail():
    parts, rig, server, bridge, path, m = control_case('os-13.0', module='otaux-reboot')
    try:
        restart_question(rig, server, path, m)
        rig.agent.answer(path, 'cancel')
        assert wait_end(server, m) == 'failure', server.statuses
        rig.wait_prop(path, 'Result', 401)
    finally:
        close_all(parts)


def test_system_instance():
    """The default: the system instance (otaux-agent --system, on a private
    system bus with the installed D-Bus policy and logind's mock, from
    tests/system/test_system_instance.py); the person answers from the
    active local session on seat0."""
    need_rig()
    try:
        w = sysinst.World()
    except sysinst.Skip as e:
        raise Skip(str(e))
    rig = None
    try:
        rig = Rig(agent=False)
        rig.agent = w.agent
        art = rig.artifact('app-9.0', 'version 9.0\n')
        m = rig.mender('install', art, bus=None)
        path = rig.offer_path('mender:app-9.0')
        sysinst.answer_from_the_person(w, path)
        assert m.wait() == 0, 'mender install failed:\n' + m.log()
        assert rig.installed() == 'version 9.0\n'
        rig.commit(path, bus=None)
    finally:
        if rig is not None:
            rig.agent = None  # the World's, stopped by w.close()
            rig.close()
        w.close()


def test_doc_keys():
    """docs/mender.md's meta-data table is the program's (--list-keys)."""
    src = os.environ.get('OTAUX_SOURCE_ROOT')
    exe = os.environ.get('OTAUX_MENDER_SCRIPT')
    if not src or not exe:
        raise Skip('OTAUX_SOURCE_ROOT or OTAUX_MENDER_SCRIPT is not set')
    keys = subprocess.run([exe, '--list-keys'], check=True, capture_output=True, text=True,
                          timeout=30).stdout.splitlines()
    with open(os.path.join(src, 'docs', 'mender.md'), encoding='utf-8') as f:
        doc = f.read().split('<!-- otaux-mender: meta-data -->\n', 1)[1].splitlines()
    table = doc[:doc.index('')] if '' in doc else doc
    assert table == keys, f'docs/mender.md has\n{table}\nthe program has\n{keys}'
    # The map id the docs name is the one the code sends.
    with open(os.path.join(src, 'bridges', 'mender', 'otaux-mender-map.h'), encoding='utf-8') as f:
        map_id = re.search(r'#define OTAUX_MENDER_MAP_ID\s+"([^"]+)"', f.read()).group(1)
    with open(os.path.join(src, 'docs', 'mender.md'), encoding='utf-8') as f:
        assert f'`{map_id}`' in f.read(), f'docs/mender.md does not name the map id {map_id}'


def selected(tests):
    """OTAUX_MENDER_TESTS (names, or parts of names, comma-separated) runs
    only those cases; the others report SKIP."""
    only = [w for w in os.environ.get('OTAUX_MENDER_TESTS', '').split(',') if w]

    def skipped(fn):
        def run():
            raise Skip('not in OTAUX_MENDER_TESTS')
        run.__name__ = fn.__name__
        return run
    return [explained(fn) if not only or any(w in fn.__name__ for w in only) else skipped(fn)
            for fn in tests]


if __name__ == '__main__':
    st.main(selected([test_doc_keys, test_accept, test_cancel, test_delay, test_module_fails,
                      test_restart, test_daemon_accept, test_daemon_cancel,
                      test_control_install_continue, test_control_install_fail,
                      test_control_install_delay, test_control_reboot_continue,
                      test_control_reboot_fail, test_system_instance]))
