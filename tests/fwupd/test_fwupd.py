"""otaux-fwupd against the real fwupd daemon (issue 13, item 8).

Each case: a private system bus with fwupd's test device ("Integrated
Webcam™", 1.2.2, upgrades 1.2.3 and 1.2.4 from the fwupd-tests remote) and
logind's mock, the real otaux-agent on the private session bus
(dbus-run-session, --test-clock), and otaux-fwupd. The person's answers are
Answer calls, as a UI would make them. Run with /usr/bin/python3.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))

import dbus  # noqa: E402
from fwupdtest import UPDATE_MESSAGE, WEBCAM, Bridge, FwupdWorld  # noqa: E402
from otauxtest import Agent, main, wait_until  # noqa: E402

OFFER_ID = f'fwupd:{WEBCAM}:1.2.4'
TESTING_PATH = '/org/otaux/Agent/Testing'
RESTART_Q = 'Restart to finish updating Integrated Webcam™'
RESTARTING = 'Restarting to install Integrated Webcam™'


class Case:
    """One world: fwupd, logind's mock, the agent and the bridge."""

    def __init__(self, **fwupd_conf):
        self.world = self.agent = self.bridge = None
        try:
            self.world = FwupdWorld(**fwupd_conf)
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

    def offer_path(self, timeout=30):
        """Waits until the bridge offered the webcam's 1.2.4; returns the path."""
        sig = self.agent.signals
        wait_until(lambda: sig.find('OfferAdded') or self._known(), timeout, 'the offer')
        return self.agent.get_offer(OFFER_ID)

    def _known(self):
        try:
            self.agent.get_offer(OFFER_ID)
            return True
        except dbus.exceptions.DBusException:
            return False

    def wait_prop(self, path, prop, value, timeout=30):
        wait_until(lambda: self.agent.prop(path, prop) == value or
                   self.agent.signals.find('PropertiesChanged', path,
                                           lambda a: a[1].get(prop) == value),
                   timeout, f'{prop} = {value!r}')

    def download(self, path):
        """Accepts the download question; waits for ready (the file is checked)."""
        self.agent.answer(path, 'accept')
        self.wait_prop(path, 'Phase', 'ready')

    def now(self):
        return int(self.agent.obj(TESTING_PATH).Get('org.otaux.Testing1', 'Now',
                                                     dbus_interface='org.freedesktop.DBus.Properties'))

    def set_time(self, t):
        dbus.Interface(self.agent.obj(TESTING_PATH), 'org.otaux.Testing1').SetTime(dbus.Int64(t))

    def assert_installed_124(self):
        res = self.world.results()
        assert res is not None, 'fwupd has no result for the webcam'
        versions = [str(r.get('Version')) for r in res.get('Release', [])]
        assert versions[:1] == ['1.2.4'], f'fwupd result releases: {versions}'
        # 2 = FWUPD_UPDATE_STATE_SUCCESS (4 = needs reboot)
        assert int(res['UpdateState']) in (2, 4), f'UpdateState {res["UpdateState"]}'

    def restart_question(self, path, timeout=60):
        """Waits for the restart question (restart-only) on the same offer:
        fwupd said only after the install that it needs a restart. Nothing
        restarts the device before the person answers it."""
        def asked(p):
            return p.get('kind') == 'install' and p.get('title') == RESTART_Q
        wait_until(lambda: asked(self.agent.prop(path, 'Prompt')) or
                   self.agent.signals.find('PropertiesChanged', path,
                                           lambda a: asked(a[1].get('Prompt', {}))),
                   timeout, 'the restart question')
        self.bridge.log.wait('installed; fwupd needs a restart: asking the person', 10)
        p = self.agent.prop(path, 'Prompt')
        assert asked(p), p
        assert [c[0] for c in p['choices']] == ['accept', 'tonight', 'delay-reboot', 'cancel'], \
            p['choices']
        assert self.agent.prop(path, 'Phase') == 'ready'
        assert self.agent.offers() == [path]  # the same offer, re-offered
        assert self.world.reboots == [], f'Reboot before the person answered: {self.world.reboots}'
        return p

    def wait_one_reboot(self, path):
        """After the accept: SetState 60 stage=restarting, then exactly one Reboot."""
        wait_until(lambda: self.world.reboots, 20, 'Reboot on logind')
        wait_until(lambda: self.agent.prop(path, 'Prompt').get('title') == RESTARTING, 20,
                   'the restarting prompt')
        assert self.agent.prop(path, 'Phase') == 'installing'
        assert self.world.reboots == [[False]], self.world.reboots
        assert len([line for line in self.bridge.log.lines
                    if 'asking logind to reboot' in line]) == 1

    def cached(self):
        """The firmware files in the bridge's download cache."""
        d = self.bridge.cache_dir
        return sorted(f for f in os.listdir(d) if f.endswith('.cab')) if os.path.isdir(d) else []

    def wait_cache_empty(self):
        wait_until(lambda: not self.cached(), 20, 'an empty download cache')

    def assert_nothing_installed(self):
        assert self.world.results() is None, 'fwupd has a result: something was installed'
        assert str(self.world.webcam()['Version']) == '1.2.2'


