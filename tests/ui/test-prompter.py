#!/usr/bin/python3
"""otaux-prompter against the fake agent, on a private X server and bus.

Usage: test-prompter.py PROMPTER ARTIFACT_DIR [TEST...]
TAP output; exit 77 when xvfb-run/xdotool are missing.
Screenshots of every screen go to ARTIFACT_DIR/prompter-360x720/ and
ARTIFACT_DIR/prompter-1024x700/."""
import datetime
import gettext
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uitest  # noqa: E402
from uitest import log, wait_for  # noqa: E402

uitest.reexec_under_xvfb()

import dbus  # noqa: E402
import prompts  # noqa: E402

PROMPTER = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
ONLY = sys.argv[3:]


def empty_dir(path):
    """@path, made or emptied (the pictures of an earlier run go)."""
    os.makedirs(path, exist_ok=True)
    for f in os.listdir(path):
        os.unlink(os.path.join(path, f))
    return path


class Ctx:
    def __init__(self, name):
        self.name = name
        self.bus = dbus.SessionBus()
        self.agent = uitest.start_fake_agent()
        self.ctl = dbus.Interface(self.bus.get_object('org.otaux.Agent', '/org/otaux/Test'),
                                  'org.otaux.Test1')
        self.prompter = None
        self.shots = empty_dir(os.path.join(ARTIFACTS, 'prompter-tests', name))

    def start_prompter(self, *args, idle=30, geometry='360x720', shots=None, env=None):
        argv = [PROMPTER, '--idle-timeout', str(idle), '--geometry', geometry,
                '--screenshot-dir', shots or self.shots] + list(args)
        if os.environ.get('OTAUX_PROMPTER_GDB'):
            argv = ['gdb', '-batch', '-ex', 'run', '-ex', 'bt', '--args'] + argv
        self.prompter = uitest.Proc(argv, name='otaux-prompter', env=uitest.gui_env(env))
        wait_for(lambda: self.has_owner('org.otaux.Prompter') or not self.prompter.alive(),
                 10, 'org.otaux.Prompter on the bus')
        assert self.prompter.alive(), 'prompter exited early'
        return self.prompter

    def start_pictured(self, name, geometry, lang=None):
        """The prompter at @geometry (in @lang, with the build's catalogs),
        its pictures in ARTIFACTS/@name, emptied first; returns that folder."""
        out = empty_dir(os.path.join(ARTIFACTS, name))
        env = {'LANGUAGE': lang, 'OTAUX_LOCALEDIR': os.environ['OTAUX_TEST_LOCALEDIR']} \
            if lang else None
        self.start_prompter(geometry=geometry, shots=out, env=env)
        return out

    def has_owner(self, name):
        return bool(self.bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus')
                    .NameHasOwner(name, dbus_interface='org.freedesktop.DBus'))

    def add(self, prompt, **props):
        path = str(self.ctl.AddOffer(prompts.offer_props(**props), prompt))
        return path, path.rsplit('/', 1)[1]

    def open(self, prompt, title, **start):
        """@prompt added and on screen: the prompter started (@start: its
        options), its layout written, its window @title found. Returns
        (path, serial, the prompter, the layout, the window)."""
        path, serial = self.add(prompt)
        proc = self.start_prompter(**start)
        lay = self.layout(serial, prompt['kind'])
        wid = uitest.find_window(title)
        return path, serial, proc, lay, wid

    def answers(self):
        return [(str(p), str(c), {str(k): v for k, v in d.items()})
                for p, c, d in self.ctl.Answers()]

    def signals(self):
        return [(str(m), str(o)) for m, o in self.ctl.PrompterSignals()]

    def wait_signals(self, want, what):
        wait_for(lambda: len(self.signals()) >= len(want), 10, what)
        assert self.signals() == want, (self.signals(), want)

    def show(self, path, kind):
        """org.otaux.Prompter1.Show, as the agent calls it."""
        dbus.Interface(self.bus.get_object('org.otaux.Prompter', '/org/otaux/Prompter'),
                       'org.otaux.Prompter1').Show(dbus.ObjectPath(path), kind)

    def layout(self, serial, kind, suffix=''):
        return uitest.read_layout(self.shots, serial, kind, suffix)

    def forget_layout(self, serial, kind, suffix=''):
        for ext in ('.json', '.png'):
            try:
                os.unlink(os.path.join(self.shots, '%s-%s%s%s' % (serial, kind, suffix, ext)))
            except FileNotFoundError:
                pass

    def close(self):
        if self.prompter:
            self.prompter.stop()
        self.agent.stop()


def screen(kind):
    return next(p for p in prompts.all_screens() if p['kind'] == kind)


# ---------------------------------------------------------------------------

