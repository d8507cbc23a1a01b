#!/usr/bin/python3
"""Callers other than the agent's uid and root get org.otaux.Error.AccessDenied.

Needs root: it starts its own private bus whose policy lets uid 65534
(nobody) connect, and calls the agent as nobody with setpriv. Not root:
SKIP (exit 77). Runs itself again under dbus-run-session with that config."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otauxtest import SKIP_EXIT, Agent, snapshot  # noqa: E402

NOBODY = 65534
DENIED = 'org.otaux.Error.AccessDenied'

BUS_CONFIG = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>{session_conf}</include>
  <!-- the session bus lets only its own uid connect; let nobody in too -->
  <policy context="default">
    <allow user="*"/>
  </policy>
</busconfig>
'''

# Runs as nobody: one call, prints the D-Bus error name (or "ok").
CLIENT = r'''
import sys, dbus
bus = dbus.SessionBus()
obj = bus.get_object('org.otaux.Agent', sys.argv[1], introspect=False)
method, args = sys.argv[2], []
if method == 'Offer':
    iface, args = 'org.otaux.Agent1', [dbus.Dictionary({'id': 'from-nobody'}, signature='sv')]
elif method == 'Answer':
    iface, args = 'org.otaux.Offer1', ['accept', dbus.Dictionary({}, signature='sv')]
elif method == 'SetState':
    iface, args = 'org.otaux.Offer1', [dbus.UInt32(30), dbus.Dictionary({}, signature='sv')]
elif method == 'Finish':
    iface, args = 'org.otaux.Offer1', [dbus.UInt32(200)]
elif method == 'Get':
    iface, args = 'org.freedesktop.DBus.Properties', ['org.otaux.Offer1', 'Phase']
else:
    iface = 'org.otaux.Offer1'
try:
    getattr(obj, method)(*args, dbus_interface=iface)
    print('ok')
except dbus.exceptions.DBusException as e:
    print(e.get_dbus_name())
'''


def as_nobody(path, method):
    out = subprocess.run(
        ['setpriv', f'--reuid={NOBODY}', f'--regid={NOBODY}', '--clear-groups',
         '/usr/bin/python3', '-c', CLIENT, path, method],
        capture_output=True, text=True, timeout=60, cwd='/')
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def inner():
    a = Agent().start()
    try:
        path = a.offer(id='mine', priority='high')
        before = snapshot(a)
        checks = [('/org/otaux/Agent', 'Offer'), (path, 'Answer'), (path, 'SetState'),
                  (path, 'Finish'), (path, 'Withdraw')]
        failed = 0
        for p, method in checks:
            got = as_nobody(p, method)
            ok = got == DENIED
            failed += not ok
            print(f'{"ok" if ok else "FAIL"}: {method} as uid {NOBODY} -> {got}')
        got = as_nobody(path, 'Get')
        print(f'info: reading a property as uid {NOBODY} -> {got}')
        if snapshot(a) != before:
            print('FAIL: a refused call changed the state')
            failed += 1
        assert a.alive()
        return 1 if failed else 0
    finally:
        a.stop()
        a.close()


def outer():
    if os.geteuid() != 0:
        print('SKIP: needs root to call the agent as another uid')
        return SKIP_EXIT
    if not shutil.which('setpriv'):
        print('SKIP: setpriv not found')
        return SKIP_EXIT
    session_conf = next((c for c in ('/usr/share/dbus-1/session.conf', '/etc/dbus-1/session.conf')
                         if os.path.exists(c)), None)
    if session_conf is None:
        print('SKIP: no session.conf to start from')
        return SKIP_EXIT
    tmp = tempfile.mkdtemp(prefix='otaux-bus-')
    try:
        conf = os.path.join(tmp, 'session-any-user.conf')
        with open(conf, 'w') as f:
            f.write(BUS_CONFIG.format(session_conf=session_conf))
        drs = os.environ.get('DBUS_RUN_SESSION', 'dbus-run-session')
        return subprocess.run([drs, f'--config-file={conf}', '--', sys.executable,
                               os.path.abspath(__file__), '--inner'], timeout=100).returncode
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(inner() if '--inner' in sys.argv else outer())
