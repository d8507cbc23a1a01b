#!/usr/bin/python3
"""Updates that restart the device (issue 16, items 1 and 2), on real buses:
the agent on a dbus-run-session bus with python-dbusmock's
notification_daemon, python-dbusmock's logind on a private system bus.

- The restart stage: installing, then SetState 60 with stage "restarting":
  the inhibitor is gone from logind's list at once, the prompt says the
  device restarts; the agent is stopped and started again (the restart):
  the prompt says the update is being finished, quietly, and no inhibitor
  is taken; Finish reaches the notification server and the Prompt.
- The restart question (restart-only): its texts and choices; delay-reboot
  to a time on the test clock (Testing1.SetTime), then accept (scheduled);
  a re-offer of the same id after the install keeps path and history.

Every wait is on a signal, a bus name or a property, with a bound. The
cases report SKIP when python3-dbusmock is missing.
"""
import html
import os

import dbus

import systest as st

TESTING_PATH = st.TESTING_PATH
TESTING_IFACE = st.TESTING_IFACE

RESTARTING = 'Restarting to install Phone OS'
FINISHING = 'Finishing Phone OS 2.0'
RESTART_Q = 'Restart to finish updating Phone OS'


class Ctx(st.Ctx):
    """The shared rig, with python-dbusmock's notification_daemon."""

    def __init__(self):
        super().__init__()
        self.notify = None

    def start(self, test_clock=False):
        args = ['--no-popups'] + (['--test-clock'] if test_clock else [])
        if self.notify is None:
            self.notify = st.Notifications()
        self.agent = st.Agent(args=args, env=dict(os.environ, TZ='UTC')).start()
        return self.agent

    def wait_inhibited(self, want):
        self.wait_device(shutdown_inhibited=want)

    def now(self):
        return st.plain(self.agent.obj(TESTING_PATH).Get(TESTING_IFACE, 'Now',
                                                         dbus_interface=st.PROPS_IFACE))

    def done(self):
        self.stop_agent()
        if self.notify is not None:
            self.notify.stop()
            self.notify = None
        super().done()


def stored(agent, path):
    """The offer's state file as key=value pairs."""
    serial = path.rsplit('/', 1)[1]
    out = {}
    with open(os.path.join(agent.state_dir, 'offers', f'{serial}.offer'), encoding='utf-8') as f:
        for line in f:
            k, _, v = line.rstrip('\n').partition('=')
            out[k] = v
    return out


def set_state(agent, path, state, **details):
    """SetState with typed details: strings as s, numbers as t."""
    d = {k.replace('_', '-'): dbus.String(v) if isinstance(v, str) else dbus.UInt64(v)
         for k, v in details.items()}
    agent.offer_iface(path).SetState(dbus.UInt32(state), dbus.Dictionary(d, signature='sv'))


def refused(name, fn, *args, **kw):
    """The D-Bus error's message, after checking its name."""
    try:
        fn(*args, **kw)
    except dbus.DBusException as e:
        assert e.get_dbus_name() == name, f'expected {name}, got {e.get_dbus_name()}: {e}'
        return e.get_dbus_message()
    raise AssertionError(f'expected {name}, the call succeeded')


def install_offer(agent, pkg_id='pkg-1', **kw):
    return agent.offer(id=pkg_id, name='Phone OS', version='2.0', size=12300000, state=50,
                       needs_reboot=True, priority='medium', **kw)


# -- item 1: the restart stage ---------------------------------------------------

def restart_then_finish(ctx, pkg_id, result, title, message=None):
    login = st.logind(ctx.sysbus)
    agent = ctx.start()
    path = install_offer(agent, pkg_id)
    agent.answer(path, 'accept')
    agent.set_state(path, 60)
    ctx.wait_inhibited(True)
    st.inhibitors_settle(login, want_empty=False)

    set_state(agent, path, 60, stage='restarting')
    # Released at once: logind's list is empty before the device restarts.
    st.inhibitors_settle(login, want_empty=True)
    ctx.wait_inhibited(False)
    p = ctx.wait_prompt(path, lambda p: p['title'] == RESTARTING, 'the restarting prompt')
    assert p['kind'] == 'installing', p
    assert p['body'] == 'The device restarts now to install Phone OS 2.0. Do not turn it off.', p
    assert p['urgency'] == 'critical' and p['presentation'] == 'popup', p
    assert p['choices'] == [] and p['warning'] == '', p
    ctx.notify.wait_notify(lambda s, b, h: s == RESTARTING, 'the restarting notification')
    assert agent.prop(path, 'Phase') == 'installing'
    assert agent.prop(path, 'Stage') == 'restarting'
    assert stored(agent, path).get('stage') == 'restarting', stored(agent, path)

    # The restart: the agent goes, and comes back in the new boot.
    assert agent.stop() == 0
    ctx.notify.heard.clear()
    agent.start()  # the same state dir: the new boot
    assert agent.get_offer(pkg_id) == path
    assert agent.prop(path, 'Phase') == 'installing'
    assert agent.prop(path, 'Stage') == 'finishing'
    p = agent.prop(path, 'Prompt')
    assert p['title'] == FINISHING, p
    assert p['body'] == ('The device restarted to install Phone OS. The update is being '
                         'finished; the result is shown here.'), p
    assert p['choices'] == [] and p['urgency'] == 'low', p
    assert p['presentation'] == 'notification' and p['sound'] is False, p
    ctx.notify.wait_notify(lambda s, b, h: s == FINISHING, 'the finishing notification')
    # No inhibitor again for it: Device says so and logind's list stays empty.
    assert agent.prop_agent('Device')['shutdown-inhibited'] is False
    assert st.inhibitors(login) == []
    assert stored(agent, path).get('stage') == 'finishing'

    if message is None:
        agent.finish(path, result)
    else:  # the updater's own words, from the new boot (an A/B fallback)
        agent.finish_with_details(path, result, {'message': message})
    p = ctx.wait_prompt(path, lambda p: p['kind'] == 'result', 'the result prompt')
    assert p['result'] == result and p['title'] == title, p
    if message is None:
        ctx.notify.wait_notify(lambda s, b, h: s == title and p['body'] in b,
                               f'the result {result} notification')
    else:
        # as g_markup_escape_text() writes it
        escaped = html.escape(message, quote=True).replace('&#x27;', '&apos;')
        assert p['body'].endswith(message) and escaped in p['body-markup'], p
        # the server takes body markup: the words arrive escaped, never as markup
        ctx.notify.wait_notify(lambda s, b, h: s == title and escaped in b and message not in b,
                               f'the result {result} notification with the words, escaped')
    assert agent.prop(path, 'Result') == result
    assert agent.prop(path, 'Stage') == ''
    assert st.inhibitors(login) == []
    return path


