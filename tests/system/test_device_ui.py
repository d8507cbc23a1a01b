#!/usr/bin/python3
"""A change on the system bus reaches the notification and the pop-up at
once (issue 10): the real otaux-agent with the real prompter on a private X
server and session bus, python-dbusmock's notification_daemon, and a mock
ModemManager and UPower on a private system bus.

Usage: test_device_ui.py PROMPTER ARTIFACT_DIR
TAP output; exit 77 when xvfb-run/xdotool/dbusmock are missing. The
pictures go to ARTIFACT_DIR/device/ (each name says what it shows)."""
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'ui'))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
import uitest  # noqa: E402

uitest.reexec_under_xvfb(os.path.join(HERE, '..', 'ui', 'session.conf'))

try:
    import dbus  # noqa: E402
    import dbusmock  # noqa: E402,F401  (only: is it installed)
except ImportError as e:
    print('1..0 # SKIP %s' % e, flush=True)
    sys.exit(uitest.SKIP)
import otauxtest  # noqa: E402
import systest as st  # noqa: E402

PROMPTER = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.join(os.path.abspath(sys.argv[2]), 'device')
ROAMING = 'You are roaming'
LOW_BATTERY = 'The battery is too low to install the update. Charge the device.'


def layout_with(shots, serial, kind, pred, what):
    """Waits for the prompter's picture of @kind whose labels satisfy pred
    (it writes a new one whenever the prompt on screen changes)."""
    path = os.path.join(shots, '%d-%s.json' % (serial, kind))

    def ready():
        try:
            with open(path) as f:
                lay = json.load(f)
        except (OSError, ValueError):
            return None
        return lay if pred(' '.join(x.get('text', '') for x in lay.get('labels', []))) else None
    try:
        return uitest.wait_for(ready, 20, what)
    except AssertionError:
        uitest.log('pictures:', sorted(os.listdir(shots)))
        if os.path.exists(path):
            uitest.log(open(path).read())
        raise


def keep(shots, serial, kind, name):
    src = os.path.join(shots, '%d-%s.png' % (serial, kind))
    dst = os.path.join(ARTIFACTS, name + '.png')
    shutil.copy(src, dst)
    uitest.log('picture:', dst)


class Ctx:
    def __init__(self, name):
        self.tmp = tempfile.mkdtemp(prefix='otaux-device-ui-')
        self.shots = os.path.join(self.tmp, 'shots')
        os.makedirs(self.shots)
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.sysbus = st.SystemBus()
        self.notifications = st.Notifications()
        self.agent = None

    def start_agent(self):
        env = uitest.gui_env({
            'OTAUX_PROMPTER': PROMPTER,
            'OTAUX_PROMPTER_ARGS': '--idle-timeout 30 --geometry 360x720 --screenshot-dir '
                                   + self.shots,
        })
        env.pop('ASAN_OPTIONS', None) if 'ASAN_OPTIONS' not in os.environ else None
        self.agent = otauxtest.Agent(os.path.join(self.tmp, 'state'), [], env).start()
        return self.agent

    def close(self):
        if self.agent is not None:
            self.agent.close()
        # The prompter outlives the agent until its idle time-out: stop it,
        # so that the next test's agent starts its own.
        bus = self.notifications.bus
        if bus.name_has_owner('org.otaux.Prompter'):
            daemon = dbus.Interface(bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus'),
                                    'org.freedesktop.DBus')
            try:
                os.kill(int(daemon.GetConnectionUnixProcessID('org.otaux.Prompter')), 15)
            except (OSError, dbus.DBusException):
                pass
            uitest.wait_for(lambda: not bus.name_has_owner('org.otaux.Prompter'), 10,
                            'the prompter to exit')
        self.notifications.stop()
        self.sysbus.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def serial(path):
    return int(path.rsplit('/', 1)[1])


def test_roaming_reaches_notification_and_popup(ctx):
    """Roaming starts (ModemManager): the charge warning appears in the
    Prompt, in the notification (medium: a notification with buttons) and in
    the pop-up (high); roaming ends: it goes from all three."""
    mm = st.modemmanager(ctx.sysbus, registration_state=1)
    agent = ctx.start_agent()
    agent.signals.wait('PropertiesChanged', otauxtest.AGENT_PATH,
                       lambda a: a[1].get('Device', {}).get('roaming-source') == 'system')
    medium = agent.offer(id='modem-fw', name='Modem firmware', version='7.3',
                         priority='medium', size=12300000)
    high = agent.offer(id='phone-os', name='Phone OS', version='2.1', priority='high',
                       size=48000000)
    ctx.notifications.wait_notify(lambda s, b, _h: 'Modem firmware' in b and ROAMING not in b,
                                  'the notification, at home')
    layout_with(ctx.shots, serial(high), 'download', lambda t: 'Phone OS' in t and ROAMING not in t,
                'the pop-up, at home')
    keep(ctx.shots, serial(high), 'download', 'popup-home')

    st.set_registration(mm, 5)
    for path in (medium, high):
        agent.signals.wait('PropertiesChanged', path,
                           lambda a: ROAMING in a[1].get('Prompt', {}).get('warning', ''))
    ctx.notifications.wait_notify(lambda s, b, _h: 'Modem firmware' in b and ROAMING in b,
                                  'the notification with the roaming warning')
    layout_with(ctx.shots, serial(high), 'download', lambda t: ROAMING in t,
                'the pop-up with the roaming warning')
    keep(ctx.shots, serial(high), 'download', 'popup-roaming')

    ctx.notifications.heard.clear()
    st.set_registration(mm, 1)
    for path in (medium, high):
        agent.signals.wait('PropertiesChanged', path,
                           lambda a: a[1].get('Prompt', {}).get('warning', None) == '')
    ctx.notifications.wait_notify(lambda s, b, _h: 'Modem firmware' in b and ROAMING not in b,
                                  'the notification without the warning')
    layout_with(ctx.shots, serial(high), 'download', lambda t: ROAMING not in t,
                'the pop-up without the warning')
    keep(ctx.shots, serial(high), 'download', 'popup-home-again')


def test_battery_reaches_popup(ctx):
    """A low battery: the pop-up says why and offers no "install now"; the
    charger plugged in brings the button back at once."""
    up = st.upower(ctx.sysbus, on_battery=True, percent=12)
    agent = ctx.start_agent()
    agent.signals.wait('PropertiesChanged', otauxtest.AGENT_PATH,
                       lambda a: a[1].get('Device', {}).get('battery-percent') == 12)
    high = agent.offer(id='phone-os', name='Phone OS', version='2.1', priority='high',
                       state=50, **{'needs-reboot': True})
    lay = layout_with(ctx.shots, serial(high), 'install', lambda t: LOW_BATTERY in t,
                      'the install pop-up with the battery warning')
    assert 'accept' not in [b.get('id') for b in lay.get('buttons', [])], lay['buttons']
    keep(ctx.shots, serial(high), 'install', 'popup-install-low-battery')
    st.set_battery(up, on_battery=False, state=1)
    lay = layout_with(ctx.shots, serial(high), 'install', lambda t: LOW_BATTERY not in t,
                      'the install pop-up after the charger is plugged in')
    assert 'accept' in [b.get('id') for b in lay.get('buttons', [])], lay['buttons']
    keep(ctx.shots, serial(high), 'install', 'popup-install-charging')


if __name__ == '__main__':
    sys.exit(uitest.run_tests([test_roaming_reaches_notification_and_popup,
                               test_battery_reaches_popup], Ctx))
