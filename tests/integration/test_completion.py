#!/usr/bin/python3
"""The bash completion of otauxctl (data/completion/otauxctl), driven as
bash drives it (COMP_WORDS, COMP_CWORD, the _otauxctl function), with the
built otauxctl first on PATH and a real agent on this private bus holding
one offer.

Asserts: commands complete; the Offer keys are exactly `otauxctl keys`
(the one key table) with a trailing "="; key values (priority, booleans);
command options from --help; offer ids and an offer's choices from the
running agent. Exit 77 when bash-completion is not installed.

Usage (under dbus-run-session): test_completion.py COMPLETION_FILE
"""
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import otauxtest  # noqa: E402

SCRIPT = os.path.abspath(sys.argv[1])
BASH_COMPLETION = '/usr/share/bash-completion/bash_completion'
OTAUXCTL = os.environ['OTAUXCTL']
PATH = os.path.dirname(OTAUXCTL) + ':' + os.environ.get('PATH', '')


def complete(line):
    """COMPREPLY for the command line `line` (the cursor at its end)."""
    words = shlex.split(line) + ([''] if line.endswith(' ') else [])
    prog = ('source %s; source %s; COMP_WORDS=(%s); COMP_CWORD=%d; COMP_LINE=%s; '
            'COMP_POINT=${#COMP_LINE}; _otauxctl; printf "%%s\\n" "${COMPREPLY[@]}"' %
            (BASH_COMPLETION, SCRIPT, ' '.join(shlex.quote(w) for w in words),
             len(words) - 1, shlex.quote(line)))
    r = subprocess.run(['bash', '-c', prog], capture_output=True, text=True,
                       env=dict(os.environ, PATH=PATH), timeout=30)
    assert r.returncode == 0, r.stderr
    return [w for w in r.stdout.splitlines() if w]


def keys():
    out = subprocess.run([OTAUXCTL, 'keys'], capture_output=True, text=True).stdout
    return [line.split('\t')[0] for line in out.splitlines()]


def test_commands():
    got = complete('otauxctl ')
    for c in ('offer', 'answer', 'list', 'check', 'policy', 'strings', 'preview', 'keys'):
        assert c in got, (c, got)
    assert complete('otauxctl pre') == ['preview'], complete('otauxctl pre')


def test_offer_keys_from_the_key_table():
    want = sorted(k + '=' for k in keys())
    assert len(want) >= 16, want
    assert sorted(complete('otauxctl offer ')) == want, complete('otauxctl offer ')
    assert complete('otauxctl offer prio') == ['priority=']


def test_key_values():
    assert sorted(complete('otauxctl offer priority=')) == \
        ['priority=high', 'priority=low', 'priority=medium']
    assert sorted(complete('otauxctl offer roaming=')) == ['roaming=false', 'roaming=true']
    assert sorted(complete('otauxctl offer --priority ')) == ['high', 'low', 'medium']


def test_options():
    got = complete('otauxctl offer --')
    for o in ('--wait', '--roaming', '--id', '--timeout'):
        assert o in got, (o, got)
    assert '--render' in complete('otauxctl strings --')


def test_ids_and_choices_from_the_agent():
    agent = otauxtest.Agent(args=['--no-popups', '--no-notifications'])
    agent.start()
    try:
        path = agent.offer(id='fw-complete', priority='high', name='Phone OS')
        assert 'fw-complete' in complete('otauxctl answer '), complete('otauxctl answer ')
        assert complete('otauxctl show fw-c') == ['fw-complete']
        # The download question: the agent's choices are accept and cancel.
        assert sorted(complete('otauxctl answer fw-complete ')) == ['accept', 'cancel'], \
            complete('otauxctl answer fw-complete ')
        assert path
    finally:
        agent.stop()
        agent.close()


if __name__ == '__main__':
    if not os.path.exists(BASH_COMPLETION):
        print('1..0 # SKIP bash-completion is not installed')
        sys.exit(77)
    otauxtest.main([test_commands, test_offer_keys_from_the_key_table, test_key_values,
                   test_options, test_ids_and_choices_from_the_agent])
