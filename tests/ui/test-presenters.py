#!/usr/bin/python3
"""The agent's presenters end to end: the REAL otaux-agent (OTAUX_AGENT)
starting the real otaux-prompter (OTAUX_PROMPTER) on a private X server
and session bus, with python-dbusmock's notification_daemon template, a
real dunst, a hung notification server, or none.

Usage: test-presenters.py PROMPTER ARTIFACT_DIR [TEST...]
TAP output; exit 77 when xvfb-run/xdotool/dbusmock are missing. Every wait
is on an event (a recorded call, a signal, a window) with a bound."""
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
import uitest  # noqa: E402
from uitest import log  # noqa: E402

uitest.reexec_under_xvfb(os.path.join(HERE, 'session.conf'))

try:
    import dbus  # noqa: E402
    import dbus.lowlevel  # noqa: E402
    import dbusmock  # noqa: E402,F401  (only: is it installed)
    from gi.repository import GLib  # noqa: E402,F401  (only: is it installed)
except ImportError as e:
    print('1..0 # SKIP %s' % e, flush=True)
    sys.exit(uitest.SKIP)
import otauxtest  # noqa: E402  (sets the GLib main loop for dbus-python)

PROMPTER = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
ONLY = sys.argv[3:]
NOTIFY_NAME = 'org.freedesktop.Notifications'
NOTIFY_PATH = '/org/freedesktop/Notifications'
PROMPTER_NAME = 'org.otaux.Prompter'
MOCK_IFACE = 'org.freedesktop.DBus.Mock'


def wait(pred, timeout=10.0, what='a condition'):
    """Checks pred() after every D-Bus event and every 50 ms (for state that
    sends no signal: X windows, a mock's recorded calls) until it is true;
    returns its value."""
    return otauxtest.wait_until(pred, timeout, what, interval=0.05)


def bus_daemon(bus):
    return dbus.Interface(bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus'),
                          'org.freedesktop.DBus')


class MockServer:
    """python-dbusmock's notification_daemon template."""

    def __init__(self, bus, caps=None):
        argv = ['/usr/bin/python3', '-m', 'dbusmock', '--template', 'notification_daemon']
        if caps is not None:
            argv += ['-p', json.dumps({'capabilities': caps})]
        self.proc = uitest.Proc(argv, env=dict(os.environ), name='dbusmock',
                                stdout=subprocess.DEVNULL)
        wait(lambda: bus_daemon(bus).NameHasOwner(NOTIFY_NAME), 15, NOTIFY_NAME)
        self.mock = dbus.Interface(bus.get_object(NOTIFY_NAME, NOTIFY_PATH), MOCK_IFACE)

    def calls(self, method):
        return [otauxtest.plain(args) for _, args in self.mock.GetMethodCalls(method)]

    def notify(self, pred=lambda n: True, timeout=10, what='a Notify'):
        """The last recorded Notify (as a dict) that matches pred."""
        def find():
            for args in reversed(self.calls('Notify')):
                n = dict(zip(('app', 'replaces', 'icon', 'summary', 'body', 'actions',
                              'hints', 'timeout'), args))
                n['action_keys'] = n['actions'][0::2]
                if pred(n):
                    return n
            return None
        return wait(find, timeout, what)

    def open_ids(self):
        """Ids of this template's notifications still open (it numbers from 1)."""
        new = sum(1 for args in self.calls('Notify') if args[1] == 0)
        closed = {args[0] for args in self.calls('CloseNotification')}
        return [i for i in range(1, new + 1) if i not in closed]

    def emit(self, name, sig, args):
        self.mock.EmitSignal(NOTIFY_NAME, name, sig, args)

    def stop(self):
        self.proc.stop()


