"""otaux-rauc against the real RAUC 1.8 service (issue 17, items 1 and 3).

Each case: RAUC on the session bus of dbus-run-session with two image-file
slots and the custom bootloader script (tests/rauc/rauctest.py), logind's
mock on a private system bus, the real otaux-agent (--test-clock) and
otaux-rauc. The person's answers are Answer calls, as a UI would make
them. The "reboot" is played by restarting the RAUC service with
--override-boot-slot, the agent and the bridge. Needs root (loop devices):
otherwise every case reports SKIP. Run with /usr/bin/python3.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dbus  # noqa: E402
from rauctest import Bridge, RaucWorld, drop_keys, sha256  # noqa: E402
from otauxtest import Agent, main, wait_until  # noqa: E402

OFFER_ID = 'rauc:otaux-test:2.0'
RESTART_Q = 'Restart to finish updating Acme OS'
RESTARTING = 'Restarting to install Acme OS'
SIDECAR = '[otaux]\npriority=high\nrelease-notes=Faster boot.\\nFixes the clock.\n'


class Case:
    """One world: RAUC, logind's mock, the agent and the bridge."""

    def __init__(self, gate=False):
        self.world = self.agent = self.bridge = None
        try:
            self.world = RaucWorld(gate=gate)
            self.world.start_rauc('A')
            self.agent = Agent(args=['--test-clock', '--no-notifications', '--no-popups']).start()
            self.bridge = Bridge(self.world).start()
        except BaseException:
            self.close()
            raise

    def close(self):
        for part in (self.bridge, self.agent, self.world):
            if part is not None:
                part.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def offer_path(self, offer_id=OFFER_ID, timeout=30):
        def known():
            try:
                self.agent.get_offer(offer_id)
                return True
            except dbus.exceptions.DBusException:
                return False
        wait_until(known, timeout, f'the offer {offer_id}')
        return self.agent.get_offer(offer_id)

    def wait_prop(self, path, prop, value, timeout=30):
        wait_until(lambda: self.agent.prop(path, prop) == value, timeout, f'{prop} = {value!r}')

    def restart_question(self, path, timeout=30):
        wait_until(lambda: self.agent.prop(path, 'Prompt').get('title') == RESTART_Q, timeout,
                   'the restart question')
        p = self.agent.props(path)
        assert p['Phase'] == 'ready' and p['RestartOnly'] is True, p
        assert self.world.reboots == [], f'Reboot before the person answered: {self.world.reboots}'
        assert self.world.primary() == 'A', 'the slot was activated before the restart was accepted'
        return p

    def boot(self, slot):
        """The reboot: RAUC, the agent and the bridge start again, slot booted."""
        code = self.bridge.stop()
        assert code == 0, f'otaux-rauc exited with {code} on SIGTERM'
        self.agent.stop()
        self.world.stop_rauc()
        self.world.start_rauc(slot)
        self.agent.start()
        self.bridge.start()

    def result_body(self, path):
        return self.agent.prop(path, 'Prompt').get('body', '')


def install_and_restart(c, path):
    c.agent.answer(path, 'accept')
    c.restart_question(path)
    c.agent.answer(path, 'accept')
    wait_until(lambda: c.world.reboots, 20, 'Reboot on logind')
    wait_until(lambda: c.agent.prop(path, 'Stage') == 'restarting', 20, 'stage restarting')


