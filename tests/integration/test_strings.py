#!/usr/bin/python3
"""Strings end to end: the real otaux-agent on a private bus speaks German
with LANGUAGE=de (the build's translations, $OTAUX_LOCALEDIR); operator
catalogs from --strings-dir override texts and add install messages; a bad
catalog is skipped and the agent keeps running; SIGHUP reloads them;
hostile offer values come out literal in the plain texts and escaped in the
*-markup ones."""
import os
import shutil
import signal
import sys
import tempfile
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otauxtest import Agent, GLib, main, wait_until  # noqa: E402

HOSTILE = '<b>Free</b> & <a href="https://evil.example">x</a> {size} %s'


def markup_text(markup):
    """The text a markup parser shows; fails when the markup is not well-formed."""
    doc = xml.dom.minidom.parseString(f'<m>{markup}</m>'.encode())

    def text(node):
        return ''.join(c.data if c.nodeType == c.TEXT_NODE else text(c) for c in node.childNodes)
    return text(doc.documentElement)


def run_agent(args=(), env=None, check=None):
    a = Agent(args=args, env=dict(os.environ, **(env or {})))
    try:
        a.start()
        check(a)
        assert a.alive()
    finally:
        if a.proc is not None:
            a.stop(signal.SIGTERM)
        a.close()


def test_language_de_gives_german():
    env = {'LANGUAGE': 'de', 'OTAUX_LOCALEDIR': os.environ['OTAUX_LOCALEDIR']}

    def check(a):
        p = a.offer(id='de-1', name='Phone OS', version='2.0', size=12300000, priority='high')
        prompt = a.prop(p, 'Prompt')
        assert prompt['title'] == 'Update verfügbar', prompt['title']
        assert prompt['body'] == 'Phone OS 2.0 kann heruntergeladen werden (12.3\u00a0MB).', \
            prompt['body']
        labels = dict(prompt['choices'])
        assert labels['accept'] == 'Herunterladen', labels
    run_agent(env=env, check=check)


def test_catalogs_override_and_messages():
    src = os.environ['OTAUX_SOURCE_ROOT']
    d = tempfile.mkdtemp(prefix='otaux-strings-')
    try:
        shutil.copy(os.path.join(src, 'data', 'examples', 'strings-de.xml'),
                    os.path.join(d, 'acme-de_100.xml'))
        with open(os.path.join(d, 'acme-de_200.xml'), 'w') as f:
            f.write('<catalog locale="de">\n<string id="no.such.id">x</string></catalog>\n')
        env = {'LANGUAGE': 'de', 'OTAUX_LOCALEDIR': os.environ['OTAUX_LOCALEDIR']}

        def check(a):
            p = a.offer(id='cat-1', name='Phone OS', priority='high')
            assert a.prop(p, 'Prompt')['title'] == 'Neu für Ihr Gerät: Phone OS'
            p = a.offer(id='cat-2', name=HOSTILE, version='3', priority='high', state=40,
                        message='welcome-5g', install_seconds=300)
            prompt = a.prop(p, 'Prompt')
            assert prompt['kind'] == 'install', prompt['kind']
            # plain: the value as it is; markup: escaped, operator's <b> kept
            assert HOSTILE in prompt['message'], prompt['message']
            assert 'Mit <b>Free</b>' in prompt['message']
            assert '<b>5G</b>' in prompt['message-markup'], prompt['message-markup']
            assert '&lt;b&gt;Free&lt;/b&gt; &amp; &lt;a href=' in prompt['message-markup']
            assert '<a href="https://example.com/5g">' in prompt['message-markup']
            assert HOSTILE in markup_text(prompt['message-markup'])
            assert '<b>etwa 5\u00a0Minuten</b>' in prompt['body-markup'], prompt['body-markup']
            assert prompt['body'] == ('Bei der Installation startet das Gerät neu. Das dauert etwa '
                                      '5\u00a0Minuten.'), prompt['body']
            assert prompt['title'] == f'{HOSTILE} 3 ist bereit zur Installation', prompt['title']
            labels = dict(prompt['choices'])
            assert labels['delay-reboot'] == 'Später installieren', labels
            # offers restored after a restart use the catalogs too
            a.restart()
            assert a.prop(a.get_offer('cat-1'), 'Prompt')['title'] == 'Neu für Ihr Gerät: Phone OS'
        run_agent(['--strings-dir', d], env, check)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_sighup_reloads_catalogs():
    check_reload(send_sighup=True)


def test_file_change_reloads_catalogs():
    check_reload(send_sighup=False)


def check_reload(send_sighup):
    """A changed catalog reaches new prompts, after SIGHUP or by itself
    (the agent watches the catalog folders)."""
    d = tempfile.mkdtemp(prefix='otaux-strings-')
    path = os.path.join(d, 'op_100.xml')

    def write(title):
        with open(path + '.tmp', 'w') as f:
            f.write(f'<catalog locale="en"><string id="download.title">{title}</string></catalog>')
        os.rename(path + '.tmp', path)

    def check(a):
        assert a.prop(a.offer(id='hup-0', priority='high'), 'Prompt')['title'] == 'Before'
        write('After')
        if send_sighup:
            a.proc.send_signal(signal.SIGHUP)
        # The reload runs from the agent's main loop: poll new offers (each
        # a round trip) until one shows the new text, with a bound.
        tries = []
        ticker = GLib.timeout_add(20, lambda: True)

        def reloaded():
            tries.append(1)
            p = a.offer(id=f'hup-{len(tries)}', priority='high')
            return a.prop(p, 'Prompt')['title'] == 'After'
        try:
            wait_until(reloaded, 10, 'the catalogs to reload')
        finally:
            GLib.source_remove(ticker)
    try:
        write('Before')
        run_agent(['--strings-dir', d], {'LANGUAGE': 'en'}, check)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_english_markup_escaped():
    def check(a):
        p = a.offer(id='en-1', name=HOSTILE, priority='high', roaming=True, size=5)
        prompt = a.prop(p, 'Prompt')
        assert prompt['body'] == f'{HOSTILE} is ready to download (5\u00a0bytes).', prompt['body']
        assert markup_text(prompt['body-markup']) == prompt['body']
        assert '<b>' not in prompt['body-markup']
        assert markup_text(prompt['warning-markup']) == prompt['warning']
    run_agent(['--strings-dir', '/nonexistent'], {'LANGUAGE': 'en'}, check)


if __name__ == '__main__':
    main([test_language_de_gives_german, test_catalogs_override_and_messages,
          test_english_markup_escaped, test_sighup_reloads_catalogs,
          test_file_change_reloads_catalogs])
