#!/usr/bin/python3
"""Install tonight (issue 18 item 1), on a private system bus with
python-dbusmock's UPower (charging) and logind (the session's IdleHint /
LockedHint, other programs' inhibitors), and the agent's test clock
(org.otaux.Testing1.SetTime) to reach the night window.

The updater's side, as docs/dbus-api.md ("Install tonight") says:
Decided delay-reboot {reboot-at: the window's start, tonight: true}, then
Decided accept {reason: scheduled}; a window that passes unused gives a new
question (the morning question), never a decision.

Runs under dbus-run-session; the agent runs with TZ=UTC (the window is local
time) and XDG_SESSION_ID=c1 (the mock's session). Every wait is on a signal
or a property, with a bound. Exit 77 when python3-dbusmock is missing.
"""
import calendar
import os
import time

import dbus

import systest as st

SESSION = 'c1'
SESSION_PATH = f'{st.LOGIND_PATH}/session/{SESSION}'
SESSION_IFACE = 'org.freedesktop.login1.Session'
MANAGER_IFACE = 'org.freedesktop.login1.Manager'

WAITING_TITLE = 'Installing tonight'
MORNING_TITLE = 'Not installed last night'
NO_CHARGER = "Couldn't install last night: the charger was not plugged in."
BLOCKED = "Couldn't install last night: another program did not allow a restart."

