#!/usr/bin/python3
"""The agent and the system's own services (issue 10), on a private system
bus with python-dbusmock: ModemManager and oFono (roaming), NetworkManager
(metered, cellular), UPower (battery), logind (the shutdown inhibitor).

Runs under dbus-run-session (the session bus for the agent's API); starts
its own system bus (systest.SystemBus). Every wait is on a signal, a bus
name or a property, with a bound. Exit 77 when python3-dbusmock is missing.
"""
import os
import signal
import shutil
import tempfile

import dbus
from gi.repository import GLib

import systest as st
from systest import wait_until

ROAMING_WARNING = 'You are roaming: downloading may cost extra data charges.'
LOW_BATTERY = 'The battery is too low to install the update. Charge the device.'
WAITING = 'Waiting for the charger'
NO_POWER_OFF = 'The device cannot be turned off until the update is installed.'


class Ctx(st.Ctx):
    """The shared rig, with a policy file of the case's own."""

    def __init__(self):
        super().__init__()
        self.policy_dir = None

    def start(self, policy=None, test_clock=False):
        args = []
        if policy is not None:
            self.policy_dir = tempfile.mkdtemp(prefix='otaux-sys-policy-')
            with open(os.path.join(self.policy_dir, 'test_100.xml'), 'w') as f:
                f.write(f'<?xml version="1.0"?>\n<otaux-policy version="1">{policy}</otaux-policy>\n')
            args += ['--policy-dir', self.policy_dir]
        if test_clock:
            args.append('--test-clock')
        args.append('--no-notifications')
        args.append('--no-popups')
        self.agent = st.Agent(args=args).start()
        return self.agent

    def done(self):
        try:
            super().done()
        finally:
            if self.policy_dir:
                shutil.rmtree(self.policy_dir, ignore_errors=True)
                self.policy_dir = None


def download_offer(agent, **kw):
    return agent.offer(id='pkg-1', name='Phone OS', version='2.0', size=12300000, **kw)


def install_offer(agent, **kw):
    return agent.offer(id='pkg-1', name='Phone OS', version='2.0', size=12300000, state=50,
                       needs_reboot=True, **kw)


# -- the cases ---------------------------------------------------------------

def test_no_services(ctx):
    """A system bus with none of the services: the updater's keys count."""
    agent = ctx.start()
    path = download_offer(agent, roaming=True)
    assert agent.prop(path, 'Prompt')['warning'] == ROAMING_WARNING
    d = ctx.device()
    assert d['roaming'] is True and d['roaming-source'] == 'updater', d
    assert d['battery-source'] == 'none' and d['on-battery-source'] == 'none', d
    assert d['shutdown-inhibited'] is False


def test_modem_roaming_live(ctx):
    """ModemManager's RegistrationState reaches the open download question
    at once: roaming (5) brings the charge warning, home (1) takes it away."""
    mm = st.modemmanager(ctx.sysbus, registration_state=1)
    agent = ctx.start()
    ctx.wait_device(roaming=False, roaming_source='system')
    path = download_offer(agent)
    assert agent.prop(path, 'Prompt')['warning'] == ''
    st.set_registration(mm, 5)
    ctx.wait_prompt(path, lambda p: p.get('warning') == ROAMING_WARNING)
    ctx.wait_device(roaming=True, roaming_source='system')
    st.set_registration(mm, 1)
    ctx.wait_prompt(path, lambda p: p.get('warning') == '')
    for state in (7, 10):  # roaming, SMS only; roaming, CSFB not preferred
        st.set_registration(mm, state)
        ctx.wait_device(roaming=True)
        st.set_registration(mm, 1)
        ctx.wait_device(roaming=False)


def test_modem_appears_later(ctx):
    """A ModemManager that starts after the agent is picked up; when it
    goes, its word goes with it."""
    agent = ctx.start()
    path = download_offer(agent, roaming=False)
    assert ctx.device()['roaming-source'] == 'updater'
    mm = st.modemmanager(ctx.sysbus)
    st.add_modem(mm, 5)  # InterfacesAdded
    ctx.wait_prompt(path, lambda p: p.get('warning') == ROAMING_WARNING)
    mm.stop()
    ctx.wait_prompt(path, lambda p: p.get('warning') == '')
    ctx.wait_device(roaming_source='updater')


