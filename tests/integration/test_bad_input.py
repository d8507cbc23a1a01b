#!/usr/bin/python3
"""Bad input is refused with the documented error, changes nothing, and the
agent keeps answering."""
import os
import sys

import dbus

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otauxtest import (AGENT_IFACE, AGENT_PATH, ERR, OFFER_IFACE, OFFER_KEYS,  # noqa: E402
                       PROPS_IFACE, Agent, expect_error, main, now, package, snapshot,
                       wait_until)

INVALID = ERR + 'InvalidArgs'
NOT_ALLOWED = ERR + 'NotAllowed'
DAY = 86400
ctx = {}

# Offer string key -> its Limits entry
STRING_LIMITS = {
    'id': 'max-id-bytes', 'name': 'max-name-bytes', 'version': 'max-version-bytes',
    'url': 'max-url-bytes', 'release-notes': 'max-release-notes-bytes',
    'message': 'max-message-bytes', 'correlator': 'max-correlator-bytes',
}


def setup():
    a = Agent().start()
    # one offer in each phase the checks need
    ctx['offered'] = a.offer(id='bad-offered', priority='medium')
    ctx['downloading'] = a.offer(id='bad-downloading', priority='high')
    a.answer(ctx['downloading'], 'accept')
    ctx['ready'] = a.offer(id='bad-ready', priority='high', state=40)
    ctx['installing'] = a.offer(id='bad-installing', priority='high', state=40)
    a.answer(ctx['installing'], 'accept')
    a.set_state(ctx['installing'], 60)
    ctx['finished'] = a.offer(id='bad-finished', priority='high', state=40)
    a.finish(ctx['finished'], 200)
    return a


def teardown(a):
    a.close()


def refused(a, error, fn, /, *args, **kw):
    """fn(*args) fails with error, nothing changes, the agent still answers."""
    before = snapshot(a)
    got = expect_error(error, fn, *args, **kw)
    assert snapshot(a) == before, f'{got} but the state changed'
    assert a.alive()
    return got


def offer_raw(a, d):
    return a.agent().Offer(dbus.Dictionary(d, signature='sv'))


def test_wrong_types(a):
    wrong = {dbus.String: dbus.UInt32(1), dbus.UInt64: dbus.String('1'),
             dbus.UInt32: dbus.String('1'), dbus.Int64: dbus.String('1'),
             dbus.Boolean: dbus.String('true')}
    for key, typ in OFFER_KEYS.items():
        d = {'id': dbus.String('bad-type-' + key), key: wrong[typ]}
        refused(a, INVALID, offer_raw, a, d)
    # near misses: a signed size, a 32-bit size, an unsigned deadline
    for key, v in (('size', dbus.Int64(1)), ('size', dbus.UInt32(1)),
                   ('deadline', dbus.UInt64(1)), ('state', dbus.Int32(30))):
        refused(a, INVALID, offer_raw, a, {'id': dbus.String('bad-near'), key: v})


def test_missing_or_empty_id(a):
    refused(a, INVALID, offer_raw, a, {'name': dbus.String('no id')})
    refused(a, INVALID, offer_raw, a, {})
    refused(a, INVALID, a.offer, id='')


def test_unknown_values(a):
    refused(a, INVALID, a.offer, id='bad-prio', priority='urgent')
    refused(a, INVALID, a.offer, id='bad-prio', priority='HIGH')
    # 0 means "not given"; terminal states (20, 70-100) are no start states
    for state in (35, 41, 110, 20, 70, 100):
        refused(a, INVALID, a.offer, id='bad-state', state=state)


