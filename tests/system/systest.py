"""Helpers for the system-service tests (run with /usr/bin/python3 under
dbus-run-session, which gives the session bus).

SystemBus starts a second dbus-daemon with a system-like config
(tests/system/system.conf) and exports its address as
DBUS_SYSTEM_BUS_ADDRESS, so the agent and python-dbusmock use it. Mock
starts one python-dbusmock service on it and waits for its name. Every
wait is on an event (a bus name, a signal, a property) with a bound.
"""
import json
import os
import signal
import subprocess
import sys

import dbus
from gi.repository import GLib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
from otauxtest import (Agent, Skip, wait_until, plain, PROPS_IFACE,  # noqa: E402,F401
                       AGENT_IFACE, AGENT_PATH, OFFER_IFACE, now, expect_error, main, package)

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK_IFACE = 'org.freedesktop.DBus.Mock'


def need_dbusmock():
    try:
        import dbusmock  # noqa: F401
    except ImportError as e:
        raise Skip(f'python3-dbusmock is missing ({e})')


class SystemBus:
    """A private system bus for the test; close() stops it and its mocks."""

    def __init__(self):
        need_dbusmock()
        self.proc = subprocess.Popen(
            ['dbus-daemon', '--config-file', os.path.join(HERE, 'system.conf'), '--nofork',
             '--print-address=1'], stdout=subprocess.PIPE, text=True)
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            raise AssertionError('the private system bus did not start')
        os.environ['DBUS_SYSTEM_BUS_ADDRESS'] = self.address
        self.bus = dbus.bus.BusConnection(self.address)
        self.mocks = []
        self.names = {}
        self.bus.add_signal_receiver(self._owner, 'NameOwnerChanged', 'org.freedesktop.DBus',
                                     'org.freedesktop.DBus', '/org/freedesktop/DBus')

    def _owner(self, name, old, new):
        self.names[str(name)] = str(new)

    def has_name(self, name):
        return bool(self.names.get(name)) or (
            name not in self.names and self.bus.name_has_owner(name))

    def close(self):
        for m in list(self.mocks):
            m.stop()
        self.bus.close()
        self.proc.terminate()
        self.proc.wait()
        os.environ.pop('DBUS_SYSTEM_BUS_ADDRESS', None)


class Mock:
    """One python-dbusmock service on the private system bus."""

    def __init__(self, sysbus, name, path, args):
        self.sysbus = sysbus
        self.name = name
        self.path = path
        self.proc = subprocess.Popen(['/usr/bin/python3', '-m', 'dbusmock', '--system'] + args,
                                     stdout=subprocess.DEVNULL)
        sysbus.mocks.append(self)
        wait_until(lambda: sysbus.names.get(name) or self.proc.poll() is not None, 15,
                   f'{name} on the system bus')
        assert self.proc.poll() is None, f'the {name} mock exited'

    def obj(self, path=None):
        return self.sysbus.bus.get_object(self.name, path or self.path, introspect=False)

    def mock(self, path=None):
        return dbus.Interface(self.obj(path), MOCK_IFACE)

    def set(self, path, iface, prop, value):
        """Sets a property the way the service would: PropertiesChanged follows."""
        self.obj(path).Set(iface, prop, value, dbus_interface=PROPS_IFACE)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()
        if self in self.sysbus.mocks:
            self.sysbus.mocks.remove(self)
        wait_until(lambda: not self.sysbus.names.get(self.name), 10, f'{self.name} to leave')


NOTIFY_NAME = 'org.freedesktop.Notifications'
NOTIFY_PATH = '/org/freedesktop/Notifications'