def test_screenshots_all_screens(ctx):
    """Every screen at handset size and in a wide desktop window."""
    # (de and ar: the prompter's own texts translated, ar mirrored; the
    # prompts' texts are the English samples)
    for geometry, lang in (('360x720', None), ('360x640', None), ('360x640', 'de'),
                           ('360x640', 'ar'), ('1024x700', None)):
        out = ctx.start_pictured('prompter-' + geometry + ('-' + lang if lang else ''),
                                 geometry, lang)
        for prompt in prompts.all_screens():
            kind = str(prompt['kind'])
            path, serial = ctx.add(prompt)
            lay = uitest.read_layout(out, serial, kind)
            w, h = (int(v) for v in geometry.split('x'))
            # the window's own size; GTK's solid-CSD frame (no compositor
            # under Xvfb) takes up to 5 px on each side
            assert 0 <= w - lay['width'] <= 10 and 0 <= h - lay['height'] <= 10, lay
            assert lay['title'] == str(prompt['title']), lay['title']
            assert lay['direction'] == ('rtl' if lang == 'ar' else 'ltr'), lay['direction']
            assert not lay['scrolls'], (geometry, kind)  # nothing hidden below the fold
            wid = uitest.find_window(uitest.ere(str(prompt['title'])))
            ids = [b['id'] for b in lay['buttons']]
            want = [str(c[0]) for c in prompt['choices']]
            if kind in ('progress', 'installing', 'pending') and prompt['dismissible'] \
                    or kind == 'forced':
                want = ['hide'] + want  # "Hide": the download, install or countdown goes on
            if kind == 'result' or (not want and prompt['dismissible']):
                want = ['close']
            assert sorted(ids) == sorted(want), (kind, ids, want)
            for b in lay['buttons']:  # every button fully inside the window
                assert b['x'] >= 0 and b['y'] >= 0 and b['x'] + b['width'] <= w \
                    and b['y'] + b['height'] <= h, (kind, b)
            if 'delay-reboot' in ids:
                uitest.click_button(wid, lay, 'delay-reboot')
                dl = uitest.read_layout(out, serial, kind, '-delay')
                assert dl['delay'] is True
                assert {'delay-confirm', 'delay-back'} <= {b['id'] for b in dl['buttons']}
                uitest.click_button(wid, dl, 'delay-back')
            ctx.ctl.Remove(path)
        ctx.prompter.stop()
        shots = sorted(f for f in os.listdir(out) if f.endswith('.png'))
        log(geometry, ' '.join(shots))
        assert len(shots) >= len(prompts.all_screens()) + 3


def test_single_instance(ctx):
    ctx.start_prompter()
    second = uitest.Proc([PROMPTER, '--idle-timeout', '30'], name='second prompter')
    assert second.wait_exit(10) == 0


def test_idle_exit(ctx):
    p = ctx.start_prompter(idle=1)
    assert p.wait_exit(10) == 0


def test_queue_priority_then_oldest(ctx):
    low = screen('download')
    low['priority'] = 'low'
    low['title'] = 'Low one'
    med = screen('download')
    med['priority'] = 'medium'
    med['title'] = 'Medium one'
    high1 = screen('download')
    high1['title'] = 'High oldest'
    high2 = screen('download')
    high2['title'] = 'High newer'
    notif = screen('download')
    notif['presentation'] = 'notification'
    notif['title'] = 'Not a popup'
    p_low, _ = ctx.add(low, priority='low')
    p_med, _ = ctx.add(med, priority='medium')
    p_h1, _ = ctx.add(high1)
    p_h2, _ = ctx.add(high2)
    p_n, _ = ctx.add(notif)
    ctx.start_prompter()
    order = []
    for expected in ('High oldest', 'High newer', 'Medium one', 'Low one'):
        wid = uitest.find_window('^(High|Medium|Low)', 10)
        rc, title = uitest.xdotool('getwindowname', wid)
        order.append(title)
        assert title == expected, (order, expected)
        ctx.ctl.Remove({'High oldest': p_h1, 'High newer': p_h2,
                        'Medium one': p_med, 'Low one': p_low}[title])
        if expected != 'Low one':
            wait_for(lambda: uitest.xdotool('getwindowname', wid)[1] != title, 10,
                     'the next prompt after %r' % title)
    uitest.no_visible_window('^(High|Medium|Low|Not a popup)', 10)


def test_click_reaches_agent(ctx):
    path, _, _, lay, wid = ctx.open(screen('download'), '^Firmware update available$')
    uitest.click_button(wid, lay, 'cancel')
    wait_for(ctx.answers, 10, 'an Answer')
    assert ctx.answers() == [(path, 'cancel', {})], ctx.answers()
    uitest.no_visible_window('^Firmware update available$')


def test_enter_picks_suggested(ctx):
    path, _, _, _, wid = ctx.open(screen('download'), '^Firmware update available$')
    uitest.key(wid, 'Return')
    wait_for(ctx.answers, 10, 'an Answer')
    assert ctx.answers() == [(path, 'accept', {})], ctx.answers()


def test_escape_hides_without_answer(ctx):
    _, _, p, _, wid = ctx.open(screen('download'), '^Firmware update available$', idle=2)
    uitest.key(wid, 'Escape')
    uitest.no_visible_window('^Firmware update available$')
    assert p.wait_exit(10) == 0
    assert ctx.answers() == [], ctx.answers()


def test_escape_ignored_when_not_dismissible(ctx):
    path, serial, _, _, wid = ctx.open(screen('final-warning'), '^Restarting in 1 minute$')
    uitest.key(wid, 'Escape')
    # The window must still be there after the key was processed: a
    # change that follows the Escape proves the prompter handled it.
    ctx.forget_layout(serial, 'final-warning')
    upd = screen('final-warning')
    upd['body'] = 'Your phone restarts in 30 seconds.'
    ctx.ctl.SetPrompt(path, upd)
    ctx.layout(serial, 'final-warning')
    uitest.find_window('^Restarting in 1 minute$', 2)
    assert ctx.answers() == []