def test_roaming_policy_follows_live_value(ctx):
    """roaming download="no": a silent offer waits while the modem roams and
    is accepted (reason policy) when it comes home."""
    mm = st.modemmanager(ctx.sysbus, registration_state=5)
    agent = ctx.start(policy='<roaming present="yes" download="no"/>')
    ctx.wait_device(roaming=True)
    path = download_offer(agent, silent=True)
    assert agent.prop(path, 'Decision') == 'none'
    assert agent.prop(path, 'Prompt').get('kind', '') == ''
    st.set_registration(mm, 1)
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['reason'] == 'policy', args


def test_otauxctl_status(ctx):
    """otauxctl status prints the Device facts and their sources."""
    import subprocess
    mm = st.modemmanager(ctx.sysbus, registration_state=5)
    st.upower(ctx.sysbus, on_battery=True, percent=42)
    agent = ctx.start()
    ctx.wait_device(roaming=True, battery_percent=42)
    download_offer(agent, metered=dbus.Boolean(True))
    out = subprocess.run([os.environ['OTAUXCTL'], 'status'], capture_output=True, text=True,
                         check=True).stdout
    lines = [' '.join(line.split()) for line in out.splitlines()]
    for want in ('roaming yes (from system)', 'metered yes (from updater)',
                 'cellular no (from none)', 'battery 42 % (from system)',
                 'on battery yes (from system)', 'session idle no (from none)',
                 'restart blocked no (from none)', 'power-off allowed'):
        assert want in lines, (want, out)
    del mm


def test_ofono_roaming(ctx):
    """oFono (no ModemManager): NetworkRegistration Status "roaming"."""
    of = st.ofono(ctx.sysbus)
    agent = ctx.start()
    ctx.wait_device(roaming=False, roaming_source='system')
    path = download_offer(agent)
    netreg = dbus.Interface(of.obj('/ril_0'), 'org.ofono.NetworkRegistration')
    netreg.SetProperty('Status', dbus.String('roaming', variant_level=1))
    ctx.wait_prompt(path, lambda p: p.get('warning') == ROAMING_WARNING)
    netreg.SetProperty('Status', dbus.String('registered', variant_level=1))
    ctx.wait_prompt(path, lambda p: p.get('warning') == '')


def test_networkmanager_metered_cellular(ctx):
    """NetworkManager's Metered (1 yes, 3 guess-yes) and a gsm primary
    connection; charge-warning when="metered" follows them."""
    nm = st.networkmanager(ctx.sysbus, metered=1, primary_type='gsm')
    agent = ctx.start(policy='<charge-warning when="metered"/>')
    d = ctx.wait_device(metered=True, cellular=True, metered_source='system')
    assert d['cellular-source'] == 'system', d
    path = download_offer(agent)
    assert 'metered' in agent.prop(path, 'Prompt')['warning']
    nm.set(st.NM_PATH, st.NM, 'Metered', dbus.UInt32(4))  # guess-no
    ctx.wait_prompt(path, lambda p: p.get('warning') == '')
    nm.set(st.NM_PATH, st.NM, 'Metered', dbus.UInt32(3))  # guess-yes
    ctx.wait_prompt(path, lambda p: 'metered' in p.get('warning', ''))
    nm.set(st.NM_PATH, st.NM, 'PrimaryConnectionType', dbus.String('802-11-wireless'))
    ctx.wait_device(cellular=False)


