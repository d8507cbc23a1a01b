"""Policy files change what the real agent does, seen through the D-Bus API.

Each test writes a policy layer, starts otaux-agent --policy-dir DIR
--test-clock on the private bus, and moves the agent's clock with
org.otaux.Testing1.SetTime instead of waiting. Run with /usr/bin/python3
under dbus-run-session (meson test --suite policy).
"""
import os
import shutil
import signal
import stat
import subprocess
import tempfile

import dbus
from gi.repository import GLib

from otauxtest import (AGENT_IFACE, AGENT_PATH, ERR, PROPS_IFACE, Agent, expect_error, main,
                       plain, wait_until)

TESTING_PATH = '/org/otaux/Agent/Testing'
TESTING_IFACE = 'org.otaux.Testing1'
# 2030-01-15 12:00 UTC, a Tuesday; the agent runs with TZ=UTC
NOON = 1894708800
HOUR = 3600


def policy_xml(body):
    return f'<?xml version="1.0"?>\n<otaux-policy version="1">\n{body}\n</otaux-policy>\n'


class PolicyAgent(Agent):
    """otaux-agent with its own policy layer and the test clock."""

    def __init__(self, files):
        super().__init__()
        self.policy_dir = tempfile.mkdtemp(prefix='otaux-policy-')
        for name, body in files.items():
            self.write(name, body)

    def write(self, name, body):
        path = os.path.join(self.policy_dir, name)
        with open(path + '.tmp', 'w') as f:
            f.write(policy_xml(body))
        os.rename(path + '.tmp', path)  # one change event, never a half file
        return path

    def start(self, timeout=15):
        assert self.proc is None, 'agent already running'
        self.status = None
        args = [self.exe, '--state-dir', self.state_dir, '--policy-dir', self.policy_dir,
                '--test-clock', '--no-notifications', '--no-popups']
        if os.environ.get('OTAUX_TEST_VERBOSE'):
            args.append('--verbose')
        env = dict(os.environ, TZ='UTC')
        self.proc = subprocess.Popen(args, env=env)
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.proc.pid, self._exited)
        wait_until(lambda: self.owner or self.status is not None, timeout,
                   'org.otaux.Agent on the bus')
        assert self.status is None, f'the agent exited at start (wait status {self.status})'
        return self

    def set_time(self, t):
        dbus.Interface(self.obj(TESTING_PATH), TESTING_IFACE).SetTime(dbus.Int64(t))

    def now(self):
        return plain(self.obj(TESTING_PATH).Get(TESTING_IFACE, 'Now',
                                                dbus_interface=PROPS_IFACE))

    def prompt(self, path):
        return self.prop(path, 'Prompt')

    def close(self):
        super().close()
        shutil.rmtree(self.policy_dir, ignore_errors=True)


def run_agent(files, fn):
    a = PolicyAgent(files)
    try:
        a.start()
        a.set_time(NOON)
        fn(a)
    finally:
        a.close()


def test_download_properties_and_problems():
    def check(a):
        props = a.agent_props()
        assert props['DownloadRetryInterval'] == 90, props
        assert props['DownloadTimeout'] == 2 * HOUR, props
        problems = props['PolicyProblems']
        # the bad file is reported with its line, and skipped whole
        assert len(problems) == 1, problems
        assert problems[0].endswith('bad_200.xml:4: delay.max-count: 1000 is out of range (0 to 100)'), problems
        assert a.agent_props()['DownloadTimeout'] == 2 * HOUR
    run_agent({'ops_100.xml': '<download retry-interval="90s" timeout="2h"/>',
               'bad_200.xml': '<download timeout="9h"/>\n<delay max-count="1000"/>'}, check)


def test_low_priority_prompt_times_out_by_itself():
    def check(a):
        p = a.offer(id='pol-timeout', priority='low', size=1000)
        prompt = a.prompt(p)
        assert prompt['kind'] == 'download'
        assert prompt['deadline'] == NOON + 600 and prompt['deadline-choice'] == 'cancel', prompt
        # medium has no time-out (the built-in value)
        m = a.offer(id='pol-no-timeout', priority='medium')
        assert a.prompt(m)['deadline'] == 0
        a.signals.clear(a)
        a.set_time(NOON + 599)
        assert a.prop(p, 'Decision') == 'none'
        a.set_time(NOON + 600)
        decision, details = a.signals.wait('Decided', p)
        assert decision == 'cancel' and details['reason'] == 'timeout', details
        assert a.prop(p, 'DecisionReason') == 'timeout'
        assert a.prop(p, 'Phase') == 'finished' and a.prop(p, 'Result') == 401
        assert a.prop(m, 'Decision') == 'none'
    run_agent({'t_100.xml': '<priority level="low" timeout="10m" timeout-answer="cancel"/>'},
              check)


