#!/usr/bin/python3
"""The power-cut test: what a power cut can leave of the agent's and the
bridges' declined releases (otaux-fwupd, otaux-rauc), and that a fresh start on each such state has every
answer it had acknowledged (issue 19).

THE WORKLOAD: a first start with no state folder (neither state/ nor
state/otaux exists), offers, re-offers of the same ids, accept (download
and install), cancel, delay-reboot, SetState, Finish, Withdraw; SIGTERM;
then a restart on the folders it left with more re-offers, answers, a
Finish and a Withdraw. The bridge: 40 declines over 5 devices, the first
one making its state folder.

RECORDING. The real programs run unchanged under `strace -f -ttt -xx -y -s N`:
the built otaux-agent on this test's private session bus, then the bridge's
declined-releases module (common/otaux-declined.c, linked into the small
driver powercut-declined.c). strace, and not an LD_PRELOAD shim or a FUSE
layer, because
- it sees every system call, also those GLib makes inside itself, where a
  shim sees only the calls that go through the PLT of the wrapped names;
- it needs nothing of the program: no preload that the AddressSanitizer
  runtime refuses ("ASan runtime does not come first in initial library
  list"), no /dev/fuse and privileges that a CI container may lack;
- -xx prints every path and every byte written as hex (nothing to unquote),
  -y names the file behind each descriptor (also the folder of an openat,
  renameat or unlinkat on a kept folder descriptor), and -ttt stamps each call on
  the same clock as the test's time.time(), which orders the calls against
  the replies the test heard.
Under ASan the recorded processes run with detect_leaks=0: LeakSanitizer
cannot stop the world of a process that is already ptraced. The agents
started on the crash states run without strace, with LeakSanitizer on.
When strace is missing or cannot trace (no ptrace), the test is SKIPPED
(exit 77), never passed.

THE MODEL of what survives a power cut (pessimistic, POSIX rather than ext4):
- The folder the test starts from (its temporary root) is durable, empty.
- The recorded calls are cut at each point K (calls 0..K-1 issued).
- A folder entry operation (create of a file, mkdir, rename, unlink) in
  folder D is durable when D was fsync'ed after it and before K; otherwise
  it may or may not have happened, each independently of the others. They
  are replayed in order; one whose folder or source is not there (its
  mkdir or create did not happen) does nothing.
- A file's data is durable up to its last fsync/fdatasync before K. Data
  written after it may be: absent (the synced bytes), empty, cut short
  (a prefix of what was written, of a seeded random length), or all there.
- sync()/syncfs() makes everything before it durable.
Every combination is enumerated at each K when there are at most
COMBOS_PER_POINT of them, otherwise that many are drawn with a fixed seed;
identical trees are checked once (with the acknowledgements of the latest K
that gives them); a seeded sample of at most MAX_STATES is checked.

ACKNOWLEDGED: an Offer reply (id -> object path), a Decided signal (the
decision), a Finish reply (the result) and a Withdraw reply count for crash
point K when the test heard them before the strace time stamp of call K,
that is before the call began (strace stamps a call at its entry, while
the program is stopped there: the call's effect comes after its stamp).
The bridge's driver prints "ack DEVICE=VERSION" with one write(2) after each
decline returned: that write is in the trace itself.

THE CHECK on each crash state: a fresh otaux-agent on it (on this bus, no
strace) owns its name; every acknowledged offer is listed at the same path
with the same id (unless its Withdraw was acknowledged: then it is gone);
its Decision is the last Decided heard or a later one (not checked when a
SetState or Finish on it was sent after that Decided: SetState 40 asks
again, Decision none); a Finish heard has its Result; no file was set
aside as .corrupt. For the bridge: the driver
in check mode loads the file (a bridge would refuse to start on an
unreadable one) and finds every acknowledged decline.

Environment: OTAUX_AGENT, OTAUX_POWERCUT_DECLINED (the driver; unset when
the bridge is not built: that part is skipped), OTAUX_POWERCUT_STATES
(MAX_STATES, default 500), OTAUX_POWERCUT_KEEP=1 keeps the work folder.
"""
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
from otauxtest import (AGENT_NAME, OFFER_IFACE, PROPS_IFACE, Agent, Skip, main, now,  # noqa: E402
                       plain, wait_until)