def test_offer_fields():
    with Case() as c:
        path = c.offer_path()
        p = c.agent.props(path)
        assert p['Id'] == OFFER_ID, p['Id']
        assert p['Name'] == 'Integrated Webcam™', p['Name']
        assert p['Version'] == '1.2.4', p['Version']
        # the metadata says urgency="medium"; fwupd 2.0.20 does not pass it on
        # (unknown), which maps to medium as well
        assert p['Priority'] == 'medium', p['Priority']
        assert p['Phase'] == 'offered', p['Phase']
        notes = c.agent.prop(path, 'Prompt')['details']
        assert notes == ('Fixes another bug with the flux capacitor to prevent time going '
                         'backwards.'), notes
        assert p['Size'] > 0, p['Size']
        # only the newest upgrade is offered
        ids = [c.agent.props(o)['Id'] for o in c.agent.offers()]
        assert ids == [OFFER_ID], ids


def test_accept_both_installs_and_reboots():
    with Case() as c:
        path = c.offer_path()
        c.agent.answer(path, 'accept')
        c.agent.signals.wait('PropertiesChanged', path,
                             lambda a: a[1].get('State') == 30, timeout=30)
        c.wait_prop(path, 'Phase', 'ready')
        assert c.agent.prop(path, 'State') == 40
        assert len(c.cached()) == 1, c.cached()  # the checked download, kept for the install
        # fwupd's UpdateMessage is the install-message, shown on the install question
        prompt = c.agent.prop(path, 'Prompt')
        assert prompt['kind'] == 'install', prompt['kind']
        assert prompt['message'] == UPDATE_MESSAGE, prompt['message']
        c.agent.answer(path, 'accept')
        c.agent.signals.wait('PropertiesChanged', path,
                             lambda a: a[1].get('Phase') == 'installing', timeout=30)
        # fwupd needs the restart only after the install: the restart question
        c.restart_question(path)
        c.assert_installed_124()
        c.agent.answer(path, 'accept')
        c.wait_one_reboot(path)
        c.wait_cache_empty()  # installed: its file is not kept
        # fwupd's DeviceRequest reached the person on the installing screen
        request = 'Please pretend to remove the device you cannot see or touch'

        def shown(args):
            p = args[1].get('Prompt', {})
            return p.get('kind') == 'installing' and request in p.get('message', '')
        assert c.agent.signals.find('PropertiesChanged', path, shown), 'no instruction shown'
        assert c.bridge.log.find('fwupd asks the person: ' + request) is not None


def test_newer_release_replaces_and_gone_release_withdrawn():
    # The remote starts with 1.2.3 only; fwupd reloads a changed local remote.
    with Case(releases=('1.2.3',)) as c:
        old_id = f'fwupd:{WEBCAM}:1.2.3'
        c.agent.signals.wait('OfferAdded', timeout=30)
        old = c.agent.get_offer(old_id)
        assert c.agent.props(old)['Version'] == '1.2.3'
        c.world.write_metadata(None)  # 1.2.3 and 1.2.4
        c.agent.signals.wait('OfferRemoved', pred=lambda a: a[0] == old, timeout=30)
        new = c.offer_path()
        assert new != old
        assert c.agent.props(new)['Version'] == '1.2.4'
        assert [c.agent.props(o)['Id'] for o in c.agent.offers()] == [OFFER_ID]
        c.download(new)
        assert len(c.cached()) == 1, c.cached()
        c.world.write_metadata(())  # no release left
        c.agent.signals.wait('OfferRemoved', pred=lambda a: a[0] == new, timeout=30)
        assert c.agent.offers() == []
        c.wait_cache_empty()  # withdrawn: its downloaded file goes too


def test_replaced_while_bridge_away():
    # 1.2.4 comes while the bridge is stopped: the restarted bridge withdraws
    # the 1.2.3 offer it left behind and offers 1.2.4.
    with Case(releases=('1.2.3',)) as c:
        c.agent.signals.wait('OfferAdded', timeout=30)
        old = c.agent.get_offer(f'fwupd:{WEBCAM}:1.2.3')
        assert c.bridge.stop() == 0
        c.world.write_metadata(None)
        c.world.fwupd_log.wait('changed, reloading all remotes', 30)
        c.bridge.start()
        c.agent.signals.wait('OfferRemoved', pred=lambda a: a[0] == old, timeout=30)
        c.offer_path()
        assert [c.agent.props(o)['Id'] for o in c.agent.offers()] == [OFFER_ID]