def test_timeout_accepts_install_question():
    def check(a):
        p = a.offer(id='pol-timeout-accept', priority='high', state=40)
        assert a.prompt(p)['deadline-choice'] == 'accept'
        a.set_time(NOON + HOUR)
        decision, details = a.signals.wait('Decided', p)
        assert decision == 'accept' and details['reason'] == 'timeout', details
        assert details['phase'] == 'ready'
    run_agent({'t_100.xml': '<priority level="high" timeout="1h" timeout-answer="accept"/>'},
              check)


def test_later_hides_the_question_until_it_comes_back():
    def check(a):
        p = a.offer(id='pol-later', priority='medium')
        assert a.choices(p) == ['accept', 'cancel', 'later'], a.choices(p)
        a.answer(p, 'later')
        assert a.prompt(p) == {}, a.prompt(p)
        assert a.prop(p, 'Decision') == 'none'
        expect_error(ERR + 'NotAllowed', a.answer, p, 'accept')
        a.signals.clear(a)
        a.set_time(NOON + 2 * HOUR)
        a.signals.changed(p, 'Prompt')
        assert a.prompt(p)['kind'] == 'download'
        a.answer(p, 'accept')
        assert a.prop(p, 'Phase') == 'downloading'
    run_agent({'l_100.xml': '<priority level="medium" later="2h"/>'}, check)


def test_delay_stops_after_the_maximum_number_of_delays():
    def check(a):
        p = a.offer(id='pol-delays', priority='medium', state=40)
        assert 'delay-reboot' in a.choices(p)
        a.answer(p, 'delay-reboot', reboot_at=NOON + HOUR)
        assert a.prop(p, 'Phase') == 'delayed'
        assert 'delay-reboot' in a.choices(p)  # the second delay
        a.answer(p, 'delay-reboot', reboot_at=NOON + 2 * HOUR)
        # max-count 2 reached: delay is no longer offered, nor taken
        assert 'delay-reboot' not in a.choices(p), a.choices(p)
        assert a.prompt(p)['delay-max'] == 0
        assert a.prompt(p)['delay-options'] == []
        expect_error(ERR + 'NotAllowed', a.answer, p, 'delay-reboot', NOON + 3 * HOUR)
        # built-in policy for comparison: three delays (checked in test-offer.c)
    run_agent({'d_100.xml': '<delay max-count="2"/>'}, check)


def test_quiet_hours_hold_a_popup_back():
    def check(a):
        a.set_time(NOON + 11 * HOUR)  # 23:00, inside 22:00-07:00
        p = a.offer(id='pol-quiet', priority='high', state=40)
        h = a.offer(id='pol-quiet-urgent', priority='medium', state=40)
        prompt = a.prompt(p)
        assert prompt['presentation'] == 'actions', prompt  # held back
        assert a.prompt(h)['presentation'] == 'popup'        # medium may interrupt
        # no reboot is scheduled inside quiet hours either
        expect_error(ERR + 'NotAllowed', a.answer, p, 'delay-reboot', NOON + 13 * HOUR)
        for label, when in prompt['delay-options']:
            assert not (NOON + 10 * HOUR <= when < NOON + 19 * HOUR), (label, when)
        a.signals.clear(a)
        a.set_time(NOON + 19 * HOUR)  # 07:00: quiet hours are over
        a.signals.changed(p, 'Prompt')
        assert a.prompt(p)['presentation'] == 'popup', a.prompt(p)
        a.answer(p, 'delay-reboot', reboot_at=NOON + 20 * HOUR)
    run_agent({'q_100.xml': '<quiet-hours start="22:00" end="07:00"/>\n'
                            '<priority level="high" presentation="popup" '
                            'interrupt-quiet-hours="no"/>\n'
                            '<priority level="medium" presentation="popup" '
                            'interrupt-quiet-hours="yes"/>'}, check)