def test_string_limits(a):
    limits = a.limits()
    for key, lim in STRING_LIMITS.items():
        n = limits.get(lim)
        assert n, f'Limits has no {lim}: {limits}'
        val = 'x' * n
        kw = {'id': 'lim-' + key, key.replace('-', '_'): val}
        path = a.offer(**kw)  # at the limit: accepted
        if key in ('id', 'name', 'version', 'correlator'):
            assert a.prop(path, key.capitalize()) == val, key
        a.withdraw(path)
        kw[key.replace('-', '_')] = val + 'y'  # limit + 1 byte
        refused(a, INVALID, a.offer, **kw)
    # bytes, not characters: 128 two-byte characters fit, 129 do not
    path = a.offer(id='é' * (limits['max-id-bytes'] // 2))
    a.withdraw(path)
    refused(a, INVALID, a.offer, id='é' * (limits['max-id-bytes'] // 2 + 1))


def test_too_many_dict_entries(a):
    n = a.limits().get('max-dict-entries')
    if not n:
        return
    d = {'id': dbus.String('bad-dict')}
    d.update({f'x-unknown-{i}': dbus.String('v') for i in range(n)})
    refused(a, (INVALID, ERR + 'LimitExceeded'), offer_raw, a, d)


def test_wrong_signature(a):
    refused(a, INVALID, a.call, AGENT_PATH, AGENT_IFACE, 'Offer', 's', 'fw')
    refused(a, INVALID, a.call, AGENT_PATH, AGENT_IFACE, 'Offer', '', )
    refused(a, INVALID, a.call, AGENT_PATH, AGENT_IFACE, 'GetOffer', 'u', 1)
    refused(a, INVALID, a.call, ctx['downloading'], OFFER_IFACE, 'SetState', 's', '30')
    refused(a, INVALID, a.call, ctx['ready'], OFFER_IFACE, 'Answer', 's', 'accept')
    refused(a, INVALID, a.call, ctx['ready'], OFFER_IFACE, 'Finish', 'i', 200)
    refused(a, INVALID, a.call, ctx['ready'], OFFER_IFACE, 'Withdraw', 's', 'x')


def test_unknown_method_interface_object(a):
    d = 'org.freedesktop.DBus.Error.'
    refused(a, d + 'UnknownMethod', a.call, AGENT_PATH, AGENT_IFACE, 'Nope', '')
    refused(a, d + 'UnknownMethod', a.call, ctx['ready'], OFFER_IFACE, 'Nope', '')
    refused(a, d + 'UnknownInterface', a.call, AGENT_PATH, 'org.otaux.Nope1', 'Offer', '')
    refused(a, d + 'UnknownObject', a.call, '/org/otaux/Agent/Offers/999999', OFFER_IFACE,
            'Withdraw', '')
    refused(a, d + 'UnknownObject', a.call, '/org/otaux/Nope', AGENT_IFACE, 'GetOffer', 's', 'x')
    refused(a, ERR + 'NotFound', a.get_offer, 'no-such-id')


def test_answer_not_offered(a):
    assert 'delay-reboot' not in a.choices(ctx['offered'])
    refused(a, NOT_ALLOWED, a.answer, ctx['offered'], 'delay-reboot', reboot_at=now() + 3600)
    refused(a, NOT_ALLOWED, a.answer, ctx['offered'], 'reboot-now')
    refused(a, NOT_ALLOWED, a.answer, ctx['downloading'], 'accept')


def test_answer_when_nothing_is_asked(a):
    for key in ('installing', 'finished'):
        assert a.choices(ctx[key]) == [], (key, a.choices(ctx[key]))
        for choice in ('accept', 'cancel'):
            refused(a, NOT_ALLOWED, a.answer, ctx[key], choice)


def test_bad_delay(a):
    p = ctx['ready']
    assert 'delay-reboot' in a.choices(p)
    limit = a.prop(p, 'Prompt').get('delay-max') or now() + 7 * DAY
    refused(a, INVALID, a.answer, p, 'delay-reboot')
    refused(a, INVALID, a.answer, p, 'delay-reboot', reboot_at=now() - 60)
    # beyond the policy's bound: the choice is not allowed that late
    refused(a, NOT_ALLOWED, a.answer, p, 'delay-reboot', reboot_at=limit + 3600)
    refused(a, NOT_ALLOWED, a.answer, p, 'delay-reboot', reboot_at=now() + 8 * DAY)
    refused(a, INVALID, a.answer, p, 'delay-reboot',
            details={'reboot-at': dbus.String('tomorrow')})


def test_bad_finish(a):
    for code in (0, 199, 201, 249, 300, 399, 600, 4294967295):
        refused(a, INVALID, a.finish, ctx['ready'], code)


def test_bad_finish_with_details(a):
    """FinishWithDetails: a named error (InvalidArgs, NotAllowed), the message
    naming the key, and nothing changes; at the limit it is taken."""
    limit = a.limits()['max-finish-message-bytes']
    assert limit == 1024, a.limits()
    p = ctx['ready']
    for details in ({'message': 'x' * (limit + 1)}, {'message': 'é' * (limit // 2) + 'x'},
                    {'message': dbus.UInt32(1)}, {'message': dbus.Array(['a'], signature='s')}):
        try:
            before = snapshot(a)
            a.finish_with_details(p, 410, details)
            raise AssertionError(f'{details!r} was taken')
        except dbus.exceptions.DBusException as e:
            assert e.get_dbus_name() == INVALID, e.get_dbus_name()
            assert "'message'" in e.get_dbus_message(), e.get_dbus_message()
        assert snapshot(a) == before and a.alive()
    for code in (0, 199, 300, 600):
        refused(a, INVALID, a.finish_with_details, p, code, {'message': 'x'})
    refused(a, NOT_ALLOWED, a.finish_with_details, ctx['finished'], 410, {'message': 'again'})
    refused(a, INVALID, a.call, p, OFFER_IFACE, 'FinishWithDetails', 'u', 410)
    # at the limit (in bytes: two-byte characters count twice), and unknown keys ignored
    q = a.offer(id='bad-finish-words', priority='high', state=40)
    a.finish_with_details(q, 410, {'message': 'é' * (limit // 2), 'x-future': 'ignored'})
    assert a.prop(q, 'Result') == 410
    assert a.prop(q, 'Prompt')['body'].endswith('\n' + 'é' * (limit // 2))
    a.withdraw(q)


def test_refused_transitions(a):
    refused(a, NOT_ALLOWED, a.set_state, ctx['offered'], 60)   # nobody accepted
    refused(a, NOT_ALLOWED, a.set_state, ctx['ready'], 60)     # asked, not answered
    refused(a, NOT_ALLOWED, a.set_state, ctx['finished'], 30)
    refused(a, NOT_ALLOWED, a.set_state, ctx['installing'], 30)
    refused(a, INVALID, a.set_state, ctx['downloading'], 35)
    refused(a, INVALID, a.set_state, ctx['downloading'], 0)


def test_properties_are_read_only(a):
    ro = 'org.freedesktop.DBus.Error.PropertyReadOnly'
    refused(a, ro, a.call, AGENT_PATH, PROPS_IFACE, 'Set', 'ssv', AGENT_IFACE, 'Version',
            dbus.UInt32(2, variant_level=1))
    for prop, value in (('Decision', 'accept'), ('Phase', 'finished'), ('Name', 'x')):
        refused(a, ro, a.call, ctx['offered'], PROPS_IFACE, 'Set', 'ssv', OFFER_IFACE, prop,
                dbus.String(value, variant_level=1))


def test_too_many_offers(a):
    limit = a.limits()['max-offers']  # open offers; finished ones do not count
    have = len(a.offers())
    active = sum(a.prop(p, 'Phase') != 'finished' for p in a.offers())
    pending = []
    errors = []

    def reply(path):
        pending.remove(1)

    def error(e):
        pending.remove(1)
        errors.append(e.get_dbus_name())
    agent = a.agent()
    for i in range(limit - active):  # fill up, many calls in flight at once
        pending.append(1)
        agent.Offer(package(id=f'fill-{i}'), reply_handler=reply, error_handler=error,
                    timeout=120)
    wait_until(lambda: not pending, 120, 'the offers to fill the table')
    assert not errors, errors[:3]
    assert len(a.offers()) == have + limit - active
    refused(a, ERR + 'LimitExceeded', a.offer, id='one-too-many')
    assert a.offer(id='fill-0') == a.get_offer('fill-0'), 're-offer refused at the limit'
    for path in a.offers()[have:]:
        a.withdraw(path)
    assert len(a.offers()) == have
    a.withdraw(a.offer(id='fits-again'))


if __name__ == '__main__':
    main([test_wrong_types, test_missing_or_empty_id, test_unknown_values, test_string_limits,
          test_too_many_dict_entries, test_wrong_signature, test_unknown_method_interface_object,
          test_answer_not_offered, test_answer_when_nothing_is_asked, test_bad_delay,
          test_bad_finish, test_bad_finish_with_details, test_refused_transitions, test_properties_are_read_only,
          test_too_many_offers], setup, teardown)
