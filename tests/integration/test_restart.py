#!/usr/bin/python3
"""SIGKILL and restart: every offer, phase and decision comes back from the
state dir; paths are stable; a delayed reboot whose time passed while the
agent was down is accepted (scheduled) when it comes back."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otauxtest import Agent, main, now, snapshot, wait_until_time  # noqa: E402

DAY = 86400
ctx = {}


def setup():
    return Agent().start()


def teardown(a):
    a.close()


def check_back(a, before):
    """After a restart: the same offers, properties and paths as before."""
    after = snapshot(a)
    assert list(after) == list(before), f'offers {list(after)} != {list(before)}'
    for path, props in before.items():
        for k, v in props.items():
            if k != 'Prompt':
                assert after[path][k] == v, f'{path} {k}: {after[path][k]!r} != {v!r}'
        assert a.offer(id=props['Id']) == path, f're-offer of {props["Id"]} moved'


def test_offers_in_every_phase(a):
    p = ctx['offered'] = a.offer(id='rs-offered', name='untouched', priority='medium')
    p = ctx['downloading'] = a.offer(id='rs-downloading', priority='high', correlator='rc')
    a.answer(p, 'accept')
    a.set_state(p, 30, bytes_done=500, bytes_total=1000)
    p = ctx['cancelled'] = a.offer(id='rs-cancelled', priority='high')
    a.answer(p, 'cancel')
    p = ctx['accepted'] = a.offer(id='rs-accepted', priority='high', state=40)
    a.answer(p, 'accept')
    p = ctx['far'] = a.offer(id='rs-delay-far', priority='high', state=40)
    ctx['far_at'] = now() + 2 * DAY
    a.answer(p, 'delay-reboot', reboot_at=ctx['far_at'])
    p = ctx['finished'] = a.offer(id='rs-finished', priority='high', state=40)
    a.answer(p, 'accept')
    a.set_state(p, 60)
    a.finish(p, 200)
    ctx['snap'] = snapshot(a)
    phases = {k: a.prop(ctx[k], 'Phase') for k in
              ('offered', 'downloading', 'cancelled', 'accepted', 'far', 'finished')}
    assert phases == dict(offered='offered', downloading='downloading', cancelled='finished',
                          accepted='ready', far='delayed', finished='finished'), phases


def test_sigkill_and_restart(a):
    assert a.kill() == -9
    a.start()
    check_back(a, ctx['snap'])
    assert a.prop(ctx['far'], 'RebootAt') == ctx['far_at']
    assert a.prop(ctx['cancelled'], 'Result') == 401
    assert a.prop(ctx['downloading'], 'BytesDone') == 500


def test_work_goes_on_after_restart(a):
    p = ctx['downloading']
    a.set_state(p, 40)
    assert a.prop(p, 'Phase') == 'ready'
    a.answer(p, 'delay-reboot', reboot_at=now() + DAY)
    assert a.prop(p, 'Decision') == 'delay-reboot'
    ctx['snap'] = snapshot(a)
    assert a.kill() == -9
    a.start()
    check_back(a, ctx['snap'])


def test_delay_passes_while_agent_is_down(a):
    p = ctx['soon'] = a.offer(id='rs-delay-soon', priority='high', state=40, correlator='s')
    reboot_at = now() + 3
    a.answer(p, 'delay-reboot', reboot_at=reboot_at)
    assert a.prop(p, 'Phase') == 'delayed'
    assert a.kill() == -9
    wait_until_time(reboot_at + 1, 'the reboot time to pass while the agent is down')
    a.start()
    # Signalled too, once the agent owns its name again, not only readable.
    decision, details = a.signals.wait('Decided', p, lambda args: args[1]['reason'] == 'scheduled')
    assert decision == 'accept' and details['phase'] == 'delayed', details
    assert details['correlator'] == 's' and details['reboot-at'] == reboot_at, details
    assert a.prop(p, 'Decision') == 'accept', a.props(p)
    assert a.prop(p, 'DecisionReason') == 'scheduled'
    assert a.prop(p, 'RebootAt') == reboot_at
    assert a.offer(id='rs-delay-soon') == p
    a.set_state(p, 60)
    assert a.prop(p, 'Phase') == 'installing'
    # the far delay is untouched
    assert a.prop(ctx['far'], 'Decision') == 'delay-reboot'


def test_sigterm_exits_0_and_keeps_everything(a):
    before = snapshot(a)
    assert a.stop() == 0, 'the agent did not exit 0 on SIGTERM'
    a.start()
    check_back(a, before)


if __name__ == '__main__':
    main([test_offers_in_every_phase, test_sigkill_and_restart, test_work_goes_on_after_restart,
          test_delay_passes_while_agent_is_down, test_sigterm_exits_0_and_keeps_everything],
         setup, teardown)