def test_offer_accept_restart_boot():
    with Case() as c:
        bundle, image = c.world.make_bundle('2.0', sidecar=SIDECAR)
        path = c.offer_path()
        p = c.agent.props(path)
        assert p['Name'] == 'Acme OS' and p['Version'] == '2.0', p
        assert p['Size'] == os.path.getsize(bundle), (p['Size'], os.path.getsize(bundle))
        assert p['Priority'] == 'high', p['Priority']  # from the sidecar
        assert p['Phase'] == 'ready', p['Phase']  # the bundle is here: the install question
        prompt = p['Prompt']
        # the bundle is on the device already: the install question is the
        # first one, and shows the sidecar's release notes
        assert prompt['details'] == 'Faster boot.\nFixes the clock.', prompt['details']
        # asks-restart: the install question words an install, not a restart
        # (the restart is its own question afterwards)
        assert prompt.get('needs-reboot') is False, prompt
        assert 'You will be asked when to restart' in prompt['body'], prompt
        c.agent.answer(path, 'accept')
        q = c.restart_question(path)
        assert q['Prompt']['details'] == '', q['Prompt']  # shown once, on the install question
        # SetState 60 with RAUC's step text reached the installing prompt
        steps = [a[1]['Prompt'].get('step') for (_, m, pth, a) in c.agent.signals.events
                 if m == 'PropertiesChanged' and pth == path and 'Prompt' in a[1]
                 and a[1]['Prompt'].get('kind') == 'installing']
        assert any(steps), f'no step shown while installing: {steps}'
        # asks-restart: the installing screen says the restart is asked, not that
        # the device restarts by itself
        bodies = [a[1]['Prompt'].get('body') for (_, m, pth, a) in c.agent.signals.events
                  if m == 'PropertiesChanged' and pth == path and 'Prompt' in a[1]
                  and a[1]['Prompt'].get('kind') == 'installing']
        assert bodies and all('You will be asked when to restart.' in b and 'by itself' not in b
                              for b in bodies), bodies
        assert c.world.slot1_holds(image), 'slot B does not hold the image'
        assert 'set-primary B' not in c.world.bl_log(), c.world.bl_log()
        c.agent.answer(path, 'accept')
        wait_until(lambda: c.world.reboots, 20, 'Reboot on logind')
        assert c.world.reboots == [[False]], c.world.reboots
        assert c.world.primary() == 'B', 'Mark active did not reach the bootloader'
        assert 'set-primary B' in c.world.bl_log(), c.world.bl_log()
        c.wait_prop(path, 'Stage', 'restarting')
        assert os.path.exists(c.world.path('state', 'activated.ini'))
        mark = len(c.world.bl_log())
        c.boot('B')
        c.wait_prop(path, 'Result', 200)
        assert 'set-state B good' in c.world.bl_log()[mark:], c.world.bl_log()[mark:]
        assert not os.path.exists(c.world.path('state', 'activated.ini'))
        assert c.world.reboots == [[False]], c.world.reboots


def test_cancel_not_offered_again():
    with Case() as c:
        c.world.make_bundle('2.0')
        path = c.offer_path()
        c.agent.answer(path, 'cancel')
        c.wait_prop(path, 'Result', 401)
        declined = c.world.path('state', 'declined.ini')
        wait_until(lambda: os.path.exists(declined), 10, 'declined.ini')
        with open(declined) as f:
            assert 'otaux-test=2.0' in f.read()
        # the bridge and the agent start again: the offer is not made again
        c.agent.withdraw(path)
        c.bridge.stop()
        c.bridge.start()
        c.bridge.log.wait('rauc:otaux-test:2.0: declined before, not offered', 20)
        assert c.agent.offers() == [], c.agent.offers()
        # a newer bundle is offered
        c.world.make_bundle('2.1')
        c.offer_path('rauc:otaux-test:2.1')
        assert c.world.primary() == 'A'
        assert c.world.reboots == []
        assert c.world.slot1_before == sha256(c.world.path('slot1.img')), 'slot B was written'


def test_cancel_at_the_restart_question():
    """Skip after the slot was written: it is never activated, no Reboot."""
    with Case() as c:
        c.world.make_bundle('2.0')
        path = c.offer_path()
        c.agent.answer(path, 'accept')
        c.restart_question(path)
        c.agent.answer(path, 'cancel')
        c.wait_prop(path, 'Result', 401)
        declined = c.world.path('state', 'declined.ini')
        wait_until(lambda: os.path.exists(declined), 10, 'declined.ini')
        assert c.world.primary() == 'A' and c.world.reboots == []
        assert not any(ln.startswith('set-primary') for ln in c.world.bl_log()), c.world.bl_log()
        assert not os.path.exists(c.world.path('state', 'activated.ini'))