SEED = 19
COMBOS_PER_POINT = 48
MAX_STATES = int(os.environ.get('OTAUX_POWERCUT_STATES', '500'))
MIN_STATES = 300            # fewer means the workload or the model shrank: a failure
MAX_BRIDGE_STATES = 400
DAY = 86400
SYSCALLS = ('open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,'
            'rmdir,write,pwrite64,writev,pwritev,pwritev2,fsync,fdatasync,ftruncate,'
            'truncate,sync,syncfs,close,lseek,dup,dup2,dup3')
ctx = {}


# ---- recording --------------------------------------------------------------

def strace_cmd(trace):
    return ['strace', '-f', '-qq', '-ttt', '-xx', '-y', '-s', '4194304', '-o', trace,
            '-e', 'trace=' + SYSCALLS, '--']


def recorded_env():
    env = dict(os.environ)
    env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')
    env['LSAN_OPTIONS'] = (env.get('LSAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')
    return env


class TracedAgent(Agent):
    """The real agent, started under strace; stopped by SIGTERM to the agent."""

    def start_traced(self, trace, timeout=30):
        self.status = None
        args = strace_cmd(trace) + [self.exe, '--state-dir', self.state_dir] + self.args
        self.proc = subprocess.Popen(args, env=recorded_env())
        from gi.repository import GLib
        GLib.child_watch_add(GLib.PRIORITY_DEFAULT, self.proc.pid, self._exited)
        wait_until(lambda: self.owner or self.status is not None, timeout,
                   f'{AGENT_NAME} on the bus (under strace)')
        assert self.status is None, f'the traced agent exited at start ({self.status})'

    def stop_traced(self, timeout=30):
        bus = self.bus.get_object('org.freedesktop.DBus', '/org/freedesktop/DBus')
        pid = int(bus.GetConnectionUnixProcessID(AGENT_NAME, dbus_interface='org.freedesktop.DBus'))
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: self.status is not None and not self.owner, timeout,
                   'the traced agent to exit')
        self.proc = None


HEX = r'((?:\\x[0-9a-f]{2})*)'
STR_RE = re.compile(r'"' + HEX + r'"')
FD_RE = re.compile(r'(-?\d+|AT_FDCWD)<' + HEX + r'>')
LINE_RE = re.compile(r'^(\d+)\s+(\d+\.\d+)\s+(.*)$')
RESUMED_RE = re.compile(r'^<\.\.\. (\w+) resumed>(.*)$')
CALL_RE = re.compile(r'^(\w+)\((.*)\)\s+=\s+(-?\d+|\?)')


def unhex(s):
    return bytes.fromhex(s.replace('\\x', ''))


# A path argument and the folder descriptor before it (openat, renameat, ...).
AT_PATH_RE = re.compile(r'(?:(AT_FDCWD|-?\d+)(?:<' + HEX + r'>)?,\s*)?"' + HEX + r'"')


def at_paths(args):
    """The string arguments, each relative path joined to the folder of its
    *at() descriptor (-y names it), so the store may work on a kept fd."""
    paths = []
    for _, dirhex, strhex in AT_PATH_RE.findall(args):
        path = unhex(strhex).decode('utf-8', 'surrogateescape')
        if not path.startswith('/') and dirhex:
            path = os.path.join(unhex(dirhex).decode('utf-8', 'surrogateescape'), path)
        paths.append(path)
    return paths


def strace_calls(path):
    """(time, name, raw args, return value) per finished call, with the
    <unfinished ...> / <... resumed> halves joined, at the entry's time."""
    pending = {}
    with open(path, encoding='ascii', errors='replace') as f:
        for line in f:
            m = LINE_RE.match(line.rstrip('\n'))
            if not m:
                continue
            pid, t, rest = m.group(1), float(m.group(2)), m.group(3)
            if rest.endswith('<unfinished ...>'):
                pending[pid] = (t, rest[:-len('<unfinished ...>')].rstrip())
                continue
            r = RESUMED_RE.match(rest)
            if r:
                if pid not in pending:
                    continue
                t, head = pending.pop(pid)
                rest = head + r.group(2)
            c = CALL_RE.match(rest)
            if not c or c.group(3) == '?':
                continue
            yield t, c.group(1), c.group(2), int(c.group(3))