def test_delay_reboot_sends_reboot_at(ctx):
    prompt = screen('install')
    first_time = int(prompt['delay-options'][1][1])
    path, serial, _, lay, wid = ctx.open(prompt, '^Install the update now')
    uitest.click_button(wid, lay, 'delay-reboot')
    dl = ctx.layout(serial, 'install', '-delay')
    # pick the second option with the keyboard-free way: click its radio
    # button is not in the layout; the first option is preselected, so use
    # Down arrow? Keep it simple and deterministic: confirm the default.
    first_time = int(prompt['delay-options'][0][1])
    uitest.click_button(wid, dl, 'delay-confirm')
    wait_for(ctx.answers, 10, 'an Answer')
    (p, choice, details), = ctx.answers()
    assert (p, choice) == (path, 'delay-reboot'), ctx.answers()
    assert int(details['reboot-at']) == first_time, details


def test_update_in_place_and_withdraw(ctx):
    prompt = screen('progress')
    path, serial, _, _, wid = ctx.open(prompt, '^Downloading update$')
    ctx.forget_layout(serial, 'progress')
    prompt['progress'] = dbus.Int32(87)
    prompt['body'] = 'Phone firmware 2.1.0 is downloading: 42 MB of 48 MB.'
    ctx.ctl.SetPrompt(path, prompt)
    ctx.layout(serial, 'progress')
    assert uitest.find_window('^Downloading update$', 2) == wid  # same window
    ctx.ctl.Remove(path)
    uitest.no_visible_window('^Downloading update$', 5)


def test_no_longer_popup_disappears(ctx):
    prompt = screen('download')
    path, _, _, _, _ = ctx.open(prompt, '^Firmware update available$')
    prompt['presentation'] = 'actions'
    ctx.ctl.SetPrompt(path, prompt)
    uitest.no_visible_window('^Firmware update available$', 5)


def test_result_close_is_local(ctx):
    _, _, _, lay, wid = ctx.open(screen('result'), '^Update installed$')
    uitest.click_button(wid, lay, 'close')
    uitest.no_visible_window('^Update installed$', 5)
    assert ctx.answers() == []


def test_shown_hidden_signals(ctx):
    """Prompter1.Shown when an offer's question is on screen, Hidden when it
    leaves without an answer: Escape, withdrawn, the prompter exiting."""
    path, _, p, _, wid = ctx.open(screen('download'), '^Firmware update available$')
    ctx.wait_signals([('Shown', path)], 'Shown')
    uitest.key(wid, 'Escape')
    uitest.no_visible_window('^Firmware update available$')
    ctx.wait_signals([('Shown', path), ('Hidden', path)], 'Hidden after Escape')
    # the agent asks for it again (a click on its notification)
    ctx.show(path, 'download')
    uitest.find_window('^Firmware update available$')
    ctx.wait_signals([('Shown', path), ('Hidden', path), ('Shown', path)], 'Shown after Show')
    # withdrawn: the next offer comes on screen
    path2, serial2 = ctx.add(screen('download'))
    ctx.ctl.Remove(path)
    ctx.wait_signals([('Shown', path), ('Hidden', path), ('Shown', path), ('Hidden', path),
                      ('Shown', path2)], 'Hidden, then the next Shown')
    # the prompter ends (SIGTERM) with a question on screen
    p.stop()
    assert p.p.returncode == 0, p.p.returncode
    ctx.wait_signals([('Shown', path), ('Hidden', path), ('Shown', path), ('Hidden', path),
                      ('Shown', path2), ('Hidden', path2)], 'Hidden on exit')
    assert ctx.answers() == []


def test_next_popup_question_keeps_shown(ctx):
    """The offer's next question (download, then progress) is a pop-up too:
    it stays on screen, no Hidden and no second Shown; Hidden once its
    prompt is gone."""
    prompt = screen('download')
    path, serial = ctx.add(prompt)
    p = ctx.start_prompter()
    ctx.layout(serial, 'download')
    ctx.wait_signals([('Shown', path)], 'Shown')
    ctx.ctl.SetPrompt(path, screen('progress'))
    ctx.layout(serial, 'progress')
    ctx.ctl.SetPrompt(path, dbus.Dictionary({}, signature='sv'))
    uitest.no_visible_window('^Downloading update$')
    ctx.wait_signals([('Shown', path), ('Hidden', path)], 'Hidden once the prompt is gone')
    # once the prompter is gone, everything it sent has been received
    p.stop()
    assert ctx.signals() == [('Shown', path), ('Hidden', path)], ctx.signals()


def is_latest(text):
    """The picker's "Restart {by}" line (English): "Restart by 22:00"."""
    return text.startswith('Restart by ')


def is_hint(text):
    """The picker's "Restart {when}" (English): the confirm button's label."""
    return (re.match(r'Restart (at|tomorrow at|on .* at) \d\d:\d\d$', text) is not None
            and not is_latest(text))