def test_low_battery_holds_install(ctx):
    """On battery at 12 %: no "install now", the warning says why; a
    scheduled time waits (test clock) and says so, without Decided; the
    charger plugged in brings Decided accept (scheduled)."""
    up = st.upower(ctx.sysbus, on_battery=True, percent=12)
    agent = ctx.start(test_clock=True)
    ctx.wait_device(battery_percent=12, on_battery=True, battery_source='system')
    path = install_offer(agent)
    prompt = agent.prop(path, 'Prompt')
    assert prompt['warning'] == LOW_BATTERY, prompt
    ids = [c[0] for c in prompt['choices']]
    assert 'accept' not in ids and 'delay-reboot' in ids and 'cancel' in ids, ids
    st.expect_error('org.otaux.Error.NotAllowed', agent.answer, path, 'accept')

    testing = dbus.Interface(agent.obj('/org/otaux/Agent/Testing'), 'org.otaux.Testing1')
    base = int(agent.obj('/org/otaux/Agent/Testing').Get('org.otaux.Testing1', 'Now',
                                                          dbus_interface=st.PROPS_IFACE))
    agent.answer(path, 'delay-reboot', reboot_at=base + 3600)
    agent.signals.wait('Decided', path, lambda a: a[0] == 'delay-reboot')
    held = ctx.wait_prompt(path, lambda p: p.get('title') == WAITING)
    assert held['body'].endswith(', but only if the charger is plugged in.'), held
    assert held['warning'] == '', held
    testing.SetTime(dbus.Int64(base + 3600 + 5))
    ctx.wait_prompt(path, lambda p: p.get('title') == WAITING and p.get('body') == LOW_BATTERY)
    assert agent.prop(path, 'Decision') == 'delay-reboot'
    assert agent.signals.find('Decided', path) is None, 'Decided while the battery is low'
    assert 'accept' not in [c[0] for c in agent.prop(path, 'Prompt')['choices']]

    st.set_battery(up, on_battery=False, state=1)  # the charger is plugged in
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['reason'] == 'scheduled', args


def test_battery_rises(ctx):
    """The level rising above the line offers "install now" at once."""
    up = st.upower(ctx.sysbus, on_battery=True, percent=20)
    agent = ctx.start()
    ctx.wait_device(battery_percent=20)
    path = install_offer(agent)
    assert 'accept' not in agent.choices(path)
    st.set_battery(up, percent=40)
    ctx.wait_prompt(path, lambda p: 'accept' in [c[0] for c in p.get('choices', [])])
    assert agent.prop(path, 'Prompt')['warning'] == ''


def test_mains_required(ctx):
    """battery mains-required="yes": no install on battery at 90 %; the
    charger plugged in offers it at once."""
    up = st.upower(ctx.sysbus, on_battery=True, percent=90)
    agent = ctx.start(policy='<battery mains-required="yes"/>')
    ctx.wait_device(battery_percent=90, on_battery=True)
    path = install_offer(agent)
    prompt = agent.prop(path, 'Prompt')
    assert prompt['warning'] == 'Plug in the charger to install the update.', prompt
    assert 'accept' not in agent.choices(path)
    st.set_battery(up, on_battery=False, state=1)
    ctx.wait_prompt(path, lambda p: 'accept' in [c[0] for c in p.get('choices', [])])


def test_system_word_counts(ctx):
    """device source="system": the modem says home, so the offer's roaming
    key does not count while ModemManager runs."""
    st.modemmanager(ctx.sysbus, registration_state=1)
    agent = ctx.start(policy='<device source="system"/>')
    ctx.wait_device(roaming_source='system')
    path = download_offer(agent, roaming=True)
    assert agent.prop(path, 'Prompt')['warning'] == ''
    d = ctx.device()
    assert d['roaming'] is False and d['roaming-source'] == 'system', d


def test_no_battery(ctx):
    """UPower without a battery (DisplayDevice type 0): nothing is held."""
    st.upower(ctx.sysbus, on_battery=False)
    agent = ctx.start()
    ctx.wait_device(on_battery_source='system', battery_source='system')
    assert ctx.device()['battery-present'] is False
    path = install_offer(agent)
    assert 'accept' in agent.choices(path)


def test_inhibitor(ctx):
    """While installing: a logind block inhibitor for shutdown:sleep naming
    the update; the installing prompt says the device cannot be turned off;
    released at Finish."""
    login = st.logind(ctx.sysbus)
    agent = ctx.start()
    path = install_offer(agent)
    agent.answer(path, 'accept')
    agent.set_state(path, 60)
    ctx.wait_device(shutdown_inhibited=True)
    found = st.inhibitors_settle(login, want_empty=False)
    assert found[0][:4] == ('shutdown:sleep', 'otaux', 'Installing Phone OS 2.0', 'block'), found
    ctx.wait_prompt(path, lambda p: p.get('warning') == NO_POWER_OFF)
    agent.finish(path, 200)
    ctx.wait_device(shutdown_inhibited=False)
    st.inhibitors_settle(login, want_empty=True)