class Recorder:
    """Turns the calls under ROOT into the model's operations:
    ('mkdir', path) ('create', path, ino) ('rename', src, dst) ('unlink', path)
    ('rmdir', path) ('write', ino, offset, bytes) ('trunc', ino, length)
    ('fsync', ino) ('dirsync', path) ('sync',) ('ack', text), each with .t."""

    def __init__(self, root, init_dirs=(), init_files=None):
        self.root = root
        self.ops = []   # (t, op tuple)
        self.names = {p: 'dir' for p in init_dirs}
        self.names[root] = 'dir'
        self.init_files = dict(init_files or {})
        self.next_ino = 1
        for p in self.init_files:
            self.names[p] = self._ino()
        self.fds = {}   # fd -> [ino, position]

    def _ino(self):
        self.next_ino += 1
        return self.next_ino

    def under(self, path):
        return path == self.root or path.startswith(self.root + '/')

    def add(self, t, *op):
        self.ops.append((t, op))

    def feed(self, trace, ack_fd=None):
        self.fds = {}   # a new process
        for t, name, args, ret in strace_calls(trace):
            if ret < 0:
                continue
            strs = at_paths(args)
            fds = FD_RE.findall(args)
            fdpath = unhex(fds[0][1]).decode('utf-8', 'surrogateescape') if fds else None
            fdnum = int(fds[0][0]) if fds and fds[0][0] != 'AT_FDCWD' else None
            if name in ('open', 'openat', 'creat'):
                path = strs[0] if strs else ''
                if not path.startswith('/'):
                    raise AssertionError(f'relative path in the trace: {name}({args})')
                if not self.under(path):
                    continue
                flags = args
                created = name == 'creat' or 'O_CREAT' in flags
                if 'O_DIRECTORY' in flags or self.names.get(path) == 'dir':
                    continue
                if path not in self.names:
                    if not created:
                        continue
                    ino = self._ino()
                    self.names[path] = ino
                    self.add(t, 'create', path, ino)
                elif name == 'creat' or 'O_TRUNC' in flags:
                    self.add(t, 'trunc', self.names[path], 0)
                self.fds[ret] = [self.names[path], 0]
            elif name in ('mkdir', 'mkdirat'):
                path = strs[0]
                if self.under(path):
                    self.names[path] = 'dir'
                    self.add(t, 'mkdir', path)
            elif name in ('rename', 'renameat', 'renameat2'):
                src, dst = strs[0], strs[1]
                if self.under(src) or self.under(dst):
                    assert 'RENAME_EXCHANGE' not in args, 'RENAME_EXCHANGE is not modelled'
                    self.names[dst] = self.names.pop(src, None)
                    self.add(t, 'rename', src, dst)
            elif name in ('unlink', 'unlinkat', 'rmdir'):
                path = strs[0]
                if self.under(path):
                    kind = 'rmdir' if name == 'rmdir' or 'AT_REMOVEDIR' in args else 'unlink'
                    self.names.pop(path, None)
                    self.add(t, kind, path)
            elif name in ('write', 'pwrite64'):
                if fdnum == ack_fd and ack_fd is not None:
                    self.add(t, 'ack', unhex(STR_RE.findall(args)[0])[:ret].decode())
                    continue
                if fdnum not in self.fds:
                    continue
                data = unhex(STR_RE.findall(args)[0])[:ret]
                entry = self.fds[fdnum]
                if name == 'pwrite64':
                    offset = int(args.rsplit(',', 1)[1])
                    self.add(t, 'write', entry[0], offset, data)
                else:
                    self.add(t, 'write', entry[0], entry[1], data)
                    entry[1] += len(data)
            elif name in ('writev', 'pwritev', 'pwritev2'):
                assert fdnum not in self.fds, f'{name} on a state file is not modelled'
            elif name == 'lseek':
                if fdnum in self.fds:
                    self.fds[fdnum][1] = ret
            elif name in ('dup', 'dup2', 'dup3'):
                assert fdnum not in self.fds, f'{name} of a state file is not modelled'
            elif name == 'ftruncate':
                if fdnum in self.fds:
                    self.add(t, 'trunc', self.fds[fdnum][0], int(args.rsplit(',', 1)[1]))
            elif name == 'truncate':
                if self.under(strs[0]) and isinstance(self.names.get(strs[0]), int):
                    self.add(t, 'trunc', self.names[strs[0]], int(args.rsplit(',', 1)[1]))
            elif name in ('fsync', 'fdatasync'):
                if fdnum in self.fds:
                    self.add(t, 'fsync', self.fds[fdnum][0])
                elif fdpath is not None and self.under(fdpath):
                    self.add(t, 'dirsync', fdpath)
            elif name in ('sync', 'syncfs'):
                self.add(t, 'sync')
            elif name == 'close':
                self.fds.pop(fdnum, None)