def test_agent_restarts_at_the_restart_question_and_bundle_goes():
    """The agent restarts while the restart question is open: the same offer
    asks it again, and its accept reboots once. A bundle that leaves the
    folder while its offer asks is withdrawn."""
    with Case() as c:
        c.world.make_bundle('2.0')
        other, _ = c.world.make_bundle('3.0', description='Acme OS next')
        path = c.offer_path()
        gone = c.offer_path('rauc:otaux-test:3.0')
        c.agent.answer(path, 'accept')
        c.restart_question(path)
        start = len(c.bridge.log.lines)
        c.agent.stop()
        c.agent.start()
        c.bridge.log.wait('otaux-agent appeared', 20, start)
        c.restart_question(path)
        assert c.agent.get_offer(OFFER_ID) == path
        c.agent.answer(path, 'accept')
        wait_until(lambda: c.world.reboots, 20, 'Reboot on logind')
        c.wait_prop(path, 'Stage', 'restarting')
        assert c.world.reboots == [[False]] and c.world.primary() == 'B'
        os.unlink(other)
        c.agent.signals.wait('OfferRemoved', pred=lambda a: a[0] == gone, timeout=20)


def test_compatible_mismatch_403():
    with Case() as c:
        c.world.make_bundle('2.0', compatible='other-device')
        path = c.offer_path('rauc:other-device:2.0')
        # RAUC restarts meanwhile: the bridge follows its name
        start = len(c.bridge.log.lines)
        c.world.stop_rauc()
        c.world.start_rauc('A')
        c.bridge.log.wait('connected to RAUC', 20, start)
        c.agent.answer(path, 'accept')
        c.wait_prop(path, 'Result', 403)
        body = c.result_body(path)
        assert "Compatible mismatch: Expected 'otaux-test' but bundle manifest has " \
               "'other-device'" in body, body
        assert c.world.reboots == [] and c.world.primary() == 'A'


def test_bad_signature_404():
    with Case() as c:
        c.world.make_bundle('2.0', signer='rogue')
        path = c.offer_path()
        c.agent.answer(path, 'accept')
        c.wait_prop(path, 'Result', 404)
        assert 'signature verification failed' in c.result_body(path), c.result_body(path)
        assert c.world.reboots == [] and c.world.primary() == 'A'


def test_corrupt_bundle_402():
    """The bundle breaks on the disk after it was offered (its size and time
    kept, so the bridge does not read it again): RAUC refuses it, 402."""
    with Case() as c:
        bundle, _ = c.world.make_bundle('2.0')
        path = c.offer_path()
        st = os.stat(bundle)
        with open(bundle, 'r+b') as f:
            f.seek(-8, os.SEEK_END)  # RAUC's signature size field
            f.write(b'\0' * 8)
        os.utime(bundle, ns=(st.st_atime_ns, st.st_mtime_ns))
        c.agent.answer(path, 'accept')
        c.wait_prop(path, 'Result', 402)
        assert 'Invalid bundle format' in c.result_body(path), c.result_body(path)
        assert c.world.reboots == [] and c.world.primary() == 'A'


def test_fallback_410():
    with Case() as c:
        c.world.make_bundle('2.0')
        path = c.offer_path()
        install_and_restart(c, path)
        c.boot('A')  # the bootloader fell back to A
        c.wait_prop(path, 'Result', 410)
        body = c.result_body(path)
        assert 'started from slot A again, not from slot B' in body, body
        assert not os.path.exists(c.world.path('state', 'activated.ini'))