class Ctx:
    def __init__(self, name):
        self.name = name
        self.bus = dbus.SessionBus()
        self.shots = os.path.join(ARTIFACTS, 'presenters', name)
        shutil.rmtree(self.shots, ignore_errors=True)
        os.makedirs(self.shots)
        self.tmp = tempfile.mkdtemp(prefix='otaux-ui-')
        self.procs = []
        self.kill_pids = []  # Popen objects of this test, stopped at close
        self.agent = None

    def mock(self, caps='body actions body-markup'):
        """A dbusmock notification server with these capabilities, for this test."""
        server = MockServer(self.bus, caps)
        self.procs.append(server)
        return server

    def start_agent(self, *args, env=None):
        env_extra = {
            'OTAUX_PROMPTER': PROMPTER,
            'OTAUX_PROMPTER_ARGS': '--idle-timeout 30 --geometry 360x720 --screenshot-dir '
                                   + shlex.quote(self.shots),
        }
        env_extra.update(env or {})
        env = uitest.gui_env(env_extra)
        # gui_env turns leak checks off for GTK; the agent keeps them (its
        # prompter inherits them and may exit 23 at the end: no crash).
        if 'ASAN_OPTIONS' in os.environ:
            env['ASAN_OPTIONS'] = os.environ['ASAN_OPTIONS']
        else:
            env.pop('ASAN_OPTIONS', None)
        self.agent = otauxtest.Agent(os.path.join(self.tmp, 'state'), list(args), env)
        self.agent.start()
        return self.agent

    def offer(self, priority, **kw):
        kw.setdefault('id', 'fw-%s-%d' % (priority, len(self.agent.offers()) + 1))
        kw.setdefault('name', 'Phone firmware')
        kw.setdefault('version', '2.1.0')
        return self.agent.offer(priority=priority, size=48 * 1024 * 1024, **kw)

    def has_prompter(self):
        return bool(bus_daemon(self.bus).NameHasOwner(PROMPTER_NAME))

    def prompter_pid(self):
        return int(bus_daemon(self.bus).GetConnectionUnixProcessID(PROMPTER_NAME))

    def prompter_pid_or_none(self):
        """The pid of the name's owner, None while it has none (the name may
        go between two calls: a killed prompter's connection is closing)."""
        try:
            return self.prompter_pid()
        except dbus.exceptions.DBusException:
            return None

    def decided(self, path, timeout=10):
        return self.agent.signals.wait('Decided', path, timeout=timeout)

    def window(self, path, timeout=15):
        title = self.agent.prop(path, 'Prompt')['title']
        return uitest.find_window(uitest.ere(title), timeout), title

    def close(self):
        if self.agent is not None:
            if self.agent.proc is not None:
                code = self.agent.stop()  # SIGTERM: frees the presenters (ASan checks)
                if code != 0:
                    log('agent exit status', code)
            self.agent.close()
        for p in self.procs:
            p.stop()
        for p in reversed(self.kill_pids):
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=10)
        wait(lambda: not bus_daemon(self.bus).NameHasOwner(NOTIFY_NAME), 10,
             'the notification server to go')
        if self.has_prompter():  # a prompter outlives the agent only briefly
            try:
                os.kill(self.prompter_pid(), signal.SIGTERM)
            except (OSError, dbus.DBusException):
                pass
            try:
                wait(lambda: not self.has_prompter(), 10, 'the prompter to exit')
            except AssertionError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def urgency(n):
    return n['hints'].get('urgency')


# ---- 1. the right presenter per priority ------------------------------------