def test_picker_confirm_names_outcome(ctx):
    """Issue 18 item 3: the picker's confirm button names its outcome
    ("Restart at 20:45"), for the preset row picked and for another time;
    an update that needs no restart (needs-reboot false) says "Install at
    20:45" there and "Install by 22:00" in the latest line, never "Restart"."""
    out = ctx.start_pictured('prompter-picker-outcome', '360x720')
    for needs_reboot, verb in ((True, 'Restart'), (False, 'Install')):
        prompt = screen('install')
        prompt['needs-reboot'] = dbus.Boolean(needs_reboot)
        now = int(time.time())
        path, serial = ctx.add(prompt)
        lay = uitest.read_layout(out, serial, 'install')
        wid = uitest.find_window(uitest.ere(str(prompt['title'])))
        uitest.click_button(wid, lay, 'delay-reboot')
        dl = uitest.read_layout(out, serial, 'install', '-delay')
        first = int(prompt['delay-options'][0][1])
        confirm = next(b for b in dl['buttons'] if b['id'] == 'delay-confirm')
        want = '%s %s' % (verb, when_text('en', first, now))
        assert plain(confirm['label']) == want, (confirm, want)
        assert confirm['default'] and confirm['suggested'], confirm
        assert [o['label'] for o in dl['options'][:2]] == [
            str(o[0]) for o in prompt['delay-options'][:2]], dl['options']
        texts = [plain(t['text']) for t in dl['labels']]
        latest = '%s %s' % (verb, when_text('en', int(prompt['delay-max']), now, 'by'))
        assert latest in texts, (latest, texts)
        uitest.click_option(wid, dl, 'custom')
        cl = uitest.read_layout(out, serial, 'install', '-delay-custom')
        confirm = next(b for b in cl['buttons'] if b['id'] == 'delay-confirm')
        want = '%s %s' % (verb, when_text('en', custom_start(prompt), now))
        assert plain(confirm['label']) == want, (confirm, want)
        if not needs_reboot:
            every = texts + [plain(t['text']) for t in cl['labels']]
            assert not [t for t in every if 'Restart' in t], every
        ctx.ctl.Remove(path)
    log('pictures in', out, ' '.join(sorted(f for f in os.listdir(out) if f.endswith('.png'))))


def test_delay_picker_fits_360x640(ctx):
    """Issue 9 A.6: at 360x640 the picker, its "Latest" line, the time
    spinners (only after "Another time") and the buttons all fit without
    scrolling; the custom time goes back as reboot-at."""
    out = ctx.start_pictured('prompter-360x640-delay', '360x640')
    for kind in ('install', 'delayed', 'reminder'):
        prompt = screen(kind)
        path, serial = ctx.add(prompt)
        lay = uitest.read_layout(out, serial, kind)
        wid = uitest.find_window(uitest.ere(str(prompt['title'])))
        uitest.click_button(wid, lay, 'delay-reboot')
        dl = uitest.read_layout(out, serial, kind, '-delay')
        texts = [t['text'] for t in dl['labels']]
        assert not dl['scrolls'], (kind, 'the picker scrolls at 360x640')
        assert [o['id'] for o in dl['options']][-1] == 'custom', dl['options']
        assert any(is_latest(t) for t in texts), texts
        confirm = next(b for b in dl['buttons'] if b['id'] == 'delay-confirm')
        assert is_hint(confirm['label']), confirm  # it names its outcome
        for item in dl['options'] + dl['buttons'] + dl['labels']:
            assert uitest.inside(dl, item), (kind, item)
        uitest.click_option(wid, dl, 'custom')
        cl = uitest.read_layout(out, serial, kind, '-delay-custom')
        texts = [t['text'] for t in cl['labels']]
        assert not cl['scrolls'], (kind, 'the picker with the time row scrolls at 360x640')
        # said once: on the confirm button, not again on a line
        hints = [t for t in texts if is_hint(t)]
        assert [b['label'] for b in cl['buttons'] if is_hint(b['label'])] == hints, \
            (cl['buttons'], texts)
        assert any(is_latest(t) for t in texts), texts
        for item in cl['options'] + cl['buttons'] + cl['labels']:
            assert uitest.inside(cl, item), (kind, item)
        uitest.click_button(wid, cl, 'delay-confirm')
        wait_for(lambda: len(ctx.answers()) == 1, 10, 'the delay answer')
        (p, choice, details), = ctx.answers()
        assert (p, choice) == (path, 'delay-reboot'), ctx.answers()
        assert time.time() < int(details['reboot-at']) <= int(prompt['delay-max']), details
        ctx.ctl.Remove(path)
        ctx.ctl.ClearAnswers()
    log('pictures in', out, ' '.join(sorted(f for f in os.listdir(out) if f.endswith('.png'))))


