"""The real RAUC 1.8 service for the otaux-rauc tests (run with /usr/bin/python3
under dbus-run-session, as root).

RaucWorld builds, per case: two ext4 image files as slots, a system.conf
with `bootloader=custom` (bl.sh below keeps the boot state in files: the
primary slot, each slot's good/bad, and a log of every call) and
`activate-installed=false`, and runs `rauc service` on the session bus of
dbus-run-session (DBUS_STARTER_BUS_TYPE=session, as RAUC's own tests do)
under `unshare -m --propagation private`, so a service killed mid-install
leaves no bundle mounted. python-dbusmock's logind runs on the private
system bus of tests/system/systest.py and records Reboot. Bundles are made
in the test (`rauc bundle`, plain format) and signed by a throwaway openssl
CA, made once per run. Waits are bounded and wait for events: a bus name,
a log line, a file, a child's exit.
"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'system'))
sys.path.insert(0, os.path.join(HERE, '..', 'fwupd'))

import dbus  # noqa: E402
from gi.repository import GLib  # noqa: E402
import systest  # noqa: E402
from fwupdtest import LineLog  # noqa: E402
from otauxtest import Skip, wait_until  # noqa: E402

RAUC_NAME = 'de.pengutronix.rauc'
RAUC_IFACE = 'de.pengutronix.rauc.Installer'
COMPATIBLE = 'otaux-test'
IMAGE_BYTES = 4 * 1024 * 1024

CA_CNF = '''[req]
distinguished_name=dn
[dn]
[v3_ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[v3_leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
'''

# The custom bootloader backend: RAUC calls it with get-primary,
# set-primary SLOT, get-state SLOT, set-state SLOT good|bad. State in files.
BOOTLOADER = '''#!/bin/sh
d={dir}
echo "$*" >> "$d/log"
case "$1" in
get-primary) cat "$d/primary" 2>/dev/null || echo A ;;
set-primary) echo "$2" > "$d/primary.tmp" && mv "$d/primary.tmp" "$d/primary" ;;
get-state) cat "$d/state.$2" 2>/dev/null || echo good ;;
set-state) echo "$3" > "$d/state.$2" ;;
get-current) cat "$d/current" 2>/dev/null || echo A ;;
*) exit 1 ;;
esac
'''

# A pre-install handler that holds RAUC until the test opens the gate
# (bounded: it gives up after 60 s); its PID is written for the test.
GATE = '''#!/bin/sh
echo $$ > {dir}/gate.pid
i=0
while [ ! -e {dir}/gate.open ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
'''

SYSTEM_CONF = '''[system]
compatible={compatible}
bootloader=custom
mountprefix={w}/mnt
data-directory={w}/data
bundle-formats=plain
activate-installed=false
[handlers]
bootloader-custom-backend={w}/bl.sh
{handlers}
[keyring]
path={ca}/ca.cert.pem
[slot.rootfs.0]
device={w}/slot0.img
type=ext4
bootname=A
[slot.rootfs.1]
device={w}/slot1.img
type=ext4
bootname=B
'''

_keys = None


def need_root():
    if os.geteuid() != 0:
        raise Skip('RAUC installs through loop devices: needs root')
    if not os.path.exists('/dev/loop-control'):
        raise Skip('no /dev/loop-control (loop devices)')
    for prog, pkg in (('rauc', 'rauc'), ('mksquashfs', 'squashfs-tools'), ('openssl', 'openssl'),
                      ('unshare', 'util-linux'), ('mkfs.ext4', 'e2fsprogs')):
        if shutil.which(prog) is None:
            raise Skip(f'{prog} is missing (Debian package {pkg})')
    systest.need_dbusmock()


def run(*args, **kw):
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


def make_ca(d, name):
    """A CA and a signer below it (about 0.8 s per key)."""
    os.makedirs(d, exist_ok=True)
    cnf = os.path.join(d, 'ca.cnf')
    with open(cnf, 'w') as f:
        f.write(CA_CNF)
    run('openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout',
        f'{d}/ca.key.pem', '-out', f'{d}/ca.cert.pem', '-subj', f'/CN={name} CA', '-days', '365',
        '-config', cnf, '-extensions', 'v3_ca')
    run('openssl', 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f'{d}/dev.key.pem',
        '-out', f'{d}/dev.csr', '-subj', f'/CN={name} signer', '-config', cnf)
    run('openssl', 'x509', '-req', '-in', f'{d}/dev.csr', '-CA', f'{d}/ca.cert.pem', '-CAkey',
        f'{d}/ca.key.pem', '-CAcreateserial', '-out', f'{d}/dev.cert.pem', '-days', '365',
        '-extfile', cnf, '-extensions', 'v3_leaf')
    return d


def keys():
    """The run's two CAs: the device's (its keyring) and a rogue one."""
    global _keys
    if _keys is None:
        root = tempfile.mkdtemp(prefix='otaux-rauc-keys-')
        _keys = {'good': make_ca(os.path.join(root, 'good'), 'otaux test'),
                 'rogue': make_ca(os.path.join(root, 'rogue'), 'rogue'),
                 'root': root}
    return _keys


def drop_keys():
    global _keys
    if _keys is not None:
        shutil.rmtree(_keys['root'], ignore_errors=True)
        _keys = None


def sha256(path, length=None):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        h.update(f.read(length) if length else f.read())
    return h.hexdigest()


class RaucWorld:
    """Slots, the bootloader's files, the RAUC service and logind's mock."""

    def __init__(self, gate=False, system_bus=True):
        """system_bus: a private system bus of its own with logind's mock
        (False: the caller's, e.g. the system instance's of
        tests/system/test_system_instance.py, with its own logind mock)."""
        need_root()
        self.keys = keys()
        self.tmp = tempfile.mkdtemp(prefix='otaux-rauc-test-')
        self.rauc = None
        self.rauc_status = None
        self.sysbus = None
        self.login = None
        self.reboots = []
        self.bus = dbus.SessionBus()
        self.owner = ''
        self.bus.add_signal_receiver(self._owner_changed, 'NameOwnerChanged',
                                     'org.freedesktop.DBus', 'org.freedesktop.DBus',
                                     '/org/freedesktop/DBus', arg0=RAUC_NAME)
        for d in ('mnt', 'data', 'bl', 'bundles', 'state', 'work'):
            os.makedirs(self.path(d))
        for n in (0, 1):
            img = self.path(f'slot{n}.img')
            with open(img, 'wb') as f:
                f.truncate(8 * 1024 * 1024)
            run('mkfs.ext4', '-q', '-F', img)
        self.slot1_before = sha256(self.path('slot1.img'))
        with open(self.path('bl.sh'), 'w') as f:
            f.write(BOOTLOADER.format(dir=self.path('bl')))
        os.chmod(self.path('bl.sh'), 0o755)
        handlers = ''
        if gate:
            with open(self.path('gate.sh'), 'w') as f:
                f.write(GATE.format(dir=self.tmp))
            os.chmod(self.path('gate.sh'), 0o755)
            handlers = f'pre-install={self.path("gate.sh")}'
        with open(self.path('system.conf'), 'w') as f:
            f.write(SYSTEM_CONF.format(compatible=COMPATIBLE, w=self.tmp, handlers=handlers,
                                       ca=self.keys['good']))
        if system_bus:
            self.sysbus = systest.SystemBus()
            self.login = systest.logind(self.sysbus)
            self.watch_reboots(self.sysbus.bus)

    def watch_reboots(self, bus):
        """Records logind's (the mock's) Reboot calls on that bus."""
        bus.add_signal_receiver(self._mock_called, 'MethodCalled', 'org.freedesktop.DBus.Mock',
                                path='/org/freedesktop/login1')

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def _owner_changed(self, name, old, new):
        self.owner = str(new)

    def _mock_called(self, name, args):
        if str(name) == 'Reboot':
            self.reboots.append([bool(a) for a in args])

    # -- bundles --------------------------------------------------------------

    def make_bundle(self, version, compatible=COMPATIBLE, description='Acme OS', signer='good',
                    sidecar=None, name=None):
        """A plain bundle with a 4 MiB ext4 image, moved into the bundle
        folder at once (rename); returns (path, sha256 of the image)."""
        d = self.path('work', f'in-{version}-{compatible}-{signer}')
        os.makedirs(d)
        img = os.path.join(d, 'rootfs.ext4')
        with open(img, 'wb') as f:
            f.truncate(IMAGE_BYTES)
        run('mkfs.ext4', '-q', '-F', '-L', f'v{version}', img)
        # rauc bundle rewrites the manifest: written each time
        with open(os.path.join(d, 'manifest.raucm'), 'w') as f:
            f.write(f'[update]\ncompatible={compatible}\nversion={version}\n'
                    f'description={description}\nbuild=20261204\n\n'
                    '[image.rootfs]\nfilename=rootfs.ext4\n')
        k = self.keys[signer]
        out = self.path('work', f'{name or version}.raucb')
        run('rauc', 'bundle', f'--cert={k}/dev.cert.pem', f'--key={k}/dev.key.pem',
            f'--keyring={k}/ca.cert.pem', d, out)
        final = self.path('bundles', os.path.basename(out))
        if sidecar is not None:
            with open(final + '.otaux', 'w') as f:
                f.write(sidecar)
        os.rename(out, final)
        return final, sha256(img)

    # -- the service ----------------------------------------------------------

    def start_rauc(self, boot_slot='A'):
        env = dict(os.environ, DBUS_STARTER_BUS_TYPE='session')
        r, w = os.pipe()
        self.rauc_status = None
        self.rauc = subprocess.Popen(
            ['unshare', '-m', '--propagation', 'private', 'rauc', '-c', self.path('system.conf'),
             'service', f'--override-boot-slot={boot_slot}'],
            env=env, stdout=w, stderr=w, stdin=subprocess.DEVNULL)
        os.close(w)
        self.rauc_log = LineLog(r, 'rauc')
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.rauc.pid, self._rauc_exited)
        wait_until(lambda: self.owner or self.rauc_status is not None, 20, f'{RAUC_NAME} on the bus')
        assert self.rauc_status is None, f'rauc service exited: {self.rauc_log.lines[-5:]}'

    def _rauc_exited(self, pid, status):
        self.rauc_status = status

    def stop_rauc(self, sig=signal.SIGTERM):
        if self.rauc is None:
            return
        self.kill_handlers()
        self.rauc.send_signal(sig)
        wait_until(lambda: self.rauc_status is not None and not self.owner, 20, 'rauc to exit')
        self.rauc = None

    def kill_handlers(self):
        """Handler children outlive the service: killed by their PID."""
        try:
            with open(self.path('gate.pid')) as f:
                pid = int(f.read().strip())
            os.kill(pid, signal.SIGKILL)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            pass

    def open_gate(self):
        with open(self.path('gate.open'), 'w'):
            pass

    def installer(self):
        return dbus.Interface(self.bus.get_object(RAUC_NAME, '/', introspect=False), RAUC_IFACE)

    def rauc_prop(self, name):
        return systest.plain(self.bus.get_object(RAUC_NAME, '/', introspect=False).Get(
            RAUC_IFACE, name, dbus_interface='org.freedesktop.DBus.Properties'))

    # -- the bootloader's files -----------------------------------------------

    def bl_log(self):
        try:
            with open(self.path('bl', 'log')) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def primary(self):
        try:
            with open(self.path('bl', 'primary')) as f:
                return f.read().strip()
        except FileNotFoundError:
            return 'A'

    def slot1_holds(self, image_sha):
        return sha256(self.path('slot1.img'), IMAGE_BYTES) == image_sha

    def close(self):
        try:
            self.stop_rauc(signal.SIGKILL)
        finally:
            self.kill_handlers()
            if self.sysbus is not None:
                self.sysbus.close()
            shutil.rmtree(self.tmp, ignore_errors=True)


class Bridge:
    """otaux-rauc ($OTAUX_RAUC): RAUC on the session bus, the agent on the
    session bus or the system instance's bus."""

    def __init__(self, world, agent_bus='session'):
        self.agent_bus = agent_bus  # system: the system instance (otaux-agent --system)
        self.exe = os.environ.get('OTAUX_RAUC')
        if not self.exe:
            raise Skip('OTAUX_RAUC is not set')
        self.world = world
        self.proc = None
        self.status = None
        self.starts = 0

    def start(self, wait_rauc=True):
        r, w = os.pipe()
        self.status = None
        self.proc = subprocess.Popen(
            [self.exe, '--verbose', '--bundle-dir', self.world.path('bundles'), '--state-dir',
             self.world.path('state'), '--rauc-config', self.world.path('system.conf'),
             '--agent-bus', self.agent_bus, '--rauc-bus', 'session'],
            stdout=w, stderr=w, stdin=subprocess.DEVNULL)
        os.close(w)
        self.starts += 1
        self.log = LineLog(r, f'bridge{self.starts}')
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.proc.pid, self._exited)
        if wait_rauc:
            self.log.wait('connected to RAUC', 30)
        return self

    def _exited(self, pid, status):
        self.status = status

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        wait_until(lambda: self.status is not None, 20, 'otaux-rauc to exit')
        self.proc = None
        if os.WIFEXITED(self.status):
            return os.WEXITSTATUS(self.status)
        return -os.WTERMSIG(self.status)

    def close(self):
        if self.proc is not None:
            self.stop(signal.SIGKILL)