def test_restart_then_success(ctx):
    restart_then_finish(ctx, 'pkg-ok', 200, 'Phone OS 2.0 is installed')


def test_restart_then_failure(ctx):
    restart_then_finish(ctx, 'pkg-410', 410, 'Phone OS 2.0 was not installed')


def test_restart_then_fallback_with_words(ctx):
    """An A/B updater whose new slot did not boot: FinishWithDetails(410)
    with its words, shown under the result and escaped (issue 16 item 8)."""
    restart_then_finish(ctx, 'pkg-fallback', 410, 'Phone OS 2.0 was not installed',
                        message="Booted the old slot: <b>rootfs.1</b> & 'kernel' failed")


def test_stage_refused(ctx):
    """An unknown stage is named in InvalidArgs; restarting before the
    install is refused (NotAllowed); neither changes anything."""
    agent = ctx.start()
    path = install_offer(agent)
    refused('org.otaux.Error.NotAllowed', set_state, agent, path, 50, stage='restarting')
    agent.answer(path, 'accept')
    err = refused('org.otaux.Error.InvalidArgs', set_state, agent, path, 60, stage='rebooting')
    assert 'rebooting' in err and 'restarting' in err, err
    refused('org.otaux.Error.InvalidArgs', set_state, agent, path, 60, stage='finishing')
    assert agent.prop(path, 'Phase') == 'ready'
    agent.set_state(path, 60)
    assert agent.prop(path, 'Prompt')['title'] == 'Installing Phone OS 2.0'


# -- item 2: the restart question ------------------------------------------------

def check_restart_question(ctx, path):
    p = ctx.agent.prop(path, 'Prompt')
    assert p['kind'] == 'install', p
    assert p['title'] == RESTART_Q, p
    assert p['body'] == ('Phone OS 2.0 is installed and takes effect when the device restarts. '
                         'Save your work first.'), p
    assert p['choices'] == [['accept', 'Restart now'], ['tonight', 'Restart tonight'],
                            ['delay-reboot', 'Restart later'],
                            ['cancel', 'Skip this update']], p['choices']
    assert p['suggested'] == 'accept', p
    assert p['delay-max'] > 0 and len(p['delay-options']) > 0, p
    return p


def test_restart_question_scheduled(ctx):
    agent = ctx.start(test_clock=True)
    path = install_offer(agent, restart_only=True)
    p = check_restart_question(ctx, path)
    t0 = ctx.now()
    # The policy's bounds hold: no later than delay-max.
    refused('org.otaux.Error.NotAllowed', agent.answer, path, 'delay-reboot',
            reboot_at=p['delay-max'] + 60)
    at = t0 + 3600
    agent.answer(path, 'delay-reboot', reboot_at=at)
    assert agent.prop(path, 'Phase') == 'delayed'
    assert agent.prop(path, 'RebootAt') == at
    agent.signals.clear(agent)
    ctx.set_time(at)
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['reason'] == 'scheduled', args
    assert args[1]['reboot-at'] == at, args
    assert agent.prop(path, 'DecisionReason') == 'scheduled'


def test_restart_question_after_install(ctx):
    """The install ran, then the updater learns that a restart is needed:
    it re-offers the same id with restart-only; same path, same history,
    the inhibitor goes, the restart question is asked."""
    login = st.logind(ctx.sysbus)
    agent = ctx.start()
    path = install_offer(agent, correlator='dm-7')
    created = stored(agent, path)['created-at']
    agent.answer(path, 'accept')
    agent.set_state(path, 60)
    ctx.wait_inhibited(True)
    agent.signals.clear(agent)
    again = install_offer(agent, restart_only=True)
    assert again == path
    assert agent.signals.find('OfferAdded') is None
    assert agent.offers() == [path]
    assert agent.prop(path, 'Phase') == 'ready'
    assert agent.prop(path, 'Decision') == 'none'
    assert agent.prop(path, 'Correlator') == 'dm-7'
    assert stored(agent, path)['created-at'] == created
    check_restart_question(ctx, path)
    assert agent.prop(path, 'RestartOnly') is True
    ctx.wait_inhibited(False)
    st.inhibitors_settle(login, want_empty=True)
    agent.answer(path, 'accept')
    args = agent.signals.wait('Decided', path)
    assert args[0] == 'accept' and args[1]['phase'] == 'ready', args
    assert args[1]['correlator'] == 'dm-7', args


if __name__ == '__main__':
    st.run_cases(Ctx, (
        test_restart_then_success, test_restart_then_failure, test_restart_then_fallback_with_words,
        test_stage_refused,
        test_restart_question_scheduled, test_restart_question_after_install))