# ---- crash states -------------------------------------------------------------

def parent(path):
    return os.path.dirname(path)


def op_dirs(op):
    kind = op[0]
    if kind in ('mkdir', 'create', 'unlink', 'rmdir'):
        return {parent(op[1])}
    if kind == 'rename':
        return {parent(op[1]), parent(op[2])}
    return None


class Model:
    """The states a power cut can leave after a recording (see THE MODEL)."""

    def __init__(self, rec):
        self.root = rec.root
        self.ops = [op for _, op in rec.ops]
        self.times = [t for t, _ in rec.ops]
        self.init_files = dict(rec.init_files)   # path -> bytes, durable
        n = len(self.ops)
        # For each folder operation: the index of the first sync that makes it durable.
        self.durable_at = [None] * n
        for i, op in enumerate(self.ops):
            dirs = op_dirs(op)
            if dirs is None:
                continue
            left = set(dirs)
            for j in range(i + 1, n):
                o = self.ops[j]
                if o[0] == 'sync':
                    left.clear()
                elif o[0] == 'dirsync':
                    left.discard(o[1])
                if not left:
                    self.durable_at[i] = j
                    break

    def contents_at(self, k):
        """ino -> (bytes written by calls < k, bytes durable at k)."""
        cur, synced = {}, {}
        for op in self.ops[:k]:
            if op[0] == 'create':
                cur[op[2]] = b''
                synced.setdefault(op[2], b'')
            elif op[0] == 'write':
                data = cur.get(op[1], b'')
                off = op[2]
                data = data.ljust(off, b'\0')
                cur[op[1]] = data[:off] + op[3] + data[off + len(op[3]):]
            elif op[0] == 'trunc':
                cur[op[1]] = cur.get(op[1], b'')[:op[2]].ljust(op[2], b'\0')
            elif op[0] == 'fsync':
                synced[op[1]] = cur.get(op[1], b'')
            elif op[0] == 'sync':
                synced = dict(cur)
        return cur, synced

    def tree(self, k, keep, data_choice):
        """Replays the folder operations < k (the optional ones in keep) and
        gives each file the chosen bytes: {path: None for a folder, bytes}."""
        nodes = {self.root: None}
        for p, d in self.init_files.items():
            nodes[p] = ('init', d)
        for i, op in enumerate(self.ops[:k]):
            if op_dirs(op) is None:
                continue
            if not (self.durable_at[i] is not None and self.durable_at[i] < k) and i not in keep:
                continue
            kind = op[0]
            if kind in ('mkdir', 'create'):
                if parent(op[1]) in nodes and nodes[parent(op[1])] is None \
                        and op[1] not in nodes:
                    nodes[op[1]] = None if kind == 'mkdir' else ('ino', op[2])
            elif kind == 'rename':
                src, dst = op[1], op[2]
                if src in nodes and parent(dst) in nodes and nodes[parent(dst)] is None:
                    nodes[dst] = nodes.pop(src)
            elif kind in ('unlink', 'rmdir'):
                if kind == 'rmdir' and any(p.startswith(op[1] + '/') for p in nodes):
                    continue
                nodes.pop(op[1], None)
        # A file whose folder went (an rmdir kept, a mkdir dropped) is gone too.
        out = {}
        for p, v in nodes.items():
            if any(nodes.get(a, 0) is not None for a in ancestors(p, self.root)):
                continue
            if v is None:
                out[p] = None
            elif v[0] == 'init':
                out[p] = v[1]
            else:
                out[p] = data_choice(v[1])
        return out

    def states(self, rng):
        """Yields (k, description, tree) for every crash point and choice."""
        n = len(self.ops)
        for k in range(n + 1):
            optional = [i for i in range(k) if op_dirs(self.ops[i]) is not None and
                        not (self.durable_at[i] is not None and self.durable_at[i] < k)]
            cur, synced = self.contents_at(k)
            loose = sorted(ino for ino in cur if cur[ino] != synced.get(ino, b''))
            n_combos = (2 ** len(optional)) * (4 ** len(loose))
            if n_combos <= COMBOS_PER_POINT:
                picks = range(n_combos)
            else:
                picks = sorted(rng.sample(range(n_combos), COMBOS_PER_POINT)) \
                    if n_combos < 10 ** 7 else [rng.randrange(n_combos) for _ in range(COMBOS_PER_POINT)]
            for code in picks:
                keep = {i for b, i in enumerate(optional) if code >> b & 1}
                code >>= len(optional)
                how = {}
                for ino in loose:
                    how[ino] = code % 4
                    code //= 4
                cuts = {}

                def data(ino):
                    if ino not in how:
                        return cur.get(ino, b'')
                    c = how[ino]
                    full = cur[ino]
                    if c == 0:
                        return synced.get(ino, b'')
                    if c == 1:
                        return b''
                    if c == 2:
                        if ino not in cuts:
                            cuts[ino] = rng.randrange(0, max(1, len(full)))
                        return full[:cuts[ino]]
                    return full
                tree = self.tree(k, keep, data)
                desc = (f'cut before call {k} of {n}'
                        f'{" (" + describe(self.ops[k]) + ")" if k < n else " (after the last)"}; '
                        f'not synced, kept: {[describe(self.ops[i]) for i in sorted(keep)]}, '
                        f'dropped: {[describe(self.ops[i]) for i in optional if i not in keep]}; '
                        f'file data: {[(ino, ("synced", "empty", "cut", "all")[c]) for ino, c in how.items()]}')
                yield k, desc, tree