def test_quiet_hours_for_low_only_and_waiting_notifications():
    """Issue 18 item 7: quiet hours of one priority, written directly; with
    quiet-notify="no" its notifications wait for their end."""
    def check(a):
        a.set_time(NOON + 11 * HOUR)  # 23:00, inside low's 22:00-07:00
        low = a.offer(id='pol-low-night', priority='low', state=40)
        med = a.offer(id='pol-medium-night', priority='medium', state=40)
        assert a.prompt(low)['presentation'] == 'silent', a.prompt(low)  # waits
        assert a.prompt(low)['kind'] == 'install', a.prompt(low)         # still there
        assert a.prompt(med)['presentation'] == 'actions', a.prompt(med)
        # low may not restart inside its own quiet hours; medium may
        expect_error(ERR + 'NotAllowed', a.answer, low, 'delay-reboot', NOON + 13 * HOUR)
        a.answer(med, 'delay-reboot', reboot_at=NOON + 13 * HOUR)
        a.signals.clear(a)
        a.set_time(NOON + 19 * HOUR)  # 07:00: low's quiet hours are over
        a.signals.changed(low, 'Prompt')
        assert a.prompt(low)['presentation'] == 'notification', a.prompt(low)
        a.answer(low, 'delay-reboot', reboot_at=NOON + 20 * HOUR)
    run_agent({'q_100.xml': '<priority level="low" quiet-start="22:00" quiet-end="07:00" '
                            'quiet-notify="no"/>'}, check)


def write_program(dirname, body):
    path = os.path.join(dirname, 'warn.sh')
    with open(path, 'w') as f:
        f.write('#!/bin/sh\n' + body + '\n')
    os.chmod(path, stat.S_IRWXU)
    return path


def test_charge_program_no_becomes_cancel():
    tmp = tempfile.mkdtemp(prefix='otaux-charge-')
    seen = os.path.join(tmp, 'seen')
    prog = write_program(tmp, f'echo "$OTAUX_OFFER_ID $OTAUX_OFFER_SIZE $OTAUX_OFFER_ROAMING"'
                              f' > {seen}\nexit 1')

    def check(a):
        p = a.offer(id='pol-charge-no', priority='high', size=5000000, roaming=True)
        decision, details = a.signals.wait('Decided', p, timeout=15)
        assert decision == 'cancel' and details['reason'] == 'policy', details
        assert a.prop(p, 'Result') == 401
        with open(seen) as f:
            assert f.read().split() == ['pol-charge-no', '5000000', '1']
        # not roaming: no warning, no program, the question is put
        q = a.offer(id='pol-charge-home', priority='high', size=5000000)
        assert a.prompt(q)['kind'] == 'download'
        assert a.prop(q, 'Decision') == 'none'
    try:
        run_agent({'c_100.xml': f'<charge-warning when="roaming" program="{prog}" '
                                f'program-timeout="10s"/>'}, check)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_charge_program_crash_is_no_and_yes_accepts():
    tmp = tempfile.mkdtemp(prefix='otaux-charge-')
    prog = write_program(tmp, 'if [ "$OTAUX_OFFER_ID" = yes ]; then exit 0; fi\nkill -SEGV $$')

    def check(a):
        p = a.offer(id='crash', metered=dbus.Boolean(True))
        decision, details = a.signals.wait('Decided', p, timeout=15)
        assert decision == 'cancel' and details['reason'] == 'policy', details
        y = a.offer(id='yes', metered=dbus.Boolean(True))
        decision, details = a.signals.wait('Decided', y, timeout=15)
        assert decision == 'accept' and details['reason'] == 'user', details
        assert a.prop(y, 'Phase') == 'downloading'
    try:
        run_agent({'c_100.xml': f'<charge-warning when="metered" program="{prog}"/>'}, check)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_roaming_hides_offers():
    def check(a):
        p = a.offer(id='pol-roam', roaming=True, silent=True)
        # neither shown nor downloaded silently while roaming
        assert a.prompt(p) == {} and a.prop(p, 'Decision') == 'none'
        assert a.prop(p, 'Phase') == 'offered'
        a.offer(id='pol-roam', roaming=False)
        assert a.prop(p, 'Decision') == 'accept' and a.prop(p, 'Phase') == 'downloading'
    run_agent({'r_100.xml': '<roaming present="no" download="no"/>'}, check)


