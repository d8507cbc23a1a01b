#!/usr/bin/python3
"""An independent client (python3-dbus) walks offers through the real agent:
properties, PropertiesChanged, Decided details (Offer1's and Agent1's), idempotent Offer, Withdraw,
Introspect."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otauxtest import (AGENT_IFACE, OFFER_IFACE, Agent, expect_error, main, now)  # noqa: E402

OFFER_PREFIX = '/org/otaux/Agent/Offers/'


def setup():
    return Agent().start()


def teardown(a):
    assert a.stop() == 0, 'the agent did not exit 0 on SIGTERM'
    a.close()


def test_agent_properties(a):
    props = a.agent_props()
    assert props['Version'] == 1, props
    assert props['Offers'] == [], props
    limits = props['Limits']
    assert limits.get('max-id-bytes') == 256, limits
    assert limits.get('max-release-notes-bytes') == 64 * 1024, limits
    assert limits.get('max-offers', 0) > 0, limits


def test_introspect(a):
    xml = a.introspect()
    for iface in (AGENT_IFACE, 'org.freedesktop.DBus.Properties',
                  'org.freedesktop.DBus.Introspectable'):
        assert f'"{iface}"' in xml, f'{iface} missing from Introspect of /org/otaux/Agent'
    path = a.offer(id='introspect-me')
    xml = a.introspect(path)
    assert f'"{OFFER_IFACE}"' in xml, xml
    assert '"Decided"' in xml and '"Answer"' in xml, xml
    a.withdraw(path)


def test_offer_and_properties(a):
    a.signals.clear(a)
    path = a.offer(id='fw-py-1', name='Base firmware', version='2.1.0', priority='high',
                   size=123456, roaming=True, correlator='corr-py-1', needs_reboot=True)
    assert path.startswith(OFFER_PREFIX), path
    assert a.signals.wait('OfferAdded', '/org/otaux/Agent')[0] == path
    a.signals.changed('/org/otaux/Agent', 'Offers', [path])
    assert a.offers() == [path]
    assert a.get_offer('fw-py-1') == path
    p = a.props(path)
    expect = dict(Id='fw-py-1', Name='Base firmware', Version='2.1.0', Priority='high',
                  Size=123456, Roaming=True, Silent=False, Forced=False, Correlator='corr-py-1',
                  Phase='offered', Decision='none', DecisionReason='', RebootAt=0, Result=0)
    for k, v in expect.items():
        assert p[k] == v, f'{k}: {p[k]!r} != {v!r}'
    prompt = p['Prompt']
    assert prompt['kind'] == 'download', prompt
    assert prompt['title'], prompt
    ids = [c[0] for c in prompt['choices']]
    assert 'accept' in ids and 'cancel' in ids, ids


def test_offer_is_idempotent(a):
    path = a.get_offer('fw-py-1')
    a.signals.clear(a)
    assert a.offer(id='fw-py-1', name='Base firmware (fixed)') == path
    a.signals.changed(path, 'Name', 'Base firmware (fixed)')
    assert a.prop(path, 'Name') == 'Base firmware (fixed)'
    assert a.prop(path, 'Version') == '2.1.0', 'a re-offer changed a field it did not carry'
    assert a.offers() == [path]
    assert a.signals.find('OfferAdded') is None, 'a re-offer emitted OfferAdded'


def decided(a, path, decision, timeout=10.0):
    args = a.signals.wait('Decided', path, lambda x: x[0] == decision, timeout)
    return args[1]


def test_walk_through(a):
    path = a.get_offer('fw-py-1')
    a.signals.clear(a)
    a.answer(path, 'accept')
    d = decided(a, path, 'accept')
    assert d['id'] == 'fw-py-1' and d['phase'] == 'offered', d
    assert d['reason'] == 'user' and d['correlator'] == 'corr-py-1', d
    a.signals.changed(path, 'Phase', 'downloading')
    assert a.prop(path, 'Decision') == 'accept'
    assert a.prop(path, 'DecisionReason') == 'user'

    a.set_state(path, 30, bytes_done=1000, bytes_total=123456)
    a.signals.changed(path, 'BytesDone', 1000)
    assert a.prop(path, 'BytesTotal') == 123456 and a.prop(path, 'State') == 30
    a.set_state(path, 40)
    a.signals.changed(path, 'Phase', 'ready')
    assert a.prompt_kind(path) == 'install'
    assert a.prop(path, 'Decision') == 'none', 'the install question must start undecided'
    assert {'accept', 'delay-reboot', 'cancel'} <= set(a.choices(path)), a.choices(path)

    reboot_at = now() + 2
    a.answer(path, 'delay-reboot', reboot_at=reboot_at)
    d = decided(a, path, 'delay-reboot')
    assert d['reboot-at'] == reboot_at and d['phase'] == 'ready' and d['reason'] == 'user', d
    assert a.prop(path, 'Phase') == 'delayed' and a.prop(path, 'RebootAt') == reboot_at

    d = decided(a, path, 'accept', timeout=20)  # the reboot time passes
    assert d['reason'] == 'scheduled' and d['phase'] == 'delayed', d
    assert a.prop(path, 'Decision') == 'accept'
    assert a.prop(path, 'DecisionReason') == 'scheduled'

    a.set_state(path, 60)
    a.signals.changed(path, 'Phase', 'installing')
    a.finish(path, 200)
    a.signals.changed(path, 'Phase', 'finished')
    assert a.prop(path, 'Result') == 200
    assert a.prompt_kind(path) == 'result'


def test_final_warning_counts_down(a):
    """The final warning's title says the time left, and the agent wakes by
    itself to say it again when the wording changes (nobody calls it)."""
    path = a.offer(id='fw-py-countdown', priority='medium')
    a.answer(path, 'accept')
    a.set_state(path, 40)
    a.signals.changed(path, 'Phase', 'ready')
    a.signals.clear(a)
    a.answer(path, 'delay-reboot', reboot_at=now() + 8)

    def titled(args):
        p = args[1].get('Prompt')
        return p is not None and p.get('kind') == 'final-warning'
    first = a.signals.wait('PropertiesChanged', path, titled)[1]['Prompt']['title']
    assert first.startswith('Restarting in ') and 'second' in first, first
    then = a.signals.wait('PropertiesChanged', path, titled, timeout=3)[1]['Prompt']['title']
    assert then != first and 'second' in then, (first, then)
    left = [int(''.join(c for c in t if c.isdigit())) for t in (first, then)]
    assert left[1] < left[0], (first, then)
    a.withdraw(path)


def test_cancel(a):
    a.signals.clear(a)
    path = a.offer(id='fw-py-cancel', priority='medium', correlator='c2')
    a.answer(path, 'cancel')
    d = decided(a, path, 'cancel')
    assert d['reason'] == 'user' and d['correlator'] == 'c2' and d['id'] == 'fw-py-cancel', d
    assert a.prop(path, 'Phase') == 'finished' and a.prop(path, 'Result') == 401


def test_silent_offer_is_accepted_by_policy(a):
    a.signals.clear(a)
    path = a.offer(id='fw-py-silent', priority='low', silent=True)
    d = decided(a, path, 'accept')
    assert d['reason'] == 'policy' and d['phase'] == 'offered', d
    assert a.prop(path, 'Phase') == 'downloading'
    a.set_state(path, 40)
    assert a.prop(path, 'Phase') == 'ready'
    # the install question is new: the download's accept is not an install accept
    assert a.prop(path, 'Decision') == 'none'
    assert a.prompt_kind(path) == 'install', 'a silent update must not install unasked'
    expect_error('org.otaux.Error.NotAllowed', a.set_state, path, 60)


def test_silent_offer_is_heard_on_agent_decided(a):
    """Agent1.Decided: a silent offer decided inside the Offer call is heard
    on /org/otaux/Agent, with the offer's path and the same decision and
    details as its Offer1.Decided, before the Offer reply is handled."""
    a.signals.clear(a)
    path = a.offer(id='fw-py-silent-agent', priority='low', silent=True, correlator='c-agent')
    # The signals were sent before the reply: they are queued already.
    args = a.signals.wait('Decided', '/org/otaux/Agent', lambda x: x[0] == path, timeout=5)
    ev = a.signals.find('Decided', path)
    assert ev is not None and ev[0] == OFFER_IFACE, 'Offer1.Decided missing'
    assert args[1:] == ev[3], (args, ev[3])
    assert args[1] == 'accept', args
    d = args[2]
    assert d['id'] == 'fw-py-silent-agent' and d['reason'] == 'policy', d
    assert d['phase'] == 'offered' and d['correlator'] == 'c-agent', d
    assert sorted(d) == ['correlator', 'id', 'phase', 'reason', 'reboot-at'], d
    # and one Agent1.Decided per Offer1.Decided: a user's answer too
    a.set_state(path, 40)
    a.signals.clear(a)
    a.answer(path, 'cancel')
    offer_d = decided(a, path, 'cancel')
    agent_args = a.signals.wait('Decided', '/org/otaux/Agent', lambda x: x[0] == path)
    assert agent_args[1] == 'cancel' and agent_args[2] == offer_d, (agent_args, offer_d)
    a.withdraw(path)  # its reply comes after any signal sent before it
    a.signals.wait('OfferRemoved', '/org/otaux/Agent')
    assert a.signals.find('Decided', '/org/otaux/Agent') is None, 'a second Agent1.Decided'


def test_withdraw(a):
    path = a.offer(id='fw-py-withdraw', name='to withdraw')
    a.signals.clear(a)
    a.withdraw(path)
    assert a.signals.wait('OfferRemoved', '/org/otaux/Agent')[0] == path
    assert path not in a.offers()
    expect_error('org.freedesktop.DBus.Error.UnknownObject', a.props, path)
    expect_error('org.otaux.Error.NotFound', a.get_offer, 'fw-py-withdraw')
    assert a.alive()


if __name__ == '__main__':
    main([test_agent_properties, test_introspect, test_offer_and_properties,
          test_offer_is_idempotent, test_walk_through, test_final_warning_counts_down, test_cancel,
          test_silent_offer_is_accepted_by_policy, test_silent_offer_is_heard_on_agent_decided,
          test_withdraw], setup, teardown)
