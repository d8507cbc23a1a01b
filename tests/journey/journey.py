"""Helpers for the journey tests (tests/journey/): a newcomer's or an
operator's steps, taken from the docs as written, on real programs.

Every wait is on an event with a bound (a process, a bus name, a file);
never a guessed sleep. Output is TAP.
"""
import os
import re
import shutil
import subprocess
import sys

SKIP_EXIT = 77


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=''):
        self.n += 1
        print('%s %d - %s' % ('ok' if cond else 'not ok', self.n, what), flush=True)
        if not cond:
            self.failed += 1
            for line in str(detail).splitlines()[-60:]:
                print('# ' + line, flush=True)
            # meson --print-errorlogs shows only stderr for TAP tests: repeat
            # the reason there, so a CI log says why.
            print('not ok %d - %s' % (self.n, what), file=sys.stderr)
            for line in str(detail).splitlines()[-60:]:
                print('  ' + line, file=sys.stderr, flush=True)
        return cond

    def note(self, text):
        for line in str(text).splitlines():
            print('# ' + line, flush=True)

    def done(self):
        print('1..%d' % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def skip(why):
    print('1..0 # SKIP ' + why, flush=True)
    sys.exit(SKIP_EXIT)


def need(*tools):
    for t in tools:
        if shutil.which(t) is None:
            skip('%s is not installed' % t)


def doc_block(path, heading, lang='sh'):
    """The first ```lang block under the Markdown heading `heading`."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    m = re.search(r'^#+ %s\s*$' % re.escape(heading), text, re.M)
    if m is None:
        raise AssertionError('%s has no heading "%s"' % (path, heading))
    rest = text[m.end():]
    nxt = re.search(r'^#+ ', rest, re.M)
    section = rest[:nxt.start()] if nxt else rest
    b = re.search(r'^```%s\n(.*?)^```' % re.escape(lang), section, re.M | re.S)
    if b is None:
        raise AssertionError('%s: no ```%s block under "%s"' % (path, lang, heading))
    return b.group(1)


def copy_tree(src, dst):
    """A fresh copy of the source tree: the files git knows (tracked and
    new, not ignored), or everything but build folders without git."""
    r = subprocess.run(['git', '-C', src, 'ls-files', '-z', '--cached', '--others',
                        '--exclude-standard'], capture_output=True)
    if r.returncode == 0 and r.stdout:
        for rel in r.stdout.decode().split('\0'):
            if not rel or not os.path.lexists(os.path.join(src, rel)):
                continue
            if rel.startswith('_build'):
                continue
            os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
            shutil.copy2(os.path.join(src, rel), os.path.join(dst, rel), follow_symlinks=False)
        return
    shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns('_build*', '.git'))