def test_reload_on_sighup_and_on_file_change():
    def check(a):
        assert a.agent_props()['DownloadTimeout'] == HOUR
        p = a.offer(id='pol-reload', priority='low')
        before = a.prompt(p)
        a.signals.clear(a)
        a.write('x_100.xml', '<download timeout="3h"/>\n<priority level="low" timeout="5m"/>')
        a.proc.send_signal(signal.SIGHUP)
        assert a.signals.changed(AGENT_PATH, 'DownloadTimeout', 3 * HOUR) == 3 * HOUR
        # the prompt on screen keeps what it was shown with; new prompts use the new policy
        assert a.prompt(p) == before, a.prompt(p)
        q = a.offer(id='pol-reload-new', priority='low')
        assert a.prompt(q)['deadline'] == NOON + 300
        # time moves on: the new prompt times out, the one on screen does not
        a.set_time(NOON + 300)
        decision, details = a.signals.wait('Decided', q)
        assert decision == 'cancel' and details['reason'] == 'timeout', details
        assert a.prop(p, 'Decision') == 'none' and a.prompt(p)['deadline'] == 0, a.prompt(p)
        # its question changes (answered): from then on, the new policy
        a.answer(p, 'accept')
        a.set_state(p, 40)
        assert a.prompt(p)['kind'] == 'install'
        assert a.prompt(p)['deadline'] == NOON + 600, a.prompt(p)
        # a file change alone (GFileMonitor) reloads too; a bad file is reported
        a.write('y_200.xml', '<silent allowed="perhaps"/>')
        problems = a.signals.changed(AGENT_PATH, 'PolicyProblems', timeout=15)
        assert len(problems) == 1 and 'y_200.xml:3:' in problems[0], problems
        assert a.agent_props()['DownloadTimeout'] == 3 * HOUR  # the layer below stays
        a.alive()
    run_agent({'x_100.xml': '<download timeout="1h"/>'}, check)


def test_callers_names_limit_the_updater_methods():
    def check(a):
        expect_error(ERR + 'AccessDenied', a.offer, id='pol-names')
        # own the allowed name: the bus tells the agent (NameOwnerChanged)
        # before it replies to RequestName, so the next call is let in
        assert a.bus.request_name('org.example.Updater') == dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER
        p = a.offer(id='pol-names')
        a.answer(p, 'accept')  # Answer is the UIs': not limited by names
        a.set_state(p, 30, bytes_done=1, bytes_total=10)
        a.bus.release_name('org.example.Updater')
        expect_error(ERR + 'AccessDenied', a.set_state, p, 30, bytes_done=2, bytes_total=10)
    run_agent({'n_100.xml': '<callers names="org.example.Updater org.example.Other"/>'}, check)


def test_otauxctl_check_and_policy():
    ctl = os.environ.get('OTAUXCTL')
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    examples = [os.path.join(src, 'data', 'examples', n)
                for n in ('cautious_100.xml', 'strict_100.xml')]
    r = subprocess.run([ctl, 'check'] + examples, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([ctl, 'check', os.path.join(src, 'data', 'policy', 'default.xml')],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    tmp = tempfile.mkdtemp(prefix='otaux-check-')
    try:
        bad = os.path.join(tmp, 'bad_100.xml')
        with open(bad, 'w') as f:
            f.write(policy_xml('<delay max-count="x"/>\n<colour/>'))
        r = subprocess.run([ctl, 'check', bad], capture_output=True, text=True)
        # every problem, in line order: the value, then the unknown element
        assert r.returncode == 1, (r.returncode, r.stderr)
        lines = r.stderr.splitlines()
        assert len(lines) == 2, lines
        assert lines[0] == bad + ":3: delay.max-count: 'x' is not a whole number", lines
        assert lines[1].startswith(bad + ':4: ') and 'colour' in lines[1], lines
        r = subprocess.run([ctl, 'check', os.path.join(tmp, 'missing_100.xml')],
                           capture_output=True, text=True)
        assert r.returncode == 2, r
        layer = os.path.join(tmp, 'layer')
        os.mkdir(layer)
        for e in examples:
            shutil.copy(e, layer)
        r = subprocess.run([ctl, 'policy', '--policy-dir', layer], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        lines = dict(l.split(' = ', 1) for l in r.stdout.splitlines() if ' = ' in l)
        assert lines['delay.max-total'].startswith('3d\t# ') and 'strict_100.xml:' in lines['delay.max-total']
        assert 'strict_100.xml:' in lines['download.retry-interval']  # the later file wins
        assert lines['priority.low.urgency'] == 'low\t# built-in'
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main([test_download_properties_and_problems,
          test_low_priority_prompt_times_out_by_itself,
          test_timeout_accepts_install_question,
          test_later_hides_the_question_until_it_comes_back,
          test_delay_stops_after_the_maximum_number_of_delays,
          test_quiet_hours_hold_a_popup_back,
          test_quiet_hours_for_low_only_and_waiting_notifications,
          test_charge_program_no_becomes_cancel,
          test_charge_program_crash_is_no_and_yes_accepts,
          test_roaming_hides_offers,
          test_reload_on_sighup_and_on_file_change,
          test_callers_names_limit_the_updater_methods,
          test_otauxctl_check_and_policy])