def test_shipped_checksum_mismatch():
    # Debian's fwupd-tests.xml names other container checksums than its cab
    # files have: the download is refused with 402 (damaged package).
    with Case(metadata='shipped') as c:
        path = c.offer_path()
        c.agent.answer(path, 'accept')
        c.wait_prop(path, 'Phase', 'finished')
        assert c.agent.prop(path, 'Result') == 402, c.agent.prop(path, 'Result')
        body = c.agent.prop(path, 'Prompt')['body']
        assert 'damaged' in body, body
        c.assert_nothing_installed()


def test_cancel_is_remembered():
    with Case() as c:
        path = c.offer_path()
        c.agent.answer(path, 'cancel')
        c.wait_prop(path, 'Phase', 'finished')
        assert c.agent.prop(path, 'Result') == 401
        declined = os.path.join(c.bridge.state_dir, 'declined.ini')
        wait_until(lambda: os.path.exists(declined), 20, 'the declined file')
        with open(declined) as f:
            assert f'{WEBCAM}=1.2.4' in f.read()
        c.assert_nothing_installed()
        # a restarted bridge looks again, and does not offer it again
        assert c.bridge.stop() == 0
        c.agent.signals.clear(c.agent)
        c.bridge.start()
        c.bridge.log.wait('declined before, not offered', 30)
        assert c.agent.signals.find('OfferAdded') is None
        assert len(c.agent.offers()) == 1
        c.assert_nothing_installed()


def test_delay_reboot_waits_for_schedule():
    with Case() as c:
        path = c.offer_path()
        c.download(path)
        at = c.now() + 3600
        c.agent.answer(path, 'delay-reboot', reboot_at=at)
        c.wait_prop(path, 'Phase', 'delayed')
        # a minute before the time: still nothing installed
        c.set_time(at - 60)
        assert c.agent.prop(path, 'Decision') == 'delay-reboot'
        c.assert_nothing_installed()
        c.set_time(at + 1)
        c.agent.signals.wait('Decided', path, lambda a: a[0] == 'accept' and
                             a[1].get('reason') == 'scheduled', timeout=30)
        c.restart_question(path)
        c.assert_installed_124()


def test_needs_reboot_after_install_waits_for_the_person():
    """NeedsReboot turns up only after the install (issue 16, item 2): no
    Reboot until the person accepts the restart question, here at the time
    they chose; then exactly one."""
    with Case() as c:
        path = c.offer_path()
        c.download(path)
        c.agent.answer(path, 'accept')
        p = c.restart_question(path)
        at = c.now() + 3600
        assert p['delay-max'] >= at, p['delay-max']
        c.agent.answer(path, 'delay-reboot', reboot_at=at)
        c.wait_prop(path, 'Phase', 'delayed')
        c.set_time(at - 60)
        assert c.agent.prop(path, 'Decision') == 'delay-reboot'
        assert c.world.reboots == [], c.world.reboots
        c.set_time(at + 1)
        c.agent.signals.wait('Decided', path, lambda a: a[0] == 'accept' and
                             a[1].get('reason') == 'scheduled', timeout=30)
        c.wait_one_reboot(path)


def result_after_the_restart(still_offered):
    """The new boot, as far as a test can have one: after the accepted
    restart, the agent and the bridge stop and start again; the agent says
    the update is being finished, and the bridge reports fwupd's result.
    A real restart activates 1.2.4, which is then no upgrade any more (the
    release gone from the metadata plays that); the test device keeps
    1.2.2, so 1.2.4 stays an upgrade (still_offered)."""
    with Case() as c:
        path = c.offer_path()
        c.download(path)
        c.agent.answer(path, 'accept')
        c.restart_question(path)
        c.agent.answer(path, 'accept')
        c.wait_one_reboot(path)
        assert c.bridge.stop() == 0
        if not still_offered:
            c.world.write_metadata(())
            c.world.fwupd_log.wait('changed, reloading all remotes', 30)
        c.agent.restart()
        assert c.agent.prop(path, 'Phase') == 'installing'
        assert c.agent.prop(path, 'Stage') == 'finishing'
        title = c.agent.prop(path, 'Prompt')['title']
        assert title == 'Finishing Integrated Webcam™ 1.2.4', title
        c.bridge.start()
        c.wait_prop(path, 'Phase', 'finished', timeout=30)
        assert c.agent.prop(path, 'Result') == 200
        c.bridge.log.wait('installed \\(fwupd.s results\\): finished with 200' if not still_offered
                          else 'installed before the restart', 10)
        assert c.world.reboots == [[False]], c.world.reboots
        assert c.agent.prop(path, 'Prompt')['kind'] == 'result'