def test_progress_says_each_fact_once(ctx):
    """Issue 9 A.5: one percentage (the body's), bytes done of total with
    a time-left estimate once the updater reports bytes, and "Hide" next to
    "Cancel download" hides without answering."""
    prompt = screen('progress')
    prompt['body'] = 'Downloading Phone firmware: 42%'
    path, serial = ctx.add(prompt)
    ctx.start_prompter()
    lay = ctx.layout(serial, 'progress')
    assert [b['id'] for b in lay['buttons']] == ['hide', 'cancel'], lay['buttons']
    assert lay['bars'][0]['text'] is None, lay['bars']  # the body says 42%
    total = 48 * 1000 * 1000
    start = time.monotonic()
    done = [0]

    def report():
        # the updater reports bytes as they come; the estimate needs 2 s of them
        done[0] = min(total, int((time.monotonic() - start) * 2e6) + 1000)
        ctx.forget_layout(serial, 'progress')
        ctx.ctl.SetBytes(path, done[0], total)
        lay = ctx.layout(serial, 'progress')
        texts = [t['text'] for t in lay['labels']]
        return next((t for t in texts if ' of 48.0\u00a0MB' in t or ' of 48.0 MB' in t
                     and 'left' in t), None) if any('left' in t for t in texts) else None
    line = wait_for(report, 15, 'a time-left estimate', interval=0.3)
    log('progress line:', line)
    assert line.endswith(' left') and 'about ' in line, line
    wid = uitest.find_window('^Downloading update$')
    uitest.click_button(wid, ctx.layout(serial, 'progress'), 'hide')
    uitest.no_visible_window('^Downloading update$')
    assert ctx.answers() == [], ctx.answers()
    ctx.wait_signals([('Shown', path), ('Hidden', path)], 'Hidden after Hide')


def test_final_warning_one_countdown_default_button(ctx):
    """Issue 9 A.7: no second "Time left" countdown next to the texts, and the
    choice the deadline makes is the default (Enter) even without a
    suggestion."""
    prompt = screen('final-warning')
    prompt['suggested'] = ''
    prompt['choices'] = prompts.choices(('accept', 'Restart now'), ('delay-reboot', 'Change time'),
                                        ('cancel', 'Cancel update'))
    prompt['delay-options'] = prompts.delay_options()
    prompt['delay-max'] = dbus.Int64(int(time.time()) + 86400)
    path, serial = ctx.add(prompt)
    ctx.start_prompter()
    lay = ctx.layout(serial, 'final-warning')
    texts = [t['text'] for t in lay['labels']]
    assert not any(t.startswith('Time left') for t in texts), texts
    assert len(lay['bars']) == 1 and lay['bars'][0]['text'] is None, lay['bars']
    wid = uitest.find_window('^Restarting in 1 minute$')
    uitest.key(wid, 'Return')
    wait_for(ctx.answers, 10, 'an Answer')
    assert ctx.answers() == [(path, 'accept', {})], ctx.answers()


def test_forced_hide_keeps_countdown(ctx):
    """Issue 18 item 3: the forced pop-up has "Hide" first, the default;
    "Restart now" is a secondary button (neither suggested nor default);
    Hide hides without an answer (the agent's countdown goes on); the
    countdown bar comes on screen in its last minutes."""
    prompt = screen('forced')
    path, serial = ctx.add(prompt)
    ctx.start_prompter()
    lay = ctx.layout(serial, 'forced')
    buttons = {b['id']: b for b in lay['buttons']}
    assert [b['id'] for b in lay['buttons']] == ['hide', 'accept'], lay['buttons']
    assert buttons['hide']['default'] and not buttons['hide']['suggested'], buttons
    assert not buttons['accept']['default'] and not buttons['accept']['suggested'], buttons
    assert len(lay['bars']) == 1, lay['bars']
    texts = [t['text'] for t in lay['labels']]
    assert str(prompt['body']) in texts and 'Save your work before then.' in str(prompt['body'])
    wid = uitest.find_window('^Required update$')
    uitest.click_button(wid, lay, 'hide')
    uitest.no_visible_window('^Required update$')
    assert ctx.answers() == [], ctx.answers()
    ctx.wait_signals([('Shown', path), ('Hidden', path)], 'Hidden after Hide')


def test_countdown_only_in_its_last_minutes(ctx):
    """Issue 18 item 3: a countdown bar with hours to go says nothing one can
    read: a restart scheduled in 4 hours has none; 5 minutes before, one
    bar, full as it comes on screen (it drains over at most 10 minutes)."""
    now = int(time.time())
    far = screen('delayed')
    far['deadline'] = dbus.Int64(now + 4 * 3600)
    far['deadline-choice'] = 'accept'
    path, serial = ctx.add(far)
    ctx.start_prompter()
    lay = ctx.layout(serial, 'delayed')
    assert lay['bars'] == [], lay['bars']
    ctx.ctl.Remove(path)
    near = screen('delayed')
    near['title'] = 'Restart soon'
    near['deadline'] = dbus.Int64(now + 300)
    near['deadline-choice'] = 'accept'
    path, serial = ctx.add(near)
    lay = ctx.layout(serial, 'delayed')
    assert len(lay['bars']) == 1, lay['bars']
    assert 0.9 < lay['bars'][0]['fraction'] <= 1.0, lay['bars']