def ancestors(path, root):
    out = []
    while path != root and path != '/':
        path = os.path.dirname(path)
        out.append(path)
    return out


def describe(op):
    if op[0] == 'write':
        return f'write ino {op[1]} +{op[2]} {len(op[3])} bytes'
    return ' '.join(str(x) for x in op)


def tree_key(tree, root):
    """The same for the same tree under any temporary root: a fixed seed
    then samples the same states on every run of the same recording."""
    h = hashlib.sha256()
    for p in sorted(tree):
        rel = os.path.relpath(p, root).encode()
        h.update(rel + b'\0' + (b'D' if tree[p] is None else b'F' + tree[p]) + b'\0')
    return h.hexdigest()


def unique_states(model, limit):
    """{key: (k, desc, tree)} with the latest k per tree; a seeded sample of limit."""
    rng = random.Random(SEED)
    best, count = {}, {}
    total = 0
    for k, desc, tree in model.states(rng):
        total += 1
        key = tree_key(tree, model.root)
        count[key] = count.get(key, 0) + 1
        if key not in best or best[key][0] < k:
            best[key] = (k, desc, tree)
    keys = sorted(best)
    if len(keys) > limit:
        keys = sorted(random.Random(SEED).sample(keys, limit))
    return total, len(best), [best[key] + (count[key],) for key in keys]


def materialize(tree, old_root, new_root):
    for p in sorted(tree):
        target = new_root + p[len(old_root):]
        if tree[p] is None:
            os.makedirs(target, mode=0o700, exist_ok=True)
        else:
            with open(target, 'wb') as f:
                f.write(tree[p])


def ack_limit(model, k):
    """Acknowledgements heard before this time count at crash point k."""
    return model.times[k] if k < len(model.times) else float('inf')


# ---- the agent -------------------------------------------------------------------

class Acks:
    def __init__(self):
        self.offers = []      # (t, id, path)
        self.decided = []     # (t, path, decision), in the order heard
        self.finished = []    # (t, path, result)
        self.withdrawn = []   # (t, path)
        self.changes = []     # (t, path): a SetState or Finish issued (may reset Decision)

    def on_decided(self, decision, details, path=None):
        self.decided.append((time.time(), str(path), str(decision)))


