#!/usr/bin/python3
"""The pop-up through a screen reader's eyes (issue 9 A.12): AT-SPI on a
private accessibility bus (at-spi-bus-launcher on the test's session bus,
GTK_A11Y=atspi), the prompter against the fake agent on a private X server.

Finds the window, the title, the body, the warning, the operator message
and every button by role and name (pyatspi), then presses the suggested
button through AT-SPI's Action interface and sees Offer1.Decided.

Usage: test-prompter-atspi.py PROMPTER ARTIFACT_DIR
TAP output; exit 77 when xvfb-run/xdotool, python3-pyatspi or at-spi2-core
is missing."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uitest  # noqa: E402
from uitest import log, wait_for  # noqa: E402

LAUNCHER = '/usr/libexec/at-spi-bus-launcher'
if not os.path.exists(LAUNCHER) or shutil.which('xvfb-run') is None:
    print('1..0 # SKIP at-spi2-core (%s) or xvfb-run is not installed' % LAUNCHER, flush=True)
    sys.exit(uitest.SKIP)
try:
    import pyatspi  # noqa: E402
except ImportError:
    print('1..0 # SKIP python3-pyatspi is not installed', flush=True)
    sys.exit(uitest.SKIP)

uitest.reexec_under_xvfb()

import dbus  # noqa: E402
from dbus.mainloop.glib import DBusGMainLoop  # noqa: E402
from gi.repository import GLib  # noqa: E402
import prompts  # noqa: E402

PROMPTER = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
ONLY = sys.argv[3:]
DBusGMainLoop(set_as_default=True)


A11Y = []


def start_a11y_bus(bus):
    """One accessibility bus for the whole run: pyatspi keeps its connection
    to the first one for the life of this process."""
    if not A11Y:
        # (its registry daemon says hello on stdout, which is our TAP stream)
        A11Y.append(uitest.Proc([LAUNCHER, '--launch-immediately'], env=dict(os.environ),
                                name='at-spi-bus-launcher', stdout=subprocess.DEVNULL))
        wait_for(lambda: uitest.name_has_owner(bus, 'org.a11y.Bus'), 10,
                 'org.a11y.Bus on the session bus')


class Ctx:
    def __init__(self, name):
        self.bus = dbus.SessionBus()
        self.procs = []
        self.shots = os.path.join(ARTIFACTS, 'prompter-atspi', name)
        os.makedirs(self.shots, exist_ok=True)
        for f in os.listdir(self.shots):
            os.unlink(os.path.join(self.shots, f))
        self.agent = uitest.start_fake_agent()
        self.procs.append(self.agent)
        self.ctl = dbus.Interface(self.bus.get_object('org.otaux.Agent', '/org/otaux/Test'),
                                  'org.otaux.Test1')
        self.decided = []
        self.bus.add_signal_receiver(
            lambda choice, details, path=None: self.decided.append((str(path), str(choice))),
            'Decided', 'org.otaux.Offer1', path_keyword='path')
        start_a11y_bus(self.bus)

    def start_prompter(self, geometry='360x720'):
        env = uitest.gui_env({'GTK_A11Y': 'atspi'})
        env.pop('NO_AT_BRIDGE', None)
        p = uitest.Proc([PROMPTER, '--idle-timeout', '30', '--geometry', geometry,
                         '--screenshot-dir', self.shots], env=env, name='otaux-prompter')
        self.procs.append(p)
        return p

    def pump(self):
        """Lets the Decided receiver run."""
        while GLib.MainContext.default().iteration(False):
            pass

    def close(self):
        for p in reversed(self.procs):
            p.stop()


def app_frame(title):
    """The prompter's frame on the accessibility bus, once it shows title."""
    def look():
        desk = pyatspi.Registry.getDesktop(0)
        for i in range(desk.childCount):
            app = desk.getChildAtIndex(i)
            if app is None or app.name != 'otaux-prompter':
                continue
            for j in range(app.childCount):
                frame = app.getChildAtIndex(j)
                if frame is not None and frame.getRole() == pyatspi.ROLE_FRAME and \
                        frame.name == title:
                    return frame
        return None
    return wait_for(look, 15, 'the prompter frame %r on the accessibility bus' % title)