def test_installing_moves_and_hides(ctx):
    """Issue 9 A.8: the installing bar is never an empty bar (it pulses, or
    shows the updater's percentage), and its only button is "Hide"."""
    prompt = screen('installing')
    prompt['dismissible'] = dbus.Boolean(True)
    path, serial = ctx.add(prompt)
    ctx.ctl.SetBytes(path, 48 * 1000 * 1000, 48 * 1000 * 1000)  # left from the download
    ctx.start_prompter()
    lay = ctx.layout(serial, 'installing')
    assert [b['id'] for b in lay['buttons']] == ['hide'], lay['buttons']
    texts = [t['text'] for t in lay['labels']]
    assert not [t for t in texts if ' of ' in t], texts  # no download bytes while installing
    assert lay['bars'][0]['pulsing'], lay['bars']  # a moving block, not an empty bar
    ctx.forget_layout(serial, 'installing')
    prompt['progress'] = dbus.Int32(30)
    ctx.ctl.SetPrompt(path, prompt)
    lay = ctx.layout(serial, 'installing')
    assert abs(lay['bars'][0]['fraction'] - 0.3) < 0.01 and not lay['bars'][0]['pulsing'], \
        lay['bars']
    assert lay['bars'][0]['text'] == '30\u00a0%', lay['bars']  # the body has no percentage


def test_installing_percentage_and_step(ctx):
    """Issue 16 item 4: the install's percentage fills the bar (said once:
    the body has it), and the updater's step is the dim line under the
    bar, as it wrote it (plain text, markup characters literal)."""
    prompt = screen('installing')
    step = 'Copying image to rootfs.1 <b>&</b>'
    prompt['body'] = dbus.String(prompt['body'] + '\n45% installed')
    prompt['progress'] = dbus.Int32(45)
    prompt['step'] = dbus.String(step)
    path, serial = ctx.add(prompt)
    ctx.start_prompter()
    lay = ctx.layout(serial, 'installing')
    assert os.path.isfile(os.path.join(ctx.shots, '%s-installing.png' % serial))
    bar = lay['bars'][0]
    assert abs(bar['fraction'] - 0.45) < 0.01 and not bar['pulsing'], lay['bars']
    assert bar['text'] is None, lay['bars']  # the body says 45%
    texts = {t['text']: t for t in lay['labels']}
    assert step in texts, list(texts)
    assert texts[step]['y'] >= bar['y'] + bar['height'], (texts[step], bar)
    assert any(t.endswith('45% installed') for t in texts), list(texts)
    # the next step replaces it in place; "" leaves no empty line
    ctx.forget_layout(serial, 'installing')
    prompt['step'] = dbus.String('')
    prompt['progress'] = dbus.Int32(80)
    ctx.ctl.SetPrompt(path, prompt)
    lay = ctx.layout(serial, 'installing')
    assert abs(lay['bars'][0]['fraction'] - 0.8) < 0.01, lay['bars']
    assert step not in [t['text'] for t in lay['labels']], lay['labels']


LANGUAGES = ('en', 'de', 'fr', 'es', 'ar')


def button_labels():
    """Every button label of the built-in texts (rows used as LABEL, without
    a count: the delay options are radio buttons) and the prompter's own
    button texts, as English msgids."""
    src = open(os.path.join(os.environ['OTAUX_TEST_SOURCE_ROOT'], 'strings',
                            'otaux-builtin.c'), encoding='utf-8').read()
    rows = re.findall(r'\{\s*"([a-z][a-zA-Z0-9.-]*)",\s*N_\("((?:[^"\\]|\\.)*)"\)'
                      r'[^{}]*?,\s*LABEL\s*\}', src)
    labels = [text for ident, text in rows if not ident.startswith('delay.')]
    assert 'Download' in labels and 'Hide' in labels and len(set(labels)) >= 8, labels
    return sorted(set(labels + ['Close', 'Back']))


def translate(lang, msgid, n=None):
    """msgid in lang; with n, a text about a count (the same msgid twice)."""
    if lang == 'en':
        return msgid
    t = gettext.translation('otaux', os.environ['OTAUX_TEST_LOCALEDIR'], languages=[lang])
    return t.gettext(msgid) if n is None else t.ngettext(msgid, msgid, n)