def test_inhibitor_withdraw_and_kill(ctx):
    """Released at Withdraw; gone when the agent is killed (the fd closes)."""
    login = st.logind(ctx.sysbus)
    agent = ctx.start()
    path = agent.offer(id='a', name='A', version='1', state=60)
    ctx.wait_device(shutdown_inhibited=True)
    st.inhibitors_settle(login, want_empty=False)
    agent.withdraw(path)
    ctx.wait_device(shutdown_inhibited=False)
    st.inhibitors_settle(login, want_empty=True)

    agent.offer(id='b', name='B', version='1', state=60)
    ctx.wait_device(shutdown_inhibited=True)
    st.inhibitors_settle(login, want_empty=False)
    agent.kill()
    st.inhibitors_settle(login, want_empty=True)


def _answered(fn, *args, what, **kw):
    """Calls a D-Bus method asynchronously; waits (bounded) for its reply."""
    done = []
    fn(*args, reply_handler=lambda *r: done.append(('ok', r)),
       error_handler=lambda e: done.append(('error', e)), **kw)
    wait_until(lambda: done, 3, f'the reply to {what} while a service hangs')
    assert done[0][0] == 'ok', done[0]
    return done[0][1]


def test_hung_services(ctx):
    """UPower, NetworkManager and logind that own their names but never
    answer (stopped): Offer, Answer, SetState and Finish are still answered."""
    mocks = [st.upower(ctx.sysbus, on_battery=True, percent=5), st.networkmanager(ctx.sysbus),
             st.logind(ctx.sysbus)]
    for m in mocks:
        os.kill(m.proc.pid, signal.SIGSTOP)
    agent = ctx.start()
    api = agent.agent()
    path = str(_answered(api.Offer, st.package(id='pkg-h', name='H', version='1', state=50),
                         what='Offer')[0])
    offer = agent.offer_iface(path)
    _answered(offer.Answer, 'accept', dbus.Dictionary({}, signature='sv'), what='Answer')
    _answered(offer.SetState, dbus.UInt32(60), dbus.Dictionary({}, signature='sv'),
              what='SetState')
    _answered(offer.Finish, dbus.UInt32(200), what='Finish')
    for m in mocks:
        os.kill(m.proc.pid, signal.SIGCONT)


# -- Download on Wi-Fi (issue 18 item 2) ------------------------------------------

WAITING_WIFI = 'Waiting for Wi-Fi to download'
EMPTY = dbus.Dictionary({}, signature='sv')


def _no_more_decided(agent, path):
    """No Decided is queued for path: the agent answered a call after
    sending whatever it sent, and everything received is dispatched."""
    agent.alive()
    ctx = GLib.MainContext.default()
    while ctx.pending():
        ctx.iteration(False)
    assert agent.signals.find('Decided', path) is None, agent.signals.find('Decided', path)


def _choose_wifi(ctx, agent, path):
    p = agent.prop(path, 'Prompt')
    assert [c[0] for c in p['choices']] == ['accept', 'wifi', 'cancel'], p
    assert p['choices'][1][1] == 'Download on Wi-Fi', p
    agent.offer_iface(path).Answer('wifi', EMPTY)
    p = ctx.wait_prompt(path, lambda p: p.get('title') == WAITING_WIFI, 'the waiting prompt')
    assert p['kind'] == 'download', p
    assert p['choices'] == [['accept', 'Download now anyway'], ['cancel', 'Skip this update']], p
    assert agent.prop(path, 'Decision') == 'none'
    _no_more_decided(agent, path)


def _serial_file(agent, path):
    serial = path.rsplit('/', 1)[1]
    with open(os.path.join(agent.state_dir, 'offers', f'{serial}.offer'), encoding='utf-8') as f:
        return dict(line.rstrip('\n').partition('=')[::2] for line in f if '=' in line)