def workload(a, acks, first, rounds=4):
    """Offer, re-offer, every answer, SetState, Finish, Withdraw; ROUNDS
    times over with other ids, for a few hundred different crash states."""
    def offer(**kw):
        path = a.offer(**kw)
        acks.offers.append((time.time(), kw['id'], path))
        return path

    def answer(path, choice, **kw):
        a.answer(path, choice, **kw)
        a.signals.wait('Decided', path, lambda args: args[0] == choice)

    def set_state(path, state, **kw):
        acks.changes.append((time.time(), path))
        a.set_state(path, state, **kw)

    def finish(path, result):
        acks.changes.append((time.time(), path))
        a.finish(path, result)
        acks.finished.append((time.time(), path, result))

    def withdraw(path):
        a.withdraw(path)
        acks.withdrawn.append((time.time(), path))

    for r in range(rounds):
        if first:
            p = offer(id=f'pc-accept-{r}', name='first', priority='high', correlator=f'c{r}')
            assert offer(id=f'pc-accept-{r}', name='first', priority='high') == p, 're-offer moved'
            answer(p, 'accept')
            set_state(p, 30, bytes_done=100, bytes_total=1000)
            set_state(p, 30, bytes_done=900, bytes_total=1000)
            set_state(p, 40)
            answer(p, 'accept')   # the install, now that it is ready
            set_state(p, 60)
            finish(p, 200)
            p = offer(id=f'pc-cancel-{r}', priority='medium')
            answer(p, 'cancel')
            p = offer(id=f'pc-delay-{r}', priority='high', state=40)
            answer(p, 'delay-reboot', reboot_at=now() + DAY)
            p = offer(id=f'pc-withdraw-{r}', priority='low')
            withdraw(p)
            offer(id=f'pc-keep-{r}', priority='low')
            offer(id=f'pc-later-{r}', priority='high', state=40)
        else:
            # A restart on the folders now there: re-offers, answers, a withdraw.
            p = offer(id=f'pc-keep-{r}', priority='low')
            answer(p, 'accept')
            p = offer(id=f'pc-later-{r}', priority='high', state=40)
            answer(p, 'delay-reboot', reboot_at=now() + 2 * DAY)
            answer(p, 'accept')
            set_state(p, 60)
            finish(p, 402)
            withdraw(offer(id=f'pc-delay-{r}', priority='high', state=40))
            p = offer(id=f'pc-new-{r}', priority='medium')
            answer(p, 'cancel')


def all_props(a, paths):
    """Every offer's properties, the calls sent at once (one round trip's wait)."""
    got, errors = {}, []
    for path in paths:
        a.obj(path).GetAll(OFFER_IFACE, dbus_interface=PROPS_IFACE,
                           reply_handler=lambda r, path=path: got.__setitem__(path, plain(r)),
                           error_handler=errors.append)
    wait_until(lambda: len(got) == len(paths) or errors, 30, 'the offers\' properties')
    assert not errors, errors[0]
    return got


def check_agent_state(a, acks, limit, state_dir):
    """The problems of one crash state, as text ([] when it is whole)."""
    a.state_dir = state_dir
    a.start(timeout=30)
    try:
        props = all_props(a, a.offers())
    finally:
        a.stop(signal.SIGKILL, timeout=30)
    problems = []
    for dirpath, _, files in os.walk(os.path.dirname(state_dir)):
        for f in files:
            if f.endswith('.corrupt'):
                problems.append(f'set aside as corrupt: {f}')
    gone = {p for t, p in acks.withdrawn if t < limit}
    seen = set()
    for t, pkg_id, path in acks.offers:
        if t >= limit or path in seen:
            continue
        seen.add(path)
        if path in gone:
            if path in props:
                problems.append(f'{pkg_id} at {path} withdrawn (acknowledged) but back')
            continue
        if path not in props:
            problems.append(f'offer {pkg_id} lost (acknowledged at {path})')
        elif props[path]['Id'] != pkg_id:
            problems.append(f'{path} is {props[path]["Id"]}, not {pkg_id}')
    last_heard = {}
    for i, (t, path, decision) in enumerate(acks.decided):
        if t < limit:
            last_heard[path] = i
    for path, i in last_heard.items():
        if path in gone or path not in props:
            continue   # a lost offer is reported above
        decision, heard = acks.decided[i][2], acks.decided[i][0]
        if any(pp == path and heard < t < limit for t, pp in acks.changes):
            continue   # a SetState to ready asks again: Decision may be back to none
        later = [d for _, pp, d in acks.decided[i:] if pp == path]
        if props[path]['Decision'] not in later:
            problems.append(f'{path}: Decided {decision} heard, Decision is '
                            f'{props[path]["Decision"]!r}')
    for t, path, result in acks.finished:
        if t < limit and path in props and path not in gone and props[path]['Result'] != result:
            problems.append(f'{path}: Finish({result}) acknowledged, Result is '
                            f'{props[path]["Result"]}')
    return problems