def test_labels_fit_a_phone(ctx):
    """Issue 12: every button label, in every language, on one line of the
    prompter's own button at 360 px (the real prompter: its font, CSS and
    width), without wrapping or ellipsis."""
    out = ctx.start_pictured('prompter-labels-360', '360x720')
    # the control: a label that cannot fit must be seen to wrap
    long_label = 'Herunterladen abbrechen und später noch einmal versuchen'
    path, serial = ctx.add(prompts.base('install', 'Control', 'A long label.',
                                        choices=prompts.choices(('c0', long_label))))
    lay = uitest.read_layout(out, serial, 'install')
    assert lay['buttons'][0]['lines'] > 1, lay['buttons']
    ctx.ctl.Remove(path)
    msgids = button_labels()
    bad, seen, widest = [], 0, {}
    for lang in LANGUAGES:
        labels = sorted({translate(lang, m) for m in msgids})
        for i in range(0, len(labels), 6):
            chunk = labels[i:i + 6]
            prompt = prompts.base('install', 'Labels %s %d' % (lang, i // 6), 'Button labels.',
                                  choices=prompts.choices(*[('c%d' % k, label)
                                                            for k, label in enumerate(chunk)]),
                                  dismissible=dbus.Boolean(False))
            path, serial = ctx.add(prompt)
            lay = uitest.read_layout(out, serial, 'install')
            assert sorted(b['label'] for b in lay['buttons']) == sorted(chunk), lay['buttons']
            for b in lay['buttons']:
                seen += 1
                widest[lang] = max(widest.get(lang, (0, '', 0)),
                                   (b['text_width'], b['label'], b['width']))
                if b['lines'] != 1 or b['ellipsized'] or not uitest.inside(lay, b):
                    bad.append('%s: %r takes %d lines%s' % (
                        lang, b['label'], b['lines'], ', ellipsized' if b['ellipsized'] else ''))
            ctx.ctl.Remove(path)
    log('%d labels laid out in %s' % (seen, ', '.join(LANGUAGES)))
    for lang, (w, label, bw) in widest.items():
        log('widest %s label: %r, %d px of text in a %d px button' % (lang, label, w, bw))
    assert seen >= len(msgids) * len(LANGUAGES) - len(msgids)  # (some translations coincide)
    assert not bad, 'labels that do not fit a 360 px button:\n' + '\n'.join(bad)


GL_DRIVERS = ('libEGL_mesa', 'libGLX_mesa', 'swrast_dri', 'libLLVM')


def gl_drivers_loaded(pid):
    """The OpenGL driver libraries mapped into process pid."""
    with open('/proc/%d/maps' % pid) as f:
        return sorted({d for line in f for d in GL_DRIVERS if d in line})


def test_cold_start_loads_no_gl(ctx):
    """Issue 18 item 10: the pop-up draws with cairo and never probes OpenGL
    (EGL, then GLX, each loading Mesa and LLVM: half of a cold pop-up's
    time). The control: a renderer the person asks for (GSK_RENDERER=ngl)
    is kept, and then the drivers are seen."""
    path, serial = ctx.add(screen('download'))
    p = ctx.start_prompter()
    ctx.layout(serial, 'download')
    assert gl_drivers_loaded(p.p.pid) == [], gl_drivers_loaded(p.p.pid)
    ctx.prompter.stop()
    p = ctx.start_prompter(env={'GSK_RENDERER': 'ngl'})
    ctx.layout(serial, 'download')
    loaded = gl_drivers_loaded(p.p.pid)
    log('with GSK_RENDERER=ngl the prompter maps', loaded)
    assert loaded, 'the control: GSK_RENDERER=ngl should load a GL driver'
    ctx.prompter.stop()


def test_window_icon_is_otaux_update(ctx):
    """Issue 9 A.9: the pop-up's window icon is the project's otaux-update
    (found in the source's data/icons hicolor theme, as once installed)."""
    path, serial = ctx.add(screen('download'))
    data = os.path.join(os.environ['OTAUX_TEST_SOURCE_ROOT'], 'data')
    ctx.start_prompter(env={'XDG_DATA_DIRS': data + ':/usr/share'})
    ctx.layout(serial, 'download')
    wid = uitest.find_window('^Firmware update available$')
    r = uitest.x_client(['xprop', '-id', wid, '_NET_WM_ICON'])
    assert r.stdout.startswith('_NET_WM_ICON(CARDINAL)'), r.stdout[:200] + r.stderr
    # without the theme's otaux-update (say, not installed) the window has none
    ctx.prompter.stop()
    ctx.start_prompter(env={'XDG_DATA_DIRS': '/nonexistent'})
    ctx.forget_layout(serial, 'download')
    ctx.layout(serial, 'download')
    wid = uitest.find_window('^Firmware update available$')
    r = uitest.x_client(['xprop', '-id', wid, '_NET_WM_ICON'])
    assert not r.stdout.startswith('_NET_WM_ICON(CARDINAL)'), r.stdout[:200]


def plain(text):
    """text without RLM, with plain spaces and ASCII digits, to compare."""
    digits = {0x0660 + i: str(i) for i in range(10)}
    digits.update({0x06F0 + i: str(i) for i in range(10)})
    return text.replace('\u200f', '').replace('\u00a0', ' ').translate(digits)


def when_text(lang, t, now, prefix='when'):
    """{when} for the restart at t as the strings library words it
    (when.today, when.tomorrow, when.other-day; TZ=UTC, LC_ALL=C.UTF-8 like
    the prompter), or {by} with prefix 'by' (by.today...). Their count is the
    hour (Spanish "a la 01:30")."""
    days = (datetime.datetime.fromtimestamp(t, datetime.timezone.utc).date()
            - datetime.datetime.fromtimestamp(now, datetime.timezone.utc).date()).days
    clock = time.strftime(translate(lang, '%H:%M'), time.gmtime(t))
    date = time.strftime(translate(lang, '%A %-d %B'), time.gmtime(t))
    if prefix == 'by':
        msgid = ('by {time}' if days == 0 else 'by {time} tomorrow' if days == 1
                 else 'by {time} on {date}')
    else:
        msgid = ('at {time}' if days == 0 else 'tomorrow at {time}' if days == 1
                 else 'on {date} at {time}')
    words = translate(lang, msgid, time.gmtime(t).tm_hour)
    return words.replace('{time}', clock).replace('{date}', date)


def custom_start(prompt):
    """The restart the time row starts at: the first option's hour and
    minute (minutes down to a multiple of 5), today or else tomorrow."""
    first = time.gmtime(int(prompt['delay-options'][0][1]))
    now = time.time()
    day = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).replace(
        hour=first.tm_hour, minute=first.tm_min // 5 * 5, second=0, microsecond=0)
    if day.timestamp() <= now:
        day += datetime.timedelta(days=1)
    return int(day.timestamp())


def test_times_follow_the_language(ctx):
    """Issue 12: the picker's lines put the restart into a sentence worded
    by its day ("Restart at 21:00", "Restart tomorrow at 07:00", "Restart on
    Tuesday 17 March at 22:00", "Restart by 22:00 on Tuesday 17 March"), in each language's grammar
    and formats (format.time, format.date), for a time today and one on
    another day."""
    for lang in ('en', 'de', 'ar'):
        out = ctx.start_pictured('prompter-times-' + lang, '360x720', lang)
        # delay-max three days ahead: another day
        prompt = screen('install')
        now = int(time.time())
        path, serial = ctx.add(prompt)
        lay = uitest.read_layout(out, serial, 'install')
        wid = uitest.find_window(uitest.ere(str(prompt['title'])))
        uitest.click_button(wid, lay, 'delay-reboot')
        dl = uitest.read_layout(out, serial, 'install', '-delay')
        latest = translate(lang, 'Restart {by}').replace(
            '{by}', when_text(lang, int(prompt['delay-max']), now, 'by'))
        texts = [plain(t['text']) for t in dl['labels']]
        assert plain(latest) in texts, (latest, texts)
        if lang == 'de':
            assert 'am ' in latest and ' um ' in latest, latest
        # the time row starts one hour ahead: today (tomorrow after 23:00)
        uitest.click_option(wid, dl, 'custom')
        cl = uitest.read_layout(out, serial, 'install', '-delay-custom')
        texts = [plain(t['text']) for t in cl['labels']]
        start = custom_start(prompt)
        hint = translate(lang, 'Restart {when}').replace('{when}', when_text(lang, start, now))
        labels = [plain(b['label']) for b in cl['buttons']]
        assert plain(hint) in labels, (hint, labels)  # the confirm button
        log(lang, repr(latest), repr(hint))
        ctx.ctl.Remove(path)
        # delay-max in five minutes: today (but in the last five before midnight)
        prompt = screen('install')
        now = int(time.time())
        prompt['delay-max'] = dbus.Int64(now + 300)
        path, serial = ctx.add(prompt)
        lay = uitest.read_layout(out, serial, 'install')
        wid = uitest.find_window(uitest.ere(str(prompt['title'])))
        uitest.click_button(wid, lay, 'delay-reboot')
        dl = uitest.read_layout(out, serial, 'install', '-delay')
        latest = translate(lang, 'Restart {by}').replace(
            '{by}', when_text(lang, now + 300, now, 'by'))
        texts = [plain(t['text']) for t in dl['labels']]
        assert plain(latest) in texts, (latest, texts)
        log(lang, repr(latest))
        ctx.ctl.Remove(path)
        ctx.prompter.stop()


def test_phone_fit(ctx):
    """Issue 18 item 5, at 360x720 in every language: the title bar has a
    close button and no minimize or maximize, and its title fits on one
    line; the operator's message comes after the body and the warning; the
    delay picker's rows are at least 48 px high (a finger)."""
    for lang in LANGUAGES:
        out = ctx.start_pictured('prompter-phone-fit-' + lang, '360x720', lang)
        prompt = screen('install')
        prompt['warning'] = dbus.String('The battery is at 15 %. Plug in the charger.')
        path, serial = ctx.add(prompt)
        lay = uitest.read_layout(out, serial, 'install')
        head = lay['header']
        assert head['title'] == translate(lang, 'Firmware update'), head
        assert head['lines'] == 1 and not head['ellipsized'], (lang, 'the title is cut', head)
        assert head['controls'] == ['close'], (lang, head['controls'])
        ys = {}
        for t in lay['labels']:
            for what in ('body', 'warning', 'message'):
                if t['text'] == str(prompt[what]):
                    ys[what] = t['y']
        assert set(ys) == {'body', 'warning', 'message'}, (ys, lay['labels'])
        assert ys['body'] < ys['warning'] < ys['message'], (lang, ys)
        wid = uitest.find_window(uitest.ere(str(prompt['title'])))
        uitest.click_button(wid, lay, 'delay-reboot')
        dl = uitest.read_layout(out, serial, 'install', '-delay')
        assert len(dl['options']) >= 2, dl['options']
        short = [(o['label'], o['height']) for o in dl['options'] if o['height'] < 48]
        assert not short, (lang, 'picker rows lower than 48 px', short)
        ctx.ctl.Remove(path)
        ctx.prompter.stop()
        log(lang, 'title %r in %d px; picker rows %s px' % (
            head['title'], head['text_width'], sorted({o['height'] for o in dl['options']})))


TESTS = [v for k, v in list(globals().items()) if k.startswith('test_')]

if __name__ == '__main__':
    os.makedirs(ARTIFACTS, exist_ok=True)
    sys.exit(uitest.run_tests(TESTS, Ctx, ONLY))
