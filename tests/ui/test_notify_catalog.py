#!/usr/bin/python3
"""An operator catalog changes the words of the agent's notifications.

Runs under dbus-run-session: python-dbusmock's notification_daemon template
is the notification server; the real otaux-agent starts with --strings-dir
holding a catalog that overrides download.title and download.body; a
medium-priority offer must give a Notify call whose summary is the
catalog's title (and whose body has the catalog's body, values filled in).

Exits 77 (skip) when python-dbusmock is missing or the agent was built
without its notification presenter ($OTAUX_AGENT_HAS_NOTIFY != 1: the
build sets it from is_variable('otaux_notify_dep')).
TAP output."""
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uitest  # noqa: E402

TITLE = 'Acme: new phone software is here'
BODY = 'Get {name} {version} now, {size}.'
CATALOG = '''<?xml version="1.0" encoding="UTF-8"?>
<catalog locale="en" default="true" version="1">
  <string id="download.title">%s</string>
  <string id="download.body">%s</string>
</catalog>
''' % (TITLE, BODY)


def log(*a):
    print('#', *a, flush=True)


def skip(why):
    print('1..0 # SKIP %s' % why, flush=True)
    sys.exit(77)


def wait_for(pred, what, timeout=15.0):
    return uitest.wait_for(pred, timeout, what)


def main():
    if os.environ.get('OTAUX_AGENT_HAS_NOTIFY') != '1':
        skip('otaux-agent has no notification presenter in this build')
    try:
        import dbus
        import dbusmock  # noqa: F401
    except ImportError as e:
        skip('python3-dbusmock is missing (%s)' % e)
    agent_exe = os.environ['OTAUX_AGENT']

    print('1..1', flush=True)
    tmp = tempfile.mkdtemp(prefix='otaux-notify-catalog-')
    procs = []
    ok = False
    try:
        bus = dbus.SessionBus()
        dbus_obj = bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus')

        def has_owner(name):
            return bool(dbus_obj.NameHasOwner(name, dbus_interface='org.freedesktop.DBus'))

        mock = subprocess.Popen(['/usr/bin/python3', '-m', 'dbusmock', '--template',
                                 'notification_daemon'], stdout=subprocess.DEVNULL)
        procs.append(mock)
        wait_for(lambda: has_owner('org.freedesktop.Notifications'), 'the mock server')
        mock_iface = dbus.Interface(bus.get_object('org.freedesktop.Notifications',
                                                   '/org/freedesktop/Notifications'),
                                    'org.freedesktop.DBus.Mock')

        strings = os.path.join(tmp, 'strings')
        os.makedirs(strings)
        with open(os.path.join(strings, 'acme-en.xml'), 'w') as f:
            f.write(CATALOG)
        env = dict(os.environ, LANGUAGE='en')
        agent = subprocess.Popen([agent_exe, '--state-dir', os.path.join(tmp, 'state'),
                                  '--strings-dir', strings, '--no-popups'], env=env)
        procs.append(agent)
        wait_for(lambda: has_owner('org.otaux.Agent') or agent.poll() is not None,
                 'org.otaux.Agent on the bus')
        assert agent.poll() is None, 'the agent exited at start'

        pkg = dbus.Dictionary({'id': 'notify-catalog-1', 'name': 'Contoso OS',
                               'version': '3.0', 'priority': 'medium',
                               'size': dbus.UInt64(25 * 1000 * 1000)}, signature='sv')
        path = bus.get_object('org.otaux.Agent', '/org/otaux/Agent').Offer(
            pkg, dbus_interface='org.otaux.Agent1')
        log('offered', path)

        def notified():
            calls = mock_iface.GetMethodCalls('Notify')
            return list(calls) if calls else None
        calls = wait_for(notified, 'a Notify call')
        args = calls[-1][1]
        summary, body = str(args[3]), str(args[4])
        log('Notify summary %r body %r' % (summary, body))
        assert summary == TITLE, 'summary %r, not the catalog title %r' % (summary, TITLE)
        assert 'Get Contoso OS 3.0 now, 25.0\u00a0MB.' in body, 'body %r' % body
        agent.terminate()
        rc = agent.wait(timeout=15)
        assert rc == 0, 'the agent exited %d on SIGTERM' % rc
        ok = True
    except Exception:  # noqa: BLE001
        for line in traceback.format_exc().splitlines():
            log(line)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print('%s 1 - operator_catalog_changes_notify_summary' % ('ok' if ok else 'not ok'),
          flush=True)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