def check_states(name, model, states, checker, work):
    bad = []
    for n, (k, desc, tree, _) in enumerate(states):
        folder = os.path.join(work, f'{name}-{n}')
        root = os.path.join(folder, 'root')
        os.makedirs(root)
        materialize(tree, model.root, root)
        problems = checker(k, root)
        if problems:
            bad.append((n, desc, problems, states[n][3]))
        shutil.rmtree(folder, ignore_errors=True)
    return bad


def report(name, total, unique, states, bad, seconds):
    # A tree stands for every crash point and choice that built it (checked
    # with the acknowledgements of the latest): a lost folder is one tree.
    print(f'# {name}: {total} crash states built, {unique} different, '
          f'{len(states)} checked in {seconds:.1f} s, {len(bad)} bad '
          f'(built {sum(b[3] for b in bad)} times)', flush=True)
    for n, desc, problems, _ in bad[:5]:
        print(f'#   state {n}: {"; ".join(problems)}')
        print(f'#     {desc}')
    assert not bad, f'{name}: {len(bad)} of {len(states)} crash states lost an acknowledged answer ' \
        f'(first: {bad[0][2][0]})'


# ---- tests ---------------------------------------------------------------------------

def setup():
    if shutil.which('strace') is None:
        raise Skip('strace is not installed: nothing records the file system calls')
    probe = subprocess.run(['strace', '-f', '-qq', '-o', '/dev/null', '-e', 'trace=fsync',
                            '--', 'true'], capture_output=True, text=True, env=recorded_env())
    if probe.returncode != 0:
        raise Skip(f'strace cannot trace here: {probe.stderr.strip()}')
    if not os.environ.get('OTAUX_AGENT'):
        raise Skip('OTAUX_AGENT is not set')
    work = tempfile.mkdtemp(prefix='otaux-powercut-')
    return {'work': work}


def teardown(c):
    if c and not os.environ.get('OTAUX_POWERCUT_KEEP'):
        shutil.rmtree(c['work'], ignore_errors=True)
    elif c:
        print(f'# kept {c["work"]}')


def test_agent_power_cuts(c):
    work = c['work']
    root = os.path.join(work, 'rec')
    os.makedirs(root)
    state_dir = os.path.join(root, 'state', 'otaux')   # neither folder exists: a first start
    acks = Acks()
    a = TracedAgent(state_dir=state_dir, args=['--no-notifications', '--no-popups'])
    a.bus.add_signal_receiver(acks.on_decided, 'Decided', OFFER_IFACE, AGENT_NAME,
                              path_keyword='path')
    t0 = time.time()
    rec = Recorder(root)
    for run, first in enumerate((True, False)):
        trace = os.path.join(work, f'agent-{run}.trace')
        a.start_traced(trace)
        workload(a, acks, first)
        a.stop_traced()
        rec.feed(trace)
    kinds = {op[0] for _, op in rec.ops}
    for want in ('mkdir', 'create', 'write', 'rename', 'unlink'):
        assert want in kinds, f'the recording has no {want}: is strace seeing the agent?'
    assert len(acks.offers) >= 30 and len(acks.decided) >= 20, (acks.offers, acks.decided)
    print(f'# recorded {len(rec.ops)} operations under the state folder in '
          f'{time.time() - t0:.1f} s; {len(acks.offers)} Offer replies, '
          f'{len(acks.decided)} Decided, {len(acks.finished)} Finish, '
          f'{len(acks.withdrawn)} Withdraw', flush=True)

    c['agent_rec'], c['agent_state_dir'] = rec, state_dir
    model = Model(rec)
    t0 = time.time()
    total, unique, states = unique_states(model, MAX_STATES)
    assert len(states) >= min(MIN_STATES, MAX_STATES), \
        f'only {len(states)} different crash states: the workload or the model shrank'
    checker_agent = Agent(state_dir=os.path.join(work, 'none'),
                          args=['--no-notifications', '--no-popups'])

    def checker(k, new_root):
        sd = os.path.join(new_root + state_dir[len(root):])
        return check_agent_state(checker_agent, acks, ack_limit(model, k), sd)
    bad = check_states('agent', model, states, checker, work)
    report('agent', total, unique, states, bad, time.time() - t0)


