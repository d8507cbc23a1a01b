"""The real fwupd daemon for the otaux-fwupd tests (run with /usr/bin/python3).

FwupdWorld starts, per test: a private system bus (a second dbus-daemon,
exported as DBUS_SYSTEM_BUS_ADDRESS), python-dbusmock's logind template on
it, and /usr/libexec/fwupd/fwupd --verbose with every FWUPD_* folder on a
temporary tree and a fwupd.conf with the test plugin's fake device.
Bridge runs otaux-fwupd against it and the agent of the private session bus
(dbus-run-session). Waits are bounded and wait for events: a bus name, a
signal, a line of the bridge's log, a child's exit.
"""
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'integration'))

import dbus  # noqa: E402
from gi.repository import GLib  # noqa: E402
from otauxtest import Skip, wait_until  # noqa: E402

FWUPD = '/usr/libexec/fwupd/fwupd'
TESTS_DIR = '/usr/share/installed-tests/fwupd'
WEBCAM = '08d460be0f1f9f128413f816022a6439e0078018'
WEBCAM_GUID = 'b585990a-003e-5270-89d5-3705a17f9a43'
FWUPD_IFACE = 'org.freedesktop.fwupd'
UPDATE_MESSAGE = 'Keep the webcam plugged in until the light stops blinking.'

SYSTEM_BUS_CONF = '''<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <!-- fwupd and the logind mock own their names here -->
    <allow own="org.freedesktop.fwupd"/>
    <allow own="org.freedesktop.login1"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow user="*"/>
  </policy>
</busconfig>
'''

FWUPD_CONF = '''[fwupd]
TestDevices=true
OnlyTrusted=false
IdleTimeout=0
{extra_fwupd}
[test]
RequestSupported=true
NeedsReboot=true
{extra_test}
'''


def need(path, package):
    if not os.path.exists(path):
        raise Skip(f'{path} is missing (Debian package {package})')


class LineLog:
    """A child's stderr, read line by line from the GLib main loop."""

    def __init__(self, fd, echo_prefix):
        self.lines = []
        self.prefix = echo_prefix
        self.channel = GLib.IOChannel.unix_new(fd)
        self.channel.set_flags(GLib.IOFlags.NONBLOCK)
        self.buf = b''
        self.eof = False
        GLib.io_add_watch(self.channel, GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN | GLib.IOCondition.HUP,
                          self._on_data)

    def _on_data(self, channel, cond):
        try:
            data = os.read(channel.unix_get_fd(), 65536)
        except BlockingIOError:
            return True
        if not data:
            self.eof = True
            return False
        self.buf += data
        while b'\n' in self.buf:
            line, self.buf = self.buf.split(b'\n', 1)
            text = line.decode('utf-8', 'replace')
            self.lines.append(text)
            if os.environ.get('OTAUX_TEST_VERBOSE'):
                print(f'# {self.prefix}: {text}', flush=True)
        return True

    def find(self, pattern, start=0):
        rx = re.compile(pattern)
        for i in range(start, len(self.lines)):
            if rx.search(self.lines[i]):
                return i
        return None

    def wait(self, pattern, timeout=20.0, start=0):
        """Waits for a line matching pattern (from line start on); returns its index."""
        wait_until(lambda: self.find(pattern, start) is not None, timeout, f'log line /{pattern}/')
        return self.find(pattern, start)


