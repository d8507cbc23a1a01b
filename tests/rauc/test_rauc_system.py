"""otaux-rauc as it runs on a device: against the system instance
(otaux-agent --system) on a private system bus with the real system bus's
policy and otaux's installed D-Bus policy (the World of
tests/system/test_system_instance.py: logind's mock with a person's active
local session on seat0). RAUC runs on the dbus-run-session bus
(tests/rauc/rauctest.py). The bridge offers as root; only the person, from
their session, answers (setpriv to their uid). Needs root: otherwise SKIP.
Run with /usr/bin/python3 under dbus-run-session.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'system'))

import dbus  # noqa: E402
import test_system_instance as tsi  # noqa: E402
from rauctest import Bridge, RaucWorld, drop_keys  # noqa: E402
from otauxtest import Skip, main, wait_until  # noqa: E402

OFFER_ID = 'rauc:otaux-test:2.0'
RESTART_Q = 'Restart to finish updating Acme OS'


def test_system_instance_accept_restart_boot():
    try:
        w = tsi.World()
    except tsi.Skip as e:
        raise Skip(str(e))
    world = bridge = None
    try:
        world = RaucWorld(system_bus=False)
        world.watch_reboots(w.bus)
        world.start_rauc('A')
        bridge = Bridge(world, agent_bus='system').start()
        world.make_bundle('2.0')
        a = w.agent

        def offered():
            try:
                return a.get_offer(OFFER_ID)
            except dbus.exceptions.DBusException:
                return None
        wait_until(offered, 30, 'the offer on the system instance')
        path = a.get_offer(OFFER_ID)
        assert a.prop(path, 'Phase') == 'ready'
        # the bridge is root without a session: it may offer, never answer
        assert w.call_as(tsi.PERSON, path, 'Answer', 'accept', session='c1') == 'ok'
        wait_until(lambda: a.prop(path, 'Prompt').get('title') == RESTART_Q, 30,
                   'the restart question')
        assert world.primary() == 'A' and world.reboots == []
        assert w.call_as(tsi.PERSON, path, 'Answer', 'accept', session='c1') == 'ok'
        wait_until(lambda: world.reboots, 20, 'Reboot on logind')
        assert world.reboots == [[False]], world.reboots
        assert world.primary() == 'B'
        wait_until(lambda: a.prop(path, 'Stage') == 'restarting', 20, 'stage restarting')
        # the boot into B
        assert bridge.stop() == 0
        a.stop()
        world.stop_rauc()
        world.start_rauc('B')
        a.start()
        bridge.start()
        wait_until(lambda: a.prop(path, 'Result') == 200, 30, 'Result 200')
        assert 'set-state B good' in world.bl_log(), world.bl_log()
    finally:
        if bridge is not None:
            bridge.close()
        if world is not None:
            world.close()
        w.close()


if __name__ == '__main__':
    main([test_system_instance_accept_restart_boot], teardown=lambda _: drop_keys())
