#!/usr/bin/python3
"""Journey: the README's "Building by hand", run as written.

The block is taken from README.md (so this breaks when the README does)
and fed to bash on a fresh copy of the tree, on a private session bus and
X server, as a person would type it: `meson devenv -C _build` opens the
shell that reads the following lines. It runs twice: with SHELL=/bin/sh
(dash: what meson devenv opens when SHELL is unset, as on CI machines) and
with SHELL=/bin/bash. The person's part: when the pop-up prompter of the
build tree is on the bus, they accept (otauxctl answer).

One change to the block: `meson test -C _build` runs with `--suite unit`,
because the whole suite would run this test again inside itself.

Asserts, for each shell: the block exits 0; the offer prints its object
path and then the decision `accept`; the prompter started from the build
tree (no "cannot start the pop-up prompter"); a picture of the screen once
the pop-up says its question is drawn (Prompter1.Shown) is not one flat
colour. Then, inside `meson
devenv`, LANGUAGE=de gives the German texts with no variable set by hand.
Pictures and logs: ARTIFACTS_DIR/readme-popup-{sh,bash}.png and
readme-journey-{sh,bash}.log.

Usage: test_readme.py SOURCE_ROOT ARTIFACTS_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import journey  # noqa: E402

SRC, ARTIFACTS = sys.argv[1], sys.argv[2]
if os.environ.get('OTAUX_JOURNEY_README'):
    print('Bail out! test_readme.py runs inside itself')
    sys.exit(1)
os.environ['OTAUX_JOURNEY_README'] = '1'
journey.need('xvfb-run', 'Xvfb', 'dbus-run-session', 'gdbus', 'meson', 'ninja', 'dbus-monitor', 'import', 'identify')
t = journey.Tap()

block = journey.doc_block(os.path.join(SRC, 'README.md'), 'Building by hand')
t.note('README block:\n' + block)
lines = block.splitlines()
t.ok(any(line.startswith('meson devenv -C _build') for line in lines),
     'the README block uses meson devenv', block)


def unit_only(line):
    code, hash_, comment = line.partition('#')
    if code.strip() != 'meson test -C _build':
        return line
    return code.rstrip() + ' --suite unit  ' + hash_ + comment


run = '\n'.join(unit_only(line) for line in lines) + '\n'
t.ok('--suite unit' in run, 'the nested meson test runs the unit suite only', run)

def play(shell, shot):
    """The block on a fresh copy of the tree, with `shell` as the $SHELL
    that meson devenv opens. Returns (exit status, output, the copy)."""
    tmp = tempfile.mkdtemp(prefix='otaux-readme-')
    work = os.path.join(tmp, 'otaux')
    journey.copy_tree(SRC, work)
    with open(os.path.join(tmp, 'block.sh'), 'w') as f:
        f.write(run)
    # The person: waits for the pop-up's question to be drawn, pictures the
    # screen, accepts. Runs beside the block on the same bus and display.
    # A mapped window is not yet a drawn one: the prompter says
    # Prompter1.Shown after its first painted frame, and dbus-monitor (on
    # the bus before the block has built anything) hears it.
    person = (
        'dbus-monitor --session "type=\'signal\',interface=\'org.otaux.Prompter1\',member=\'Shown\'"'
        ' >../shown.log 2>&1 & m=$!\n'
        'gdbus wait --session --timeout 900 org.otaux.Prompter || exit 1\n'
        'gdbus wait --session --timeout 30 org.otaux.Agent || exit 1\n'
        'timeout 60 sh -c \'until grep -q "member=Shown" ../shown.log; do sleep 0.1; done\'; s=$?\n'
        'kill $m; [ $s = 0 ] || exit 1\n'
        'import -window root %s\n'
        '_build/tools/otauxctl answer fw-1 accept\n' % shot)
    with open(os.path.join(tmp, 'person.sh'), 'w') as f:
        f.write(person)
    env = {k: v for k, v in os.environ.items()
           if k == 'OTAUX_JOURNEY_README' or not k.startswith(('OTAUX', 'MESON', 'G_DEBUG'))}
    env['HOME'] = tmp
    env['SHELL'] = shell
    env.pop('DBUS_SESSION_BUS_ADDRESS', None)
    with open(os.path.join(tmp, 'block.sh')) as stdin:
        r = subprocess.run(['xvfb-run', '-a', '-s', '-screen 0 360x720x24 -nolisten tcp',
                            'dbus-run-session', '--', 'bash', '-c',
                            'bash ../person.sh & p=$!; bash -s; rc=$?; kill $p 2>/dev/null; wait; exit $rc'],
                           cwd=work, env=env, stdin=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=1500)
    return r.returncode, r.stdout, tmp, env


os.makedirs(ARTIFACTS, exist_ok=True)
# The README says "your $SHELL": CI machines often have none set, and
# meson devenv then opens /bin/sh (dash), where `kill %1` does not work.
for shell in ('/bin/sh', '/bin/bash'):
    name = os.path.basename(shell)
    shot = os.path.join(ARTIFACTS, 'readme-popup-%s.png' % name)
    if os.path.exists(shot):
        os.unlink(shot)
    rc, out, tmp, env = play(shell, shot)
    with open(os.path.join(ARTIFACTS, 'readme-journey-%s.log' % name), 'w') as f:
        f.write(out)
    t.ok(rc == 0, '%s: the block runs to the end (exit 0)' % name, out)
    tail = [line for line in out.splitlines() if line and not line.startswith(('dbus-daemon', 'otaux-Message'))]
    t.ok('/org/otaux/Agent/Offers/1' in out, '%s: otauxctl offer prints the offer path' % name, out)
    t.ok('accept' in tail, '%s: otauxctl offer --wait prints the decision accept' % name, out)
    t.ok('cannot start the pop-up prompter' not in out, '%s: the agent finds the built prompter' % name, out)
    # A picture taken before the window was drawn is one flat colour.
    spread = subprocess.run(['identify', '-format', '%[fx:standard_deviation]', shot],
                            capture_output=True, text=True) if os.path.exists(shot) else None
    t.ok(spread is not None and spread.returncode == 0 and float(spread.stdout or 0) > 0.01,
         '%s: a picture of the pop-up on screen (not one flat colour): %s' % (name, shot),
         spread and (spread.stdout + spread.stderr))
    if shell != '/bin/bash':
        shutil.rmtree(tmp, ignore_errors=True)
work = os.path.join(tmp, 'otaux')


def texts(**lang):
    return subprocess.run(['meson', 'devenv', '-C', '_build', 'otauxctl', 'strings'], cwd=work,
                          env=dict(env, LANG='C.UTF-8', **lang), capture_output=True, text=True)


de, en = texts(LANGUAGE='de'), texts(LANGUAGE='en')
t.ok(de.returncode == 0 and 'firmware-update' in de.stdout.lower() and de.stdout != en.stdout,
     'LANGUAGE=de inside meson devenv gives German texts', de.stdout[:2000] + de.stderr)
shutil.rmtree(tmp, ignore_errors=True)
t.done()