def test_low_is_a_quiet_notification(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('low', name='<b>Free</b> &')
    n = mock.notify(what='the low Notify')
    log('low Notify:', n)
    assert urgency(n) == 0, n
    assert n['hints'].get('transient') is True, n
    assert n['hints'].get('suppress-sound') is True, n
    assert n['hints'].get('category') == 'device', n
    # no choices as actions (only the invisible "default": a click opens the pop-up)
    assert not set(n['action_keys']) - {'default'}, n['actions']
    assert 'resident' not in n['hints'], n
    # body-markup server: the offer's name shows literally
    assert '&lt;b&gt;Free&lt;/b&gt; &amp;' in n['body'], n['body']
    assert '<b>Free</b>' not in n['body'], n['body']
    assert not ctx.has_prompter()
    assert ctx.agent.prop(path, 'Prompt')['presentation'] == 'notification'


def test_medium_has_actions(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('medium')
    n = mock.notify(what='the medium Notify')
    log('medium Notify:', n)
    assert urgency(n) == 1, n
    choices = ctx.agent.choices(path)
    assert choices and set(choices) <= set(n['action_keys']), (choices, n['actions'])
    assert n['hints'].get('resident') is True, n
    assert 'transient' not in n['hints'], n
    assert not ctx.has_prompter()


def test_high_pops_up_and_is_not_repeated(ctx):
    """Issue 9 A.1: while the pop-up shows the question, no notification
    repeats it; hidden, a normal one brings it back."""
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('high')
    wid, title = ctx.window(path)
    log('pop-up window', wid, title)
    uitest.read_layout(ctx.shots, path.rsplit('/', 1)[1], 'download')
    wait(lambda: not mock.open_ids(), 10, 'no notification while the pop-up shows it')
    before = len(mock.calls('Notify'))
    uitest.key(wid, 'Escape')
    uitest.no_visible_window(uitest.ere(title), 10)
    n = mock.notify(lambda n: n['replaces'] == 0, what='the notification once it is hidden')
    assert len(mock.calls('Notify')) > before
    log('hidden pop-up: Notify', n)
    assert urgency(n) == 1, n
    assert 'default' in n['action_keys'], n
    assert n['icon'] == 'otaux-update-urgent', n
    assert n['hints'].get('image-path', '').endswith('/otaux-update-urgent.svg'), n
    assert os.path.isfile(n['hints']['image-path']), n
    nid = mock.open_ids()[-1]
    mock.emit('ActionInvoked', 'us', [dbus.UInt32(nid), 'default'])
    ctx.window(path)
    wait(lambda: nid not in mock.open_ids(), 10, 'the notification closed with the pop-up back')


def test_result_success_is_normal_and_expires(ctx):
    """Issue 9 A.2: a success is a normal notification that goes away."""
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('medium', name='Contoso Phone OS', version='2.1.0')
    mock.notify(what='the download question')
    ctx.agent.answer(path, 'accept')
    ctx.decided(path)
    ctx.agent.finish(path, 200)
    n = mock.notify(lambda n: n['hints'].get('x-otaux-offer') == path and
                    n['icon'] == 'otaux-update-done', what='the success notification')
    log('success Notify:', n)
    assert urgency(n) == 1, n
    assert n['timeout'] > 0, n
    assert 'resident' not in n['hints'], n
    assert n['hints'].get('image-path', '').endswith('/otaux-update-done.svg'), n


def finished_high(ctx, result):
    """A high offer's pop-up on screen, accepted (Decided), then finished
    with @result; returns its path."""
    ctx.start_agent()
    path = ctx.offer('high')
    ctx.window(path)
    ctx.agent.answer(path, 'accept')
    ctx.decided(path)
    ctx.agent.finish(path, result)
    return path


def test_success_popup_closes_itself(ctx):
    """Issue 18 item 4: a success is calm everywhere. At high priority its
    Prompt is not critical; the pop-up that shows it closes by itself (in
    OTAUX_PROMPTER_SUCCESS_CLOSE_S = 5 s) and the news stays as the
    expiring notification."""
    mock = ctx.mock()
    path = finished_high(ctx, 200)
    prompt = ctx.agent.prop(path, 'Prompt')
    assert prompt['kind'] == 'result' and prompt['urgency'] == 'normal', prompt
    wid, title = ctx.window(path)
    assert not [a for a in mock.calls('Notify') if a[2] == 'otaux-update-done'], \
        'a success notification while the pop-up shows it'
    shown = time.monotonic()
    uitest.no_visible_window(uitest.ere(title), 30)
    took = time.monotonic() - shown
    log('the success pop-up closed itself after %.1f s' % took)
    assert took >= 3, took  # not at once: there is time to read it
    n = mock.notify(lambda n: n['hints'].get('x-otaux-offer') == path and
                    n['icon'] == 'otaux-update-done', what='the success notification')
    assert urgency(n) == 1 and n['timeout'] > 0, n


def test_result_failure_has_its_icon(ctx):
    mock = ctx.mock()
    path = finished_high(ctx, 410)
    wid, title = ctx.window(path)
    uitest.key(wid, 'Escape')
    uitest.no_visible_window(uitest.ere(title), 10)
    # seen in the pop-up and closed there: not repeated as a notification
    assert not mock.open_ids(), mock.calls('Notify')
    assert not [a for a in mock.calls('Notify') if a[2] == 'otaux-update-failed'], \
        mock.calls('Notify')


def test_result_failure_with_updater_words(ctx):
    """FinishWithDetails 410 with a message that holds markup characters: the
    words reach the Notify body under the result's own text, escaped for
    the body-markup server, and the Prompt (plain in body, escaped in
    body-markup); the install message is not repeated on the result."""
    mock = ctx.mock()
    ctx.start_agent()
    words = "Compatible <b>mismatch</b> & expected 'acme-phone'"
    path = ctx.offer('medium', state=40, install_message='Keep it plugged in.')
    ctx.agent.answer(path, 'accept')
    ctx.decided(path)
    ctx.agent.set_state(path, 60)
    ctx.agent.finish_with_details(path, 410, {'message': words})
    n = mock.notify(lambda n: n['hints'].get('x-otaux-offer') == path and
                    n['icon'] == 'otaux-update-failed', what='the failure notification')
    log('failure with words, Notify:', n)
    prompt = ctx.agent.prop(path, 'Prompt')
    result_text = prompt['body'].split('\n')[0]
    assert prompt['body'] == result_text + '\n' + words, prompt['body']
    escaped = 'Compatible &lt;b&gt;mismatch&lt;/b&gt; &amp; expected '
    assert prompt['body-markup'].split('\n')[1].startswith(escaped), prompt['body-markup']
    assert escaped in n['body'], n['body']
    assert '<b>mismatch' not in n['body'], n['body']
    lines = n['body'].split('\n')
    at = [i for i, line in enumerate(lines) if escaped in line]
    assert at and at[0] > 0 and lines[at[0] - 1].endswith(prompt['body-markup'].split('\n')[0]), \
        ('the words are not under the result text', lines)
    assert 'Keep it plugged in.' not in n['body'] and prompt['message'] == '', (n, prompt)


def test_result_failure_words_in_popup(ctx):
    """The updater's words in the pop-up: the result of a high offer shows
    them literally (markup characters as text) under the result's own text,
    in the prompter's picture."""
    ctx.mock()
    ctx.start_agent()
    words = 'Compatible <b>mismatch</b> & acme-tablet'
    path = ctx.offer('high', state=40)
    ctx.window(path)
    ctx.agent.answer(path, 'accept')
    ctx.decided(path)
    ctx.agent.set_state(path, 60)
    ctx.agent.finish_with_details(path, 410, {'message': words})
    ctx.window(path)
    serial = path.rsplit('/', 1)[1]
    lay = uitest.read_layout(ctx.shots, serial, 'result')
    log('result picture:', os.path.join(ctx.shots, '%s-result.png' % serial))
    result_text = ctx.agent.prop(path, 'Prompt')['body'].split('\n')[0]
    label = next((t for t in lay['labels'] if words in t['text']), None)
    assert label is not None, lay['labels']
    # one label, two lines: the result's text, then the words
    assert label['text'].split('\n') == [result_text, words], label['text']


def test_no_actions_falls_back_to_popup(ctx):
    """A medium question on a server without buttons goes to the pop-up, and
    is then asked once: no notification repeats it while the pop-up shows
    it; hidden, a plain one (not the urgent look) says it is still there."""
    # The template's own capabilities: no "actions", no "body-markup" here.
    mock = ctx.mock('body')
    ctx.start_agent()
    path = ctx.offer('medium', name='<b>Free</b> &')
    wid, title = ctx.window(path)
    uitest.read_layout(ctx.shots, path.rsplit('/', 1)[1], 'download')
    wait(lambda: not mock.open_ids(), 10, 'no notification while the pop-up asks')
    before = len(mock.calls('Notify'))
    uitest.key(wid, 'Escape')
    uitest.no_visible_window(uitest.ere(title), 10)
    wait(lambda: len(mock.calls('Notify')) > before and mock.open_ids(), 10,
         'the notification once the pop-up is hidden')
    n = mock.notify(what='the medium Notify')
    log('hidden fallback pop-up: Notify', n)
    assert n['actions'] == [], n
    assert '<b>Free</b> &' in n['body'], n['body']  # plain text server: as is
    assert urgency(n) == 1 and n['icon'] == 'otaux-update', n


def test_no_server_falls_back_to_popup(ctx):
    ctx.start_agent()
    assert not bus_daemon(ctx.bus).NameHasOwner(NOTIFY_NAME)
    path = ctx.offer('medium')
    ctx.window(path)


def test_progress_value_and_replace(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('medium')
    mock.notify(what='the download question')
    ctx.agent.answer(path, 'accept')
    ctx.decided(path)
    ctx.agent.set_state(path, 30, bytes_done=10 * 1024 * 1024, bytes_total=40 * 1024 * 1024)
    n = mock.notify(lambda n: n['hints'].get('value') == 25, what='Notify with value 25')
    assert urgency(n) == 1, n  # issue 9 A.5: normal, not the red critical style
    ctx.agent.set_state(path, 30, bytes_done=30 * 1024 * 1024, bytes_total=40 * 1024 * 1024)
    m = mock.notify(lambda n: n['hints'].get('value') == 75, what='Notify with value 75')
    # the same notification, replaced (the template returns replaces_id)
    assert m['replaces'] != 0 and (n['replaces'] in (0, m['replaces'])), (n, m)
    # answered: the question (id 1) was closed, progress is a new one
    assert [1] in mock.calls('CloseNotification'), mock.calls('CloseNotification')


def set_state_60(ctx, path, done, total, step):
    ctx.agent.offer_iface(path).SetState(dbus.UInt32(60), dbus.Dictionary({
        'bytes-done': dbus.UInt64(done), 'bytes-total': dbus.UInt64(total),
        'step': dbus.String(step)}, signature='sv'))


def test_installing_progress_and_step_notify(ctx):
    """Issue 16 item 4: SetState 60 with bytes and a step: the installing
    notification carries the percentage (value hint and a line of text) and
    the step, escaped, under the text; the Prompt has them too."""
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('medium', state=40)
    ctx.agent.answer(path, 'accept')
    ctx.decided(path)
    ctx.agent.set_state(path, 60)
    n = mock.notify(lambda n: n['summary'].startswith('Installing'), what='the installing Notify')
    assert 'value' not in n['hints'] and '%' not in n['body'], n  # no bytes yet: unknown
    step = 'Copying image to rootfs.1 <&>'
    set_state_60(ctx, path, 45, 100, step)
    n = mock.notify(lambda n: n['hints'].get('value') == 45, what='Notify with value 45')
    log('installing with progress and step, Notify:', n)
    lines = n['body'].split('\n')
    assert '45% installed' in lines, lines
    assert 'Copying image to rootfs.1 &lt;&amp;&gt;' in lines, lines
    assert lines.index('Copying image to rootfs.1 &lt;&amp;&gt;') > lines.index('45% installed')
    prompt = ctx.agent.prop(path, 'Prompt')
    assert prompt['kind'] == 'installing' and prompt['progress'] == 45, prompt
    assert prompt['step'] == step and step not in prompt['message'], prompt


def test_installing_progress_and_step_popup(ctx):
    """The same in the pop-up (a high offer): the bar at 45 % and the step
    under it, in the prompter's picture of the installing screen."""
    ctx.mock()
    ctx.start_agent()
    path = ctx.offer('high', state=40)
    ctx.window(path)
    ctx.agent.answer(path, 'accept')
    ctx.decided(path)
    ctx.agent.set_state(path, 60)
    step = 'Copying image to rootfs.1'
    set_state_60(ctx, path, 45, 100, step)
    serial = path.rsplit('/', 1)[1]
    json_path = os.path.join(ctx.shots, '%s-installing.json' % serial)

    def pictured():
        try:
            with open(json_path) as f:
                lay = json.load(f)
        except (OSError, ValueError):
            return None
        texts = [t['text'] for t in lay['labels']]
        return lay if step in texts and lay['bars'] and \
            abs(lay['bars'][0]['fraction'] - 0.45) < 0.01 else None
    lay = wait(pictured, 15, 'a picture of the installing screen with 45 % and the step')
    log('installing picture:', json_path.replace('.json', '.png'))
    assert os.path.isfile(json_path.replace('.json', '.png'))
    bar = lay['bars'][0]
    label = next(t for t in lay['labels'] if t['text'] == step)
    assert label['y'] >= bar['y'] + bar['height'], (label, bar)
    assert any(t['text'].endswith('45% installed') for t in lay['labels']), lay['labels']


def test_server_restart_asks_again(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('medium')
    mock.notify(what='the first Notify')
    assert len(mock.calls('GetCapabilities')) == 1
    mock.stop()
    ctx.procs.remove(mock)
    wait(lambda: not bus_daemon(ctx.bus).NameHasOwner(NOTIFY_NAME), 10, 'the server to go')
    # the new server has no actions: asked again, the question moves to the
    # pop-up, which asks it alone
    mock = ctx.mock('body')
    wait(lambda: len(mock.calls('GetCapabilities')) == 1, 10, 'GetCapabilities on the new server')
    wid, title = ctx.window(path)
    wait(lambda: not mock.open_ids(), 10, 'no notification while the pop-up asks')
    assert len(mock.calls('GetCapabilities')) == 1
    uitest.key(wid, 'Escape')
    uitest.no_visible_window(uitest.ere(title), 10)
    n = mock.notify(lambda n: n['replaces'] == 0, what='the notification shown again')
    assert n['replaces'] == 0 and n['actions'] == [], n


def test_bus_address_reaches_presenters(ctx):
    """--bus-address: the API, the notifications and the pop-up all use that
    bus, even when DBUS_SESSION_BUS_ADDRESS names another one."""
    decoy = subprocess.Popen(['dbus-daemon', '--nofork', '--print-address=1', '--config-file',
                              os.path.join(HERE, 'session.conf')],
                             stdout=subprocess.PIPE, text=True)
    ctx.kill_pids.append(decoy)
    decoy_address = decoy.stdout.readline().strip()
    assert decoy_address, 'the decoy bus printed no address'
    decoy_env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=decoy_address)
    # a notification server on the decoy bus: it must see nothing
    decoy_mock = uitest.Proc(['/usr/bin/python3', '-m', 'dbusmock', '--template',
                              'notification_daemon'], env=decoy_env, name='decoy dbusmock',
                             stdout=subprocess.DEVNULL)
    ctx.kill_pids.append(decoy_mock.p)
    decoy_bus = dbus.bus.BusConnection(decoy_address)
    wait(lambda: bus_daemon(decoy_bus).NameHasOwner(NOTIFY_NAME), 15, 'the decoy server')
    mock = ctx.mock()
    test_address = os.environ['DBUS_SESSION_BUS_ADDRESS']
    ctx.start_agent('--bus-address', test_address, env={'DBUS_SESSION_BUS_ADDRESS': decoy_address})
    ctx.offer('medium')
    n = mock.notify(what='Notify on the --bus-address bus')
    log('Notify on the --bus-address bus:', n['summary'])
    # the prompter is started on that bus too
    ctx.window(ctx.offer('high'))
    assert ctx.has_prompter()
    decoy_calls = dbus.Interface(decoy_bus.get_object(NOTIFY_NAME, NOTIFY_PATH), MOCK_IFACE) \
        .GetMethodCalls('Notify')
    assert len(decoy_calls) == 0, 'Notify reached the session bus: %s' % decoy_calls
    assert not bus_daemon(decoy_bus).NameHasOwner(PROMPTER_NAME)


# ---- 2. answers reach the updater -------------------------------------------

def test_real_click_decides(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('high')
    serial = path.rsplit('/', 1)[1]
    lay = uitest.read_layout(ctx.shots, serial, 'download')
    wid, title = ctx.window(path)
    uitest.click_button(wid, lay, 'accept')
    decision, details = ctx.decided(path)
    assert decision == 'accept' and details['reason'] == 'user', (decision, details)
    # answered: no notification of the question is left
    wait(lambda: not mock.open_ids(), 10, 'no open notification')


def test_action_invoked_decides(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('medium')
    mock.notify(lambda n: n['replaces'] == 0, what='the first Notify')
    # the template numbers from 1: the first notification is 1
    mock.emit('ActionInvoked', 'us', [dbus.UInt32(1), 'cancel'])
    decision, details = ctx.decided(path)
    assert decision == 'cancel' and details['reason'] == 'user', (decision, details)
    wait(lambda: [1] in mock.calls('CloseNotification') or
         [dbus.UInt32(1)] in mock.calls('CloseNotification'), 10, 'CloseNotification(1)')


def test_spoofed_action_ignored(ctx):
    """ActionInvoked sent straight to the agent by someone else answers nothing."""
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('medium')
    mock.notify(what='the first Notify')
    daemon = bus_daemon(ctx.bus)
    agent_pid = ctx.agent.proc.pid
    conns = [str(n) for n in daemon.ListNames() if str(n).startswith(':') and
             int(daemon.GetConnectionUnixProcessID(n)) == agent_pid]
    assert conns, 'no connection of the agent'
    for conn in conns:
        msg = dbus.lowlevel.SignalMessage(NOTIFY_PATH, NOTIFY_NAME, 'ActionInvoked')
        msg.append(dbus.UInt32(1), 'cancel', signature='us')
        msg.set_destination(conn)
        ctx.bus.send_message(msg)
    # the real server's action, sent after: the first decision must be it
    mock.emit('ActionInvoked', 'us', [dbus.UInt32(1), 'accept'])
    decision, details = ctx.decided(path)
    assert decision == 'accept', (decision, details)


def test_default_action_opens_popup(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('medium')
    n = mock.notify(what='the first Notify')
    assert 'default' in n['action_keys'], n
    assert not ctx.has_prompter()
    mock.emit('ActionInvoked', 'us', [dbus.UInt32(1), 'default'])
    ctx.window(path)


# ---- 3. a real dunst ---------------------------------------------------------

DUNSTRC = '''[global]
    markup = full
    mouse_left_click = do_action, close_current
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
'''


def test_dunst(ctx):
    if shutil.which('dunst') is None:
        raise otauxtest.Skip('dunst is not installed')
    rc = os.path.join(ctx.tmp, 'dunstrc')
    with open(rc, 'w') as f:
        f.write(DUNSTRC)
    ctx.procs.append(uitest.Proc(['dunst', '-config', rc], env=dict(os.environ), name='dunst',
                                 stdout=subprocess.DEVNULL))
    wait(lambda: bus_daemon(ctx.bus).NameHasOwner(NOTIFY_NAME), 15, 'dunst on the bus')
    caps = [str(c) for c in dbus.Interface(ctx.bus.get_object(NOTIFY_NAME, NOTIFY_PATH),
                                           NOTIFY_NAME).GetCapabilities()]
    log('dunst capabilities:', caps)
    ctx.start_agent()
    path = ctx.offer('medium')
    if 'actions' not in caps:
        ctx.window(path)  # the fallback
        return
    # dunst 1.9 does list "actions" (shown in its context menu, not as
    # buttons): the question stays a notification; a click on it runs the
    # "default" action, which opens the pop-up with real buttons.
    dunstctl = shutil.which('dunstctl')
    if dunstctl:
        wait(lambda: subprocess.run([dunstctl, 'count', 'displayed'], capture_output=True,
                                    text=True).stdout.strip() == '1', 10, 'dunst showing it')
    assert not ctx.has_prompter()
    rc_, out = uitest.xdotool('search', '--onlyvisible', '--class', 'Dunst')
    wid = out.split()[0] if rc_ == 0 and out else uitest.find_window('.', 10)
    x, y = uitest.window_origin(wid)
    uitest.xdotool('mousemove', x + 20, y + 10)
    uitest.xdotool('click', 1)
    wid, _ = ctx.window(path)
    lay = uitest.read_layout(ctx.shots, path.rsplit('/', 1)[1], 'download')
    uitest.click_button(wid, lay, 'accept')
    try:
        decision, details = ctx.decided(path, timeout=5)
    except AssertionError:
        # Seen once in ~30 runs: the first click after dunst's own click got
        # lost (cause not found). Say so loudly, and click once more.
        log('WARNING: the click was lost; window %s, mouse %s, Decision %s; clicking again' %
            (uitest.xdotool('getwindowgeometry', wid), uitest.xdotool('getmouselocation'),
             ctx.agent.prop(path, 'Decision')))
        uitest.click_button(wid, lay, 'accept')
        decision, details = ctx.decided(path)
    assert decision == 'accept', decision


# ---- 4. withdraw and answers close both --------------------------------------

def test_withdraw_closes_both(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('high')
    wid, title = ctx.window(path)
    ctx.agent.withdraw(path)
    uitest.no_visible_window(uitest.ere(title), 10)
    wait(lambda: not mock.open_ids(), 10, 'no open notification')


def test_dbus_answer_closes_both(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('high')
    wid, title = ctx.window(path)
    ctx.agent.answer(path, 'cancel')
    assert ctx.decided(path)[0] == 'cancel'
    uitest.no_visible_window(uitest.ere(title), 10)
    wait(lambda: not mock.open_ids(), 10, 'no open notification')


def test_agent_stop_closes_notifications(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    ctx.offer('medium')
    mock.notify(what='the first notification')
    ctx.agent.stop()
    # an agent that stops takes its questions down
    wait(lambda: [1] in mock.calls('CloseNotification'), 10, 'CloseNotification(1) at exit')


# ---- 5. a crashed prompter comes back ----------------------------------------

def test_prompter_crash_respawns(ctx):
    ctx.mock()
    ctx.start_agent()
    path = ctx.offer('high')
    wid, title = ctx.window(path)
    pid = ctx.prompter_pid()
    os.kill(pid, signal.SIGKILL)
    log('killed prompter', pid)
    wait(lambda: ctx.prompter_pid_or_none() not in (None, pid), 15, 'a new prompter')
    wid2, _ = ctx.window(path)
    log('pop-up back: window', wid2, 'pid', ctx.prompter_pid())
    # and it still answers
    lay = uitest.read_layout(ctx.shots, path.rsplit('/', 1)[1], 'download',
                             after=time.time() - 0.5)
    uitest.click_button(wid2, lay, 'cancel')
    assert ctx.decided(path)[0] == 'cancel'


def test_agent_restart_reuses_running_prompter(ctx):
    mock = ctx.mock()
    ctx.start_agent()
    path = ctx.offer('high')
    wid, title = ctx.window(path)
    pid = ctx.prompter_pid()
    ctx.agent.stop()
    uitest.no_visible_window(uitest.ere(title), 10)
    ctx.agent.start()  # the saved offer comes back with its prompt
    wid, _ = ctx.window(path)
    assert ctx.prompter_pid() == pid, 'a second prompter was started'


# ---- 6. a hung notification server stalls nothing -----------------------------

def test_hung_server_stalls_nothing(ctx):
    hung = uitest.Proc(['/usr/bin/python3', os.path.join(HERE, 'hung-notifyd.py')],
                       env=dict(os.environ), name='hung-notifyd', stdout=subprocess.PIPE)
    ctx.procs.append(hung)
    assert hung.p.stdout.readline().strip() == 'READY'
    calls = dbus.Interface(ctx.bus.get_object(NOTIFY_NAME, NOTIFY_PATH), 'org.otaux.TestHung')
    ctx.start_agent()
    paths = [ctx.offer('medium', id='hung-%d' % i) for i in range(3)]
    wait(lambda: calls.Calls()[0] >= 1, 10, 'a Notify call at the hung server')
    # A Notify call hangs (libnotify's worker thread waits 25 s for it):
    # offers, answers and decisions go on meanwhile, well inside that time.
    start = time.monotonic()
    path = ctx.offer('medium', id='hung-late')
    ctx.agent.answer(paths[0], 'accept')
    ctx.agent.answer(path, 'cancel')
    assert ctx.decided(paths[0], timeout=3)[0] == 'accept'
    assert ctx.decided(path, timeout=3)[0] == 'cancel'
    log('offer + 2 answers + 2 Decided with Notify hanging: %.3f s' % (time.monotonic() - start))
    assert ctx.agent.alive()


TESTS = [v for k, v in list(globals().items()) if k.startswith('test_')]

if __name__ == '__main__':
    os.makedirs(ARTIFACTS, exist_ok=True)
    sys.exit(uitest.run_tests(TESTS, Ctx, ONLY, skip=otauxtest.Skip))