def test_model_drops_an_unsynced_mkdir(c):
    """The model itself: with every optional operation dropped, the agent's
    recorded calls keep offers/ and its files; the same calls without the
    folder syncs that follow each mkdir lose offers/ (mutant (c) of the
    store, seen by the model alone)."""
    rec = c.get('agent_rec')
    assert rec is not None, 'no recording (the agent test failed first)'
    offers = os.path.join(c['agent_state_dir'], 'offers')

    def final_tree(ops):
        class Rec:
            pass
        r = Rec()
        r.root, r.ops, r.init_files = rec.root, ops, {}
        model = Model(r)
        cur, _ = model.contents_at(len(model.ops))
        return model.tree(len(model.ops), set(), lambda ino: cur.get(ino, b''))
    whole = final_tree(rec.ops)
    assert offers in whole and any(p.startswith(offers + '/') for p in whole), sorted(whole)
    ops = list(rec.ops)
    for i in range(len(ops)):
        if ops[i] is not None and ops[i][1][0] == 'mkdir':
            folder = parent(ops[i][1][1])
            j = next(j for j in range(i + 1, len(ops))
                     if ops[j] is not None and ops[j][1] == ('dirsync', folder))
            ops[j] = None
    lost = final_tree([op for op in ops if op is not None])
    assert offers not in lost and not any(p.startswith(offers) for p in lost), sorted(lost)


def test_bridge_declined_power_cuts(c):
    driver = os.environ.get('OTAUX_POWERCUT_DECLINED')
    if not driver:
        raise Skip('the declined-releases driver is not built (OTAUX_POWERCUT_DECLINED unset)')
    work = c['work']
    root = os.path.join(work, 'bridge')
    os.makedirs(root)
    state_file = os.path.join(root, 'state', 'otaux-fwupd', 'declined.ini')
    releases = [f'dev{i % 5}=1.{i}.0' for i in range(40)]
    trace = os.path.join(work, 'bridge.trace')
    out = subprocess.run(strace_cmd(trace) + [driver, 'write', state_file] + releases,
                         capture_output=True, text=True, env=recorded_env(), timeout=60)
    assert out.returncode == 0, out.stderr
    rec = Recorder(root)
    rec.feed(trace, ack_fd=1)
    acked = [op[1].split()[1] for _, op in rec.ops if op[0] == 'ack']
    assert acked == releases, f'acks in the trace: {acked}'
    # The acks are part of the trace: at crash point k, those before k count.
    model = Model(rec)
    t0 = time.time()
    total, unique, states = unique_states(model, MAX_BRIDGE_STATES)
    assert len(states) >= 100, f'only {len(states)} different crash states of declined.ini'

    def checker(k, new_root):
        heard = [op[1].split()[1] for op in model.ops[:k] if op[0] == 'ack']
        # A device declined again with a newer version replaces the older entry.
        latest = {}
        for r in heard:
            latest[r.split('=')[0]] = r
        path = new_root + state_file[len(root):]
        res = subprocess.run([driver, 'check', path] + list(latest.values()),
                             capture_output=True, text=True, timeout=30)
        return [] if res.returncode == 0 else [(res.stdout + res.stderr).strip()]
    bad = check_states('bridge', model, states, checker, work)
    report('bridge declined.ini', total, unique, states, bad, time.time() - t0)


if __name__ == '__main__':
    main([test_agent_power_cuts, test_model_drops_an_unsynced_mkdir,
          test_bridge_declined_power_cuts], setup, teardown)