class Notifications:
    """python-dbusmock's notification_daemon on the session bus; heard: the
    Notify calls it got (MethodCalled: every call, as a signal, no polling)."""

    def __init__(self):
        self.bus = dbus.SessionBus()
        self.heard = []
        self.bus.add_signal_receiver(self._called, 'MethodCalled', MOCK_IFACE,
                                     NOTIFY_NAME, NOTIFY_PATH)
        self.proc = subprocess.Popen(
            ['/usr/bin/python3', '-m', 'dbusmock', '--template', 'notification_daemon', '-p',
             json.dumps({'capabilities': 'body actions body-markup'})],
            stdout=subprocess.DEVNULL)
        wait_until(lambda: self.bus.name_has_owner(NOTIFY_NAME), 15, NOTIFY_NAME)

    def _called(self, name, args):
        if name == 'Notify':
            self.heard.append(plain(args))

    def wait_notify(self, pred, what):
        """The first Notify heard that matches pred(summary, body, hints)."""
        found = []

        def match():
            for args in self.heard:
                if pred(args[3], args[4], args[6]):
                    found.append(args)
                    return True
            return False
        wait_until(match, 15, what)
        return found[0]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


# -- the services ------------------------------------------------------------

MM = 'org.freedesktop.ModemManager1'
MM_PATH = '/org/freedesktop/ModemManager1'
MM_3GPP = 'org.freedesktop.ModemManager1.Modem.Modem3gpp'


def modemmanager(sysbus, registration_state=None):
    """A generic mock (dbusmock has no ModemManager template): the manager is
    an ObjectManager; add_modem() adds a modem with Modem3gpp."""
    m = Mock(sysbus, MM, MM_PATH, ['-m', MM, MM_PATH, MM])
    if registration_state is not None:
        add_modem(m, registration_state)
    return m


def add_modem(mm, registration_state, n=0):
    path = f'{MM_PATH}/Modem/{n}'
    mm.mock(MM_PATH).AddObject(
        path, MM_3GPP,
        dbus.Dictionary({'RegistrationState': dbus.UInt32(registration_state)}, signature='sv'),
        dbus.Array([], signature='(ssss)'))
    # As ModemManager does (dbusmock leaves this to the test).
    props = dbus.Dictionary({'RegistrationState': dbus.UInt32(registration_state)},
                            signature='sv')
    mm.mock(MM_PATH).EmitSignal(
        'org.freedesktop.DBus.ObjectManager', 'InterfacesAdded', 'oa{sa{sv}}',
        [dbus.ObjectPath(path), dbus.Dictionary({MM_3GPP: props}, signature='sa{sv}')],
        signature='sssav')
    return path


def set_registration(mm, state, n=0):
    mm.set(f'{MM_PATH}/Modem/{n}', MM_3GPP, 'RegistrationState', dbus.UInt32(state))


NM = 'org.freedesktop.NetworkManager'
NM_PATH = '/org/freedesktop/NetworkManager'


def networkmanager(sysbus, metered=1, primary_type='802-11-wireless'):
    m = Mock(sysbus, NM, NM_PATH, ['-t', 'networkmanager'])
    iface = m.mock(NM_PATH)
    iface.AddProperty(NM, 'Metered', dbus.UInt32(metered))
    try:
        iface.AddProperty(NM, 'PrimaryConnectionType', dbus.String(primary_type))
    except dbus.exceptions.DBusException:
        m.set(NM_PATH, NM, 'PrimaryConnectionType', dbus.String(primary_type))
    return m


UPOWER = 'org.freedesktop.UPower'
UP_PATH = '/org/freedesktop/UPower'
UP_DISPLAY = '/org/freedesktop/UPower/devices/DisplayDevice'
UP_DEVICE = 'org.freedesktop.UPower.Device'


def upower(sysbus, on_battery=True, percent=None, state=2):
    m = Mock(sysbus, UPOWER, UP_PATH, ['-t', 'upower', '-p', json.dumps({'OnBattery': on_battery})])
    if percent is not None:
        # type 2 battery; state 1 charging, 2 discharging
        m.mock(UP_PATH).SetupDisplayDevice(dbus.UInt32(2), dbus.UInt32(state), dbus.Double(percent),
                                           dbus.Double(percent), dbus.Double(100.0),
                                           dbus.Double(10.0), dbus.Int64(3600), dbus.Int64(0),
                                           dbus.Boolean(True), 'battery-good-symbolic',
                                           dbus.UInt32(1))
    return m