def test_restart_delayed_on_the_test_clock():
    """The restart question answered with a time: no Mark active and no
    Reboot before it (the agent's test clock), exactly one of each after."""
    with Case() as c:
        _, image = c.world.make_bundle('2.0')
        path = c.offer_path()
        c.agent.answer(path, 'accept')
        c.restart_question(path)
        testing = c.agent.obj('/org/otaux/Agent/Testing')
        now = int(testing.Get('org.otaux.Testing1', 'Now',
                              dbus_interface='org.freedesktop.DBus.Properties'))
        at = now + 3600
        c.agent.answer(path, 'delay-reboot', reboot_at=at)
        c.wait_prop(path, 'Phase', 'delayed')
        dbus.Interface(testing, 'org.otaux.Testing1').SetTime(dbus.Int64(at - 60))
        c.agent.alive()  # the agent handled the new time
        assert c.agent.prop(path, 'Decision') == 'delay-reboot'
        assert c.world.primary() == 'A' and c.world.reboots == []
        dbus.Interface(testing, 'org.otaux.Testing1').SetTime(dbus.Int64(at + 1))
        c.agent.signals.wait('Decided', path, lambda a: a[0] == 'accept' and
                             a[1].get('reason') == 'scheduled', timeout=30)
        wait_until(lambda: c.world.reboots, 20, 'Reboot on logind')
        assert c.world.reboots == [[False]], c.world.reboots
        assert c.world.primary() == 'B'
        assert c.world.slot1_holds(image)


def test_second_bundle_waits_then_supersedes():
    """Two bundles accepted while RAUC installs the first: the second waits
    for RAUC, then writes the same other slot; the first's restart question
    then finds its version in no slot: 410 with words, nothing activated."""
    with Case(gate=True) as c:
        c.world.make_bundle('2.0')
        _, image21 = c.world.make_bundle('2.1', description='Acme OS next')
        first = c.offer_path()
        second = c.offer_path('rauc:otaux-test:2.1')
        c.agent.answer(first, 'accept')
        wait_until(lambda: os.path.exists(c.world.path('gate.pid')), 20, 'RAUC at the gate')
        c.agent.answer(second, 'accept')
        c.bridge.log.wait(r'rauc:otaux-test:2\.1: waiting', 20)
        c.world.open_gate()
        c.restart_question(first)
        wait_until(lambda: c.agent.prop(second, 'Prompt').get('title') ==
                   'Restart to finish updating Acme OS next', 30, "2.1's restart question")
        assert c.world.slot1_holds(image21)
        c.agent.answer(first, 'accept')
        c.wait_prop(first, 'Result', 410)
        assert 'names no slot with otaux-test 2.0' in c.result_body(first), c.result_body(first)
        assert c.world.primary() == 'A' and c.world.reboots == []


def test_bridge_killed_mid_install():
    with Case(gate=True) as c:
        _, image = c.world.make_bundle('2.0')
        path = c.offer_path()
        c.agent.answer(path, 'accept')
        wait_until(lambda: os.path.exists(c.world.path('gate.pid')), 20, 'RAUC at the gate')
        assert c.world.rauc_prop('Operation') == 'installing'
        c.bridge.stop(signal.SIGKILL)
        c.bridge.start()
        c.bridge.log.wait('RAUC is installing; following it', 20)
        c.world.open_gate()
        c.restart_question(path)
        assert c.world.slot1_holds(image)
        # the new bridge followed RAUC's install: it started none of its own
        assert c.bridge.log.find(r'rauc:otaux-test:2\.0: installing /') is None, c.bridge.log.lines
        installs = [ln for ln in c.world.rauc_log.lines if ln.endswith('.raucb: started')]
        assert len(installs) == 1, installs


def teardown(_):
    drop_keys()


if __name__ == '__main__':
    only = sys.argv[1:]  # names of cases to run, for a developer; all by default
    cases = [test_offer_accept_restart_boot, test_cancel_not_offered_again,
             test_cancel_at_the_restart_question,
             test_agent_restarts_at_the_restart_question_and_bundle_goes,
             test_compatible_mismatch_403,
             test_bad_signature_404, test_corrupt_bundle_402, test_fallback_410, test_restart_delayed_on_the_test_clock,
             test_second_bundle_waits_then_supersedes, test_bridge_killed_mid_install]
    main([t for t in cases if not only or t.__name__ in only], teardown=teardown)