def showing(acc):
    return acc.getState().contains(pyatspi.STATE_VISIBLE)


def find_all(root, role):
    """Every visible descendant of root with that role."""
    found = []

    def walk(acc):
        for i in range(acc.childCount):
            child = acc.getChildAtIndex(i)
            if child is None or not showing(child):
                continue
            if child.getRole() == role:
                found.append(child)
            walk(child)
    walk(root)
    return found


def press(acc):
    """The button's own action ("click"), as a screen reader presses it."""
    action = acc.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    assert 'click' in names, names
    assert action.doAction(names.index('click'))


def check_screen(ctx, prompt, props=None):
    path, serial = None, None
    path = str(ctx.ctl.AddOffer(prompts.offer_props(**(props or {})), prompt))
    serial = path.rsplit('/', 1)[1]
    uitest.read_layout(ctx.shots, serial, str(prompt['kind']))
    frame = app_frame(str(prompt['title']))
    labels = [a.name for a in find_all(frame, pyatspi.ROLE_LABEL)]
    log('labels:', labels)
    for key in ('title', 'body', 'warning', 'message'):
        if str(prompt[key]):
            assert str(prompt[key]) in labels, (key, str(prompt[key]), labels)
    if str(prompt['warning']):
        images = [a.name for a in find_all(frame, pyatspi.ROLE_IMAGE)]
        assert 'Warning' in images, images  # the warning's icon is named
    buttons = {a.name: a for a in find_all(frame, pyatspi.ROLE_PUSH_BUTTON)}
    log('buttons:', sorted(buttons))
    for choice, label in prompt['choices']:
        assert str(label) in buttons, (str(label), sorted(buttons))
    if str(prompt['details']):
        assert 'Release notes' in buttons, sorted(buttons)  # the expander has a name
    assert not [n for n in buttons if n.startswith('Gtk')], sorted(buttons)  # no unnamed one
    return path, buttons


# ---------------------------------------------------------------------------

def test_download_question_by_role_and_name(ctx):
    """Title, body, warning, the release notes and every choice by role and
    name; the suggested choice pressed through AT-SPI answers."""
    prompt = next(p for p in prompts.all_screens() if p['kind'] == 'download')
    ctx.start_prompter()
    path, buttons = check_screen(ctx, prompt)
    suggested = dict((str(c), str(l)) for c, l in prompt['choices'])[str(prompt['suggested'])]
    press(buttons[suggested])

    def decided():
        ctx.pump()
        return ctx.decided
    wait_for(decided, 10, 'Decided after the AT-SPI click')
    assert ctx.decided == [(path, 'accept')], ctx.decided


def test_install_question_with_operator_message(ctx):
    """The operator's message and the three install choices; "Delay reboot"
    pressed through AT-SPI opens the picker, whose options are radio buttons
    with names."""
    prompt = next(p for p in prompts.all_screens() if p['kind'] == 'install')
    ctx.start_prompter()
    path, buttons = check_screen(ctx, prompt)
    press(buttons['Delay reboot'])
    uitest.read_layout(ctx.shots, path.rsplit('/', 1)[1], 'install', '-delay')
    frame = app_frame(str(prompt['title']))
    radios = [a.name for a in find_all(frame, pyatspi.ROLE_RADIO_BUTTON)] + \
        [a.name for a in find_all(frame, pyatspi.ROLE_CHECK_BOX)]
    want = [str(label) for label, t in prompt['delay-options']] + ['Another time']
    assert all(w in radios for w in want), (want, radios)


TESTS = [v for k, v in list(globals().items()) if k.startswith('test_')]

if __name__ == '__main__':
    os.makedirs(ARTIFACTS, exist_ok=True)
    try:
        rc = uitest.run_tests(TESTS, Ctx, ONLY)
    finally:
        for p in A11Y:
            p.stop()
    sys.exit(rc)