def test_wifi_roaming_then_wifi(ctx):
    """Roaming (ModemManager) on a metered gsm link (NetworkManager): "Download
    on Wi-Fi" decides nothing; home but still metered decides nothing; an
    unmetered Wi-Fi link brings exactly one Decided accept, reason unmetered."""
    mm = st.modemmanager(ctx.sysbus, registration_state=5)
    nm = st.networkmanager(ctx.sysbus, metered=1, primary_type='gsm')
    agent = ctx.start()
    ctx.wait_device(roaming=True, metered=True, cellular=True)
    path = download_offer(agent)
    assert agent.prop(path, 'Prompt')['warning'] == ROAMING_WARNING
    _choose_wifi(ctx, agent, path)
    st.set_registration(mm, 1)  # home, still a metered gsm link
    ctx.wait_device(roaming=False, metered=True)
    _no_more_decided(agent, path)
    assert agent.prop(path, 'Prompt')['title'] == WAITING_WIFI
    nm.set(st.NM_PATH, st.NM, 'PrimaryConnectionType', dbus.String('802-11-wireless'))
    nm.set(st.NM_PATH, st.NM, 'Metered', dbus.UInt32(2))  # no
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['reason'] == 'unmetered', args
    assert args[1]['phase'] == 'offered', args
    assert agent.prop(path, 'DecisionReason') == 'unmetered'
    assert agent.prop(path, 'Phase') == 'downloading'
    # once: the link going metered and back does not decide again
    nm.set(st.NM_PATH, st.NM, 'Metered', dbus.UInt32(1))
    ctx.wait_device(metered=True)
    nm.set(st.NM_PATH, st.NM, 'Metered', dbus.UInt32(2))
    ctx.wait_device(metered=False)
    _no_more_decided(agent, path)


def test_wifi_survives_restart(ctx):
    """The wait is on disk: the agent stops while metered, starts again on an
    unmetered Wi-Fi link and sends Decided accept (unmetered) once."""
    nm = st.networkmanager(ctx.sysbus, metered=1, primary_type='gsm')
    agent = ctx.start(policy='<charge-warning when="metered"/>')
    ctx.wait_device(metered=True, cellular=True, metered_source='system')
    path = download_offer(agent)
    _choose_wifi(ctx, agent, path)
    assert _serial_file(agent, path).get('wait-wifi') == 'true'
    assert agent.stop() == 0
    nm.set(st.NM_PATH, st.NM, 'PrimaryConnectionType', dbus.String('802-11-wireless'))
    nm.set(st.NM_PATH, st.NM, 'Metered', dbus.UInt32(4))  # guess-no
    agent.signals.events.clear()
    agent.start()  # the same state dir
    assert agent.get_offer('pkg-1') == path
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['reason'] == 'unmetered', args
    assert agent.prop(path, 'Decision') == 'accept'
    assert agent.prop(path, 'DecisionReason') == 'unmetered'
    assert _serial_file(agent, path).get('wait-wifi') == 'false'
    _no_more_decided(agent, path)


def test_wifi_download_now_anyway(ctx):
    """While waiting for Wi-Fi, "Download now anyway" is accept, reason user."""
    st.networkmanager(ctx.sysbus, metered=1, primary_type='gsm')
    agent = ctx.start(policy='<charge-warning when="cellular" suggest-wifi="yes"/>')
    ctx.wait_device(metered=True, cellular=True)
    path = download_offer(agent)
    assert agent.prop(path, 'Prompt')['suggested'] == 'wifi'
    _choose_wifi(ctx, agent, path)
    agent.offer_iface(path).Answer('accept', EMPTY)
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['reason'] == 'user', args
    _no_more_decided(agent, path)


if __name__ == '__main__':
    st.run_cases(Ctx, (
        test_no_services, test_modem_roaming_live, test_modem_appears_later,
        test_roaming_policy_follows_live_value, test_otauxctl_status, test_ofono_roaming,
        test_networkmanager_metered_cellular, test_low_battery_holds_install,
        test_battery_rises, test_mains_required, test_system_word_counts, test_no_battery, test_inhibitor, test_inhibitor_withdraw_and_kill,
        test_hung_services, test_wifi_roaming_then_wifi, test_wifi_survives_restart,
        test_wifi_download_now_anyway))