# Noon (UTC) of a day ahead of the real clock; the window is the next night.
NOON = (calendar.timegm(time.gmtime()[:3] + (0, 0, 0)) // 86400 + 2) * 86400 + 12 * 3600
START = NOON + 13 * 3600  # 01:00 the next day: the built-in night-start
END = NOON + 17 * 3600    # 05:00: night-end
MORNING = NOON + 19 * 3600  # 07:00: the policy's "morning", when the question comes back


class Ctx(st.Ctx):
    """The shared rig, with UPower and logind set up by services()."""

    def __init__(self):
        super().__init__()
        self.login = None
        self.up = None

    def services(self, charging=True, idle=True):
        self.up = st.upower(self.sysbus, on_battery=not charging, percent=80,
                            state=1 if charging else 2)
        self.login = st.logind(self.sysbus)
        self.login.mock().AddSession(SESSION, 'seat0', dbus.UInt32(os.getuid()), 'person', True)
        # logind announces who blocks as BlockInhibited ("shutdown:sleep" ...)
        self.login.mock().AddProperty(MANAGER_IFACE, 'BlockInhibited', dbus.String(''))
        self.set_idle(idle)

    def set_idle(self, idle):
        self.login.set(SESSION_PATH, SESSION_IFACE, 'IdleHint', dbus.Boolean(idle))

    def start(self, keep_state=None):
        env = dict(os.environ, TZ='UTC', XDG_SESSION_ID=SESSION)
        self.agent = st.Agent(state_dir=keep_state, env=env,
                              args=['--test-clock', '--no-notifications', '--no-popups'])
        self.agent.start()
        return self.agent

    # These two ask again until it holds (bounded), as this test always
    # has; st.Ctx's own wait on PropertiesChanged.
    def wait_device(self, **want):
        want = {k.replace('_', '-'): v for k, v in want.items()}
        st.wait_until(lambda: all(self.device().get(k) == v for k, v in want.items()), 15,
                      f'Agent1.Device {want}')

    def wait_prompt(self, path, pred, what='the prompt'):
        st.wait_until(lambda: pred(self.agent.prop(path, 'Prompt')), 15, what)
        return self.agent.prop(path, 'Prompt')


def offer_install(ctx, restart_only=False):
    agent = ctx.agent
    ctx.set_time(NOON)
    kw = dict(id='pkg-1', name='Phone OS', version='2.0', size=12300000, state=50,
              needs_reboot=True, priority='high')
    if restart_only:
        kw['restart_only'] = True
    path = agent.offer(**kw)
    prompt = agent.prop(path, 'Prompt')
    assert prompt['kind'] == 'install', prompt
    ids = [c[0] for c in prompt['choices']]
    assert ids == ['accept', 'tonight', 'delay-reboot', 'cancel'], prompt['choices']
    label = dict(prompt['choices'])['tonight']
    assert label == ('Restart tonight' if restart_only else 'Install tonight'), label
    return path


def choose_tonight(ctx, path):
    """Answer tonight: Decided delay-reboot at the window's start, tonight true."""
    agent = ctx.agent
    agent.answer(path, 'tonight')
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'delay-reboot', args
    assert args[1]['reason'] == 'user' and args[1]['phase'] == 'ready', args
    assert args[1]['reboot-at'] == START, (args, START)
    assert args[1]['tonight'] is True, args
    agent_args = agent.signals.wait('Decided', st.AGENT_PATH)
    assert agent_args[0] == str(path) and agent_args[1] == 'delay-reboot', agent_args
    assert agent.prop(path, 'RebootAt') == START
    prompt = agent.prop(path, 'Prompt')
    assert prompt['kind'] == 'delayed' and prompt['title'] == WAITING_TITLE, prompt
    assert '01:00' in prompt['body'], prompt
    assert prompt['urgency'] == 'low' and prompt['deadline'] == 0, prompt


def assert_no_decision(ctx, path):
    """No Decided came (the agent's reply to a call comes after its signals)."""
    ctx.agent.alive()
    assert ctx.agent.signals.find('Decided', path) is None, ctx.agent.signals.events


def wait_morning_question(ctx, path, reason):
    agent = ctx.agent
    agent.signals.changed(path, 'Phase', 'ready', timeout=15)
    assert agent.prop(path, 'Decision') == 'none'
    assert agent.prop(path, 'RebootAt') == 0
    # asked in the morning, not at the window's end
    assert agent.prop(path, 'Prompt') == {} or agent.prop(path, 'Prompt').get('kind') == 'none'
    ctx.set_time(MORNING)
    prompt = ctx.wait_prompt(path, lambda p: p.get('title') == MORNING_TITLE,
                             'the morning question')
    assert prompt['kind'] == 'install', prompt
    assert reason in prompt['body'].split('\n'), prompt
    assert prompt['choices'] == [['accept', 'Install now'], ['tonight', 'Try again tonight'],
                                 ['delay-reboot', 'Install later']], prompt['choices']
    assert_no_decision(ctx, path)
    return prompt


# -- the cases ---------------------------------------------------------------

def test_charging_and_idle(ctx):
    """(a) Charging and idle inside the window: delay-reboot (tonight), then
    accept (scheduled) at the window's start, and nothing before it."""
    ctx.services(charging=True, idle=True)
    agent = ctx.start()
    ctx.wait_device(on_battery=False, session_idle=True, session_idle_source='system',
                    restart_blocked=False, restart_blocked_source='system')
    path = offer_install(ctx)
    choose_tonight(ctx, path)
    ctx.set_time(START - 60)
    assert_no_decision(ctx, path)
    ctx.set_time(START)
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['reason'] == 'scheduled', args
    assert args[1]['phase'] == 'delayed' and args[1]['reboot-at'] == START, args
    assert 'tonight' not in args[1], args
    assert agent.prop(path, 'DecisionReason') == 'scheduled'
    agent.set_state(path, 60)
    assert agent.prop(path, 'Phase') == 'installing'


def test_locked_not_idle(ctx):
    """(a') Locked counts as not in use: the accept waits for LockedHint."""
    ctx.services(charging=True, idle=False)
    agent = ctx.start()
    ctx.wait_device(on_battery=False, session_idle=False, session_idle_source='system')
    path = offer_install(ctx, restart_only=True)
    choose_tonight(ctx, path)
    ctx.set_time(START + 600)
    assert_no_decision(ctx, path)
    ctx.login.obj(SESSION_PATH).SetLockedHint(True, dbus_interface=SESSION_IFACE)
    args = agent.signals.wait('Decided', path, timeout=15)
    assert args[0] == 'accept' and args[1]['reason'] == 'scheduled', args


def test_idle_announced_by_invalidation(ctx):
    """(a'') A logind that announces IdleHint only as invalidated (no value in
    PropertiesChanged): the agent reads the session again and accepts."""
    ctx.services(charging=True, idle=False)
    agent = ctx.start()
    ctx.wait_device(on_battery=False, session_idle=False, session_idle_source='system')
    path = offer_install(ctx)
    choose_tonight(ctx, path)
    ctx.set_time(START + 60)
    assert_no_decision(ctx, path)
    session = ctx.login.mock(SESSION_PATH)
    # change the value without announcing it, then announce it by name only
    session.AddMethod(SESSION_IFACE, 'SetIdleQuietly', 'b', '',
                      f'self.props["{SESSION_IFACE}"]["IdleHint"] = args[0]')
    ctx.login.obj(SESSION_PATH).SetIdleQuietly(True, dbus_interface=SESSION_IFACE)
    session.EmitSignal(st.PROPS_IFACE, 'PropertiesChanged', 'sa{sv}as',
                       [SESSION_IFACE, dbus.Dictionary({}, signature='sv'),
                        dbus.Array(['IdleHint'], signature='s')], signature='sssav')
    args = agent.signals.wait('Decided', path, timeout=15)
    assert args[0] == 'accept' and args[1]['reason'] == 'scheduled', args


def test_no_charger_all_night(ctx):
    """(b) Not charging through the window: no decision, and in the morning
    the question again, saying that the charger was not plugged in."""
    ctx.services(charging=False, idle=True)
    agent = ctx.start()
    ctx.wait_device(on_battery=True, session_idle=True)
    path = offer_install(ctx)
    choose_tonight(ctx, path)
    ctx.set_time(START + 60)
    ctx.set_time(START + 3600)
    assert_no_decision(ctx, path)
    assert agent.prop(path, 'Decision') == 'delay-reboot'
    ctx.set_time(END)
    wait_morning_question(ctx, path, NO_CHARGER)
    # tonight again: a new delay-reboot to the next night
    agent.answer(path, 'tonight')
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'delay-reboot' and args[1]['reboot-at'] == START + 86400, args
    assert args[1]['tonight'] is True, args


def test_inhibitor_blocks(ctx):
    """(c) Charging and idle, but another program holds a "block" inhibitor
    for shutdown: no accept while it does; the morning question says why.
    Its release inside the window lets the accept through."""
    ctx.services(charging=True, idle=True)
    agent = ctx.start()
    ctx.wait_device(on_battery=False, session_idle=True, restart_blocked=False,
                    restart_blocked_source='system')
    manager = dbus.Interface(ctx.login.obj(), MANAGER_IFACE)
    fd = manager.Inhibit('shutdown', 'backup-tool', 'Backing up', 'block')
    ctx.login.set(st.LOGIND_PATH, MANAGER_IFACE, 'BlockInhibited', dbus.String('shutdown'))
    ctx.wait_device(restart_blocked=True)

    path = offer_install(ctx)
    choose_tonight(ctx, path)
    ctx.set_time(START)
    ctx.set_time(START + 1800)
    assert_no_decision(ctx, path)
    ctx.set_time(END)
    wait_morning_question(ctx, path, BLOCKED)

    # the next night: the backup ends inside the window, and the install goes
    agent.answer(path, 'tonight')
    assert agent.signals.wait('Decided', path)[0] == 'delay-reboot'
    ctx.set_time(START + 86400 + 60)
    assert_no_decision(ctx, path)
    os.close(fd.take())
    st.wait_until(lambda: not st.inhibitors(ctx.login), 10, 'the inhibitor released')
    ctx.login.set(st.LOGIND_PATH, MANAGER_IFACE, 'BlockInhibited', dbus.String(''))
    args = agent.signals.wait('Decided', path, timeout=15)
    assert args[0] == 'accept' and args[1]['reason'] == 'scheduled', args


def test_restart_keeps_tonight(ctx):
    """(d) The agent crashes (SIGKILL) and starts again between the choice
    and the night: "tonight" is on disk, and the accept comes in the window."""
    ctx.services(charging=True, idle=True)
    agent = ctx.start()
    path = offer_install(ctx)
    choose_tonight(ctx, path)
    state_dir = agent.state_dir
    agent.kill()
    agent.start()
    ctx.wait_device(on_battery=False, session_idle=True, restart_blocked=False)
    ctx.set_time(NOON + 60)
    assert agent.prop(path, 'Decision') == 'delay-reboot'
    assert agent.prop(path, 'RebootAt') == START
    assert agent.prop(path, 'Prompt')['title'] == WAITING_TITLE
    assert agent.state_dir == state_dir
    agent.signals.clear(agent)
    ctx.set_time(START + 5)
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['reason'] == 'scheduled', args


if __name__ == '__main__':
    st.run_cases(Ctx, (test_charging_and_idle, test_locked_not_idle,
                               test_idle_announced_by_invalidation, test_no_charger_all_night, test_inhibitor_blocks,
                               test_restart_keeps_tonight))