class FwupdWorld:
    """A private system bus with fwupd and logind's mock on it."""

    def __init__(self, extra_fwupd='', extra_test='', metadata='fixed', releases=None):
        need(FWUPD, 'fwupd')
        need(os.path.join(TESTS_DIR, 'fakedevice124.cab'), 'fwupd-tests')
        need('/usr/share/fwupd/remotes.d/fwupd-tests.conf', 'fwupd-tests')
        self.tmp = tempfile.mkdtemp(prefix='otaux-fwupd-test-')
        self.extra_fwupd = extra_fwupd
        self.extra_test = extra_test
        self.metadata = metadata
        self.releases = releases  # None: every release of the metadata
        self.procs = []
        self.fwupd = None
        self.fwupd_status = None
        self._start_bus()
        self._start_logind()
        self.start_fwupd()

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def _start_bus(self):
        os.makedirs(self.path('bus'))
        with open(self.path('system.conf'), 'w') as f:
            f.write(SYSTEM_BUS_CONF.format(dir=self.path('bus')))
        r, w = os.pipe()
        proc = subprocess.Popen(['dbus-daemon', '--config-file', self.path('system.conf'),
                                 '--nofork', '--print-address=%d' % w], pass_fds=(w,))
        os.close(w)
        self.procs.append(proc)
        with os.fdopen(r) as f:
            self.address = f.readline().strip()
        assert self.address, 'the private system bus printed no address'
        os.environ['DBUS_SYSTEM_BUS_ADDRESS'] = self.address
        self.bus = dbus.bus.BusConnection(self.address)
        self.owners = {}
        self.bus.add_signal_receiver(self._owner_changed, 'NameOwnerChanged',
                                     'org.freedesktop.DBus', 'org.freedesktop.DBus',
                                     '/org/freedesktop/DBus')
        self.reboots = []
        self.bus.add_signal_receiver(self._mock_called, 'MethodCalled',
                                     'org.freedesktop.DBus.Mock', path='/org/freedesktop/login1')

    def _owner_changed(self, name, old, new):
        self.owners[str(name)] = str(new)

    def _mock_called(self, name, args):
        if str(name) == 'Reboot':
            self.reboots.append([bool(a) for a in args])

    def wait_name(self, name, present=True, timeout=20):
        def ok():
            return bool(self.owners.get(name)) == present
        if present and self.bus.name_has_owner(name):
            self.owners[name] = 'yes'
        wait_until(ok, timeout, f'{name} {"on" if present else "off"} the private system bus')

    def _start_logind(self):
        proc = subprocess.Popen([sys.executable, '-m', 'dbusmock', '--system', '--template',
                                 'logind'], stdout=subprocess.DEVNULL)
        self.procs.append(proc)
        self.wait_name('org.freedesktop.login1')

    def start_fwupd(self):
        """fwupd with its folders on the temporary tree (what 2.0.x reads)."""
        root = self.path('root')
        for d in ('etc/fwupd', 'var/lib/fwupd', 'var/cache/fwupd', 'run', 'lock'):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        if self.metadata == 'fixed':
            self._fixed_remote(root)
        conf = os.path.join(root, 'etc/fwupd/fwupd.conf')
        with open(conf, 'w') as f:
            f.write(FWUPD_CONF.format(extra_fwupd=self.extra_fwupd, extra_test=self.extra_test))
        os.chmod(conf, 0o640)  # fwupd would otherwise "fix" it from 0644 itself
        env = dict(os.environ)
        env.update({
            'FWUPD_SYSCONFDIR': os.path.join(root, 'etc'),
            'FWUPD_LOCALSTATEDIR': os.path.join(root, 'var'),
            # fwupd 2.0 takes its state and cache folders from systemd's variables
            'STATE_DIRECTORY': os.path.join(root, 'var/lib/fwupd'),
            'CACHE_DIRECTORY': os.path.join(root, 'var/cache/fwupd'),
            'FWUPD_RUNDIR': os.path.join(root, 'run'),
            'FWUPD_LOCKDIR': os.path.join(root, 'lock'),
            'FWUPD_HOSTFS_ROOT': root,
        })
        r, w = os.pipe()
        self.fwupd = subprocess.Popen([FWUPD, '--verbose'], env=env, stdout=w, stderr=w,
                                      stdin=subprocess.DEVNULL)
        os.close(w)
        self.fwupd_log = LineLog(r, 'fwupd')
        self.fwupd_status = None
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.fwupd.pid, self._fwupd_exited)
        self.wait_name(FWUPD_IFACE, timeout=60)

    def _fixed_remote(self, root):
        """The fwupd-tests remote, with the container checksums of the cab
        files fwupd-tests ships. (Debian's fwupd-tests.xml names the sha1 of
        older cabs, so a client that checks them, as otaux-fwupd does,
        refuses the shipped files; fwupd itself does not check them.) The
        remote of the same id under FWUPD_SYSCONFDIR replaces the shipped one."""
        meta = os.path.join(root, 'metadata')
        os.makedirs(meta, exist_ok=True)
        os.makedirs(os.path.join(root, 'etc/fwupd/remotes.d'), exist_ok=True)
        with open(os.path.join(TESTS_DIR, 'fwupd-tests.xml')) as f:
            xml = f.read()

        def fix(m):
            name = m.group(1)
            shutil.copy(os.path.join(TESTS_DIR, name), meta)
            with open(os.path.join(TESTS_DIR, name), 'rb') as cab:
                digest = hashlib.sha1(cab.read()).hexdigest()
            return f'<checksum filename="{name}" target="container" type="sha1">{digest}</checksum>'
        xml, n = re.subn(r'<checksum filename="(fakedevice12[34]\.cab)" target="container" '
                         r'type="sha1">[0-9a-f]+</checksum>', fix, xml)
        assert n == 2, f'fwupd-tests.xml changed shape ({n} container checksums)'
        # an UpdateMessage, as LVFS metadata carries one, for the install-message key
        xml, n = re.subn(r'(<id>fakedevice.firmware</id>)',
                         r'\1<custom><value key="LVFS::UpdateMessage">' + UPDATE_MESSAGE +
                         '</value></custom>', xml)
        assert n == 1, 'fwupd-tests.xml has no fakedevice.firmware component'
        self.fixed_xml = xml
        self.write_metadata(self.releases)
        with open(os.path.join(root, 'etc/fwupd/remotes.d/fwupd-tests.conf'), 'w') as f:
            f.write('[fwupd Remote]\nEnabled=true\nTitle=fwupd test suite (otaux copy)\n'
                    f'MetadataURI=file://{meta}/fwupd-tests.xml\n')

    def write_metadata(self, releases=None):
        """(Re)writes the fixed remote's metadata with only these webcam
        releases (None: all); fwupd notices the change of a local remote."""
        xml = self.fixed_xml
        if releases is not None:
            def keep(m):
                return m.group(0) if m.group(1) in releases else ''
            xml = re.sub(r'<release version="(1\.2\.[34])".*?</release>\s*', keep, xml,
                         flags=re.S)
        path = os.path.join(self.path('root'), 'metadata', 'fwupd-tests.xml')
        with open(path + '.tmp', 'w') as f:
            f.write(xml)
        os.rename(path + '.tmp', path)

    def _fwupd_exited(self, pid, status):
        self.fwupd_status = status

    def kill_fwupd(self):
        self.fwupd.send_signal(signal.SIGKILL)
        wait_until(lambda: self.fwupd_status is not None and not self.owners.get(FWUPD_IFACE),
                   20, 'fwupd to die')
        self.fwupd = None

    def fwupd_call(self, method, *args):
        obj = self.bus.get_object(FWUPD_IFACE, '/', introspect=False)
        return getattr(obj, method)(*args, dbus_interface=FWUPD_IFACE)

    def webcam(self):
        for dev in self.fwupd_call('GetDevices'):
            if str(dev.get('DeviceId')) == WEBCAM:
                return dev
        return None

    def results(self):
        """fwupd's history record of the webcam, or None."""
        try:
            return self.fwupd_call('GetResults', WEBCAM)
        except dbus.exceptions.DBusException as e:
            if e.get_dbus_name() in ('org.freedesktop.fwupd.NothingToDo',
                                     'org.freedesktop.fwupd.NotFound'):
                return None
            raise

    def close(self):
        if self.fwupd is not None:
            self.fwupd.send_signal(signal.SIGTERM)
            try:
                self.fwupd.wait(20)
            except subprocess.TimeoutExpired:
                self.fwupd.kill()
                self.fwupd.wait()
        for proc in reversed(self.procs):
            proc.terminate()
            proc.wait()
        os.environ.pop('DBUS_SYSTEM_BUS_ADDRESS', None)
        shutil.rmtree(self.tmp, ignore_errors=True)


