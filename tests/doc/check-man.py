#!/usr/bin/python3
"""Every option a program's --help shows appears in its man page.

otaux-agent --help against otaux-agent(8); `otauxctl --help` (the
commands) and `otauxctl COMMAND --help` for every command against
otauxctl(1). Reads the built pages (roff from scdoc).

Usage: check-man.py MAN_DIR OTAUX_AGENT OTAUXCTL
"""
import os
import re
import subprocess
import sys

MAN, AGENT, CTL = sys.argv[1:4]
n = 0
failed = 0


def ok(cond, what, detail=''):
    global n, failed
    n += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n, what), flush=True)
    if not cond:
        failed += 1
        print('# ' + str(detail), flush=True)


def page(name):
    with open(os.path.join(MAN, name), encoding='utf-8') as f:
        text = f.read()
    # roff: \- is a hyphen, \fB..\fR fonts, \& a zero-width break
    text = re.sub(r'\\f[BIRP]', '', text)
    return text.replace('\\-', '-').replace('\\&', '')


def options(argv):
    out = subprocess.run(argv, capture_output=True, text=True,
                         env=dict(os.environ, LANGUAGE='C', LC_ALL='C.UTF-8')).stdout
    opts = set()
    for line in out.splitlines():
        m = re.match(r'^\s+((?:-\w, )?--[\w-]+)', line)
        if m:
            for o in re.findall(r'--?[\w-]+', m.group(1)):
                opts.add(o)
    return out, opts


def check(prog, argv, text):
    out, opts = options(argv)
    ok(bool(opts), '%s --help lists options' % prog, out)
    missing = sorted(o for o in opts
                     if re.search(r'(?<![\w-])%s(?![\w-])' % re.escape(o), text) is None)
    ok(not missing, 'every option of %s --help is in its man page' % prog, missing)


agent = page('otaux-agent.8')
check('otaux-agent', [AGENT, '--help'], agent)
ctl = page('otauxctl.1')
out = subprocess.run([CTL, '--help'], capture_output=True, text=True).stdout
commands = re.findall(r'^  ([a-z][\w-]*)\s', out.split('Commands:')[1].split('\n\n')[0], re.M)
ok(len(commands) >= 10, 'otauxctl --help lists its commands', out)
missing = [c for c in commands if re.search(r'^\.?\s*%s\b' % re.escape(c), ctl, re.M) is None]
ok(not missing, 'every otauxctl command has its entry in otauxctl(1)', missing)
for c in commands:
    check('otauxctl ' + c, [CTL, c, '--help'], ctl)
for name in ('otaux-policy.5', 'otaux-strings.5'):
    text = page(name)
    ok('.SH NAME' in text or '.SH "NAME"' in text, '%s is built with a NAME section' % name)
print('1..%d' % n)
sys.exit(1 if failed else 0)