def set_battery(up, percent=None, on_battery=None, state=None):
    if percent is not None:
        up.set(UP_DISPLAY, UP_DEVICE, 'Percentage', dbus.Double(percent))
    if state is not None:
        up.set(UP_DISPLAY, UP_DEVICE, 'State', dbus.UInt32(state))
    if on_battery is not None:
        up.set(UP_PATH, UPOWER, 'OnBattery', dbus.Boolean(on_battery))


OFONO = 'org.ofono'


def ofono(sysbus):
    return Mock(sysbus, OFONO, '/', ['-t', 'ofono'])


LOGIND = 'org.freedesktop.login1'
LOGIND_PATH = '/org/freedesktop/login1'


def logind(sysbus):
    return Mock(sysbus, LOGIND, LOGIND_PATH, ['-t', 'logind'])


def inhibitors(login):
    return [tuple(plain(i)) for i in login.obj().ListInhibitors(
        dbus_interface='org.freedesktop.login1.Manager')]


def inhibitors_settle(login, want_empty):
    """The mock drops an inhibitor when it sees the fd close (in its own
    loop, without a signal): ask again on a short timer, bounded."""
    state = {}

    def check():
        state['list'] = inhibitors(login)
        return (len(state['list']) == 0) == want_empty
    tick = GLib.timeout_add(20, lambda: True)
    try:
        wait_until(check, 10, 'the inhibitor list')
    finally:
        GLib.source_remove(tick)
    return state['list']


# -- the rig every case runs in ------------------------------------------------

TESTING_PATH = '/org/otaux/Agent/Testing'
TESTING_IFACE = 'org.otaux.Testing1'


class Ctx:
    """One agent and its mocks on a private system bus the cases share.
    done() stops the agent (SIGTERM: it frees everything, and under ASan a
    leak exits non-zero, so the exit code is asserted) and every mock
    (SIGCONT first: a case may have stopped one to play a hung service)."""

    def __init__(self):
        self.sysbus = SystemBus()
        self.agent = None

    def device(self):
        return self.agent.prop_agent('Device')

    def wait_device(self, **want):
        """Waits until Agent1.Device holds every key=value (keys with '_' for '-')."""
        want = {k.replace('_', '-'): v for k, v in want.items()}

        def ok():
            d = self.device()
            return all(d.get(k) == v for k, v in want.items())
        if ok():
            return self.device()
        self.agent.signals.wait('PropertiesChanged', AGENT_PATH,
                                lambda a: 'Device' in a[1] and all(
                                    a[1]['Device'].get(k) == v for k, v in want.items()))
        return self.device()

    def wait_prompt(self, path, pred, what='the prompt'):
        if pred(self.agent.prop(path, 'Prompt')):
            return self.agent.prop(path, 'Prompt')
        self.agent.signals.wait('PropertiesChanged', path,
                                lambda a: 'Prompt' in a[1] and pred(a[1]['Prompt']))
        return self.agent.prop(path, 'Prompt')

    def set_time(self, t):
        """The agent's test clock (--test-clock)."""
        dbus.Interface(self.agent.obj(TESTING_PATH), TESTING_IFACE).SetTime(dbus.Int64(t))

    def stop_agent(self):
        if self.agent is not None:
            code = self.agent.stop() if self.agent.proc is not None else 0
            self.agent.close()
            self.agent = None
            assert code == 0, f'the agent exited with {code}'

    def done(self):
        self.stop_agent()
        for m in list(self.sysbus.mocks):
            if m.proc.poll() is None:
                os.kill(m.proc.pid, signal.SIGCONT)
            m.stop()


def run_cases(ctx_class, cases):
    """TAP over @cases, one shared @ctx_class (its system bus) for all;
    each case ends with ctx.done(), pass or fail."""
    def each(fn):
        def run(ctx):
            try:
                fn(ctx)
            finally:
                ctx.done()
        run.__name__ = fn.__name__
        return run

    def teardown(ctx):
        if ctx is not None:
            ctx.done()
            ctx.sysbus.close()
    main([each(t) for t in cases], ctx_class, teardown)