def test_result_after_the_restart():
    result_after_the_restart(still_offered=False)


def test_result_after_the_restart_still_offered():
    result_after_the_restart(still_offered=True)


def bridge_restarted_at_the_restart_question(still_offered):
    """A bridge that starts while the restart question is open takes it up
    again instead of withdrawing it or installing once more: the agent's
    RestartOnly says so while 1.2.4 is still offered, fwupd's results
    (installed, needs a restart) once it is not; the accept then restarts
    the device once."""
    with Case() as c:
        path = c.offer_path()
        c.download(path)
        c.agent.answer(path, 'accept')
        c.restart_question(path)
        assert c.agent.prop(path, 'RestartOnly') is True
        assert c.bridge.stop() == 0
        if not still_offered:
            c.world.write_metadata(())
            c.world.fwupd_log.wait('changed, reloading all remotes', 30)
        c.bridge.start()
        if still_offered:
            c.bridge.log.wait(f'offered as {path}', 30)
        else:
            c.bridge.log.wait('the restart question is open: taken up again', 30)
        assert c.agent.offers() == [path]
        assert c.world.reboots == []
        c.agent.answer(path, 'accept')
        c.wait_one_reboot(path)
        assert c.bridge.log.find('installing /') is None, 'installed once more'


def test_bridge_restarted_at_the_restart_question():
    bridge_restarted_at_the_restart_question(still_offered=False)


def test_bridge_restarted_at_the_restart_question_still_offered():
    bridge_restarted_at_the_restart_question(still_offered=True)


def test_fwupd_killed_mid_install():
    # The fake device waits (DecompressDelay, ms) while it "decompresses".
    with Case(extra_test='DecompressDelay=60000') as c:
        path = c.offer_path()
        c.download(path)
        c.agent.answer(path, 'accept')
        c.wait_prop(path, 'Phase', 'installing')
        c.world.fwupd_log.wait(r'Status: +decompressing', 30)
        c.world.kill_fwupd()
        c.wait_prop(path, 'Phase', 'finished', timeout=30)
        result = c.agent.prop(path, 'Result')
        assert result == 410, result
        body = c.agent.prop(path, 'Prompt')['body']
        assert 'keeps its current software' in body, body
        # fwupd comes back: the bridge connects again
        start = len(c.bridge.log.lines)
        c.world.start_fwupd()
        c.bridge.log.wait('connected to fwupd', 30, start)


def test_bridge_killed_picks_up():
    with Case() as c:
        path = c.offer_path()
        c.download(path)
        assert c.bridge.stop(signal.SIGKILL) == -signal.SIGKILL
        # the person accepts while the bridge is gone
        c.agent.answer(path, 'accept')
        assert c.agent.prop(path, 'Decision') == 'accept'
        c.bridge.start()
        c.restart_question(path)
        c.assert_installed_124()
        # the same offer, not a second one
        assert len(c.agent.offers()) == 1


def test_agent_restart():
    with Case() as c:
        path = c.offer_path()
        c.agent.restart()
        start = len(c.bridge.log.lines)
        c.bridge.log.wait(f'offered as {path}', 30, start)
        c.download(path)
        assert c.agent.prop(path, 'State') == 40


def test_agent_killed_mid_install():
    # The install ends while the agent is gone: the bridge reports it again.
    with Case(extra_test='DecompressDelay=3000') as c:
        path = c.offer_path()
        c.download(path)
        c.agent.answer(path, 'accept')
        c.wait_prop(path, 'Phase', 'installing')
        c.agent.kill()
        c.bridge.log.wait('installed; fwupd needs a restart: asking the person', 60)
        c.agent.start()
        # the bridge asks the restart question again, on the same offer
        c.restart_question(path)
        c.assert_installed_124()


if __name__ == '__main__':
    main([test_offer_fields, test_accept_both_installs_and_reboots,
          test_newer_release_replaces_and_gone_release_withdrawn, test_replaced_while_bridge_away,
          test_shipped_checksum_mismatch,
          test_cancel_is_remembered,
          test_delay_reboot_waits_for_schedule,
          test_needs_reboot_after_install_waits_for_the_person, test_result_after_the_restart,
          test_result_after_the_restart_still_offered,
          test_bridge_restarted_at_the_restart_question,
          test_bridge_restarted_at_the_restart_question_still_offered, test_fwupd_killed_mid_install,
          test_bridge_killed_picks_up, test_agent_restart, test_agent_killed_mid_install])