class Bridge:
    """otaux-fwupd ($OTAUX_FWUPD) with its own state and cache folders."""

    def __init__(self, world, state_dir=None):
        self.exe = os.environ.get('OTAUX_FWUPD')
        if not self.exe:
            raise Skip('OTAUX_FWUPD is not set')
        self.world = world
        self.state_dir = state_dir or world.path('bridge-state')
        self.cache_dir = world.path('bridge-cache')
        self.proc = None
        self.status = None

    def start(self):
        r, w = os.pipe()
        self.status = None
        self.proc = subprocess.Popen([self.exe, '--verbose', '--state-dir', self.state_dir,
                                      '--cache-dir', self.cache_dir], stdout=w, stderr=w,
                                     stdin=subprocess.DEVNULL)
        os.close(w)
        self.log = LineLog(r, 'bridge')
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.proc.pid, self._exited)
        self.log.wait('connected to fwupd', 30)
        return self

    def _exited(self, pid, status):
        self.status = status

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        wait_until(lambda: self.status is not None, 20, 'otaux-fwupd to exit')
        self.proc = None
        if os.WIFEXITED(self.status):
            return os.WEXITSTATUS(self.status)
        return -os.WTERMSIG(self.status)

    def close(self):
        if self.proc is not None:
            self.stop(signal.SIGKILL)
