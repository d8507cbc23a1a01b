#!/usr/bin/python3
"""Journey: install, then the installed agent started by D-Bus activation.

`meson install --destdir D` of this build, as a packager does. Then:
- every file docs/install.md names for this build's prefix (its table) is
  in D, and the install puts the docs and examples an operator needs
  beside each other;
- on a private bus whose only service folder is D's dbus-1/services, an
  Offer made with the installed otauxctl starts the installed agent (D-Bus
  activation, the installed .service file as it is) and is listed.

The installed files name their absolute paths (Exec=PREFIX/libexec/...),
so the bus runs in a private mount namespace (unshare) in which D's PREFIX
(for /usr: D's /usr/libexec) is bind-mounted over it: the installed tree at
the place it names.

Usage: test_install.py SOURCE_ROOT BUILD_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import journey  # noqa: E402

SRC, BUILD = sys.argv[1], sys.argv[2]
journey.need('meson', 'dbus-daemon', 'unshare')
t = journey.Tap()

opts = json.loads(subprocess.run(['meson', 'introspect', '--buildoptions', BUILD],
                                 capture_output=True, text=True, check=True).stdout)
opt = {o['name']: o['value'] for o in opts}
prefix = opt['prefix']
tmp = tempfile.mkdtemp(prefix='otaux-install-')
dest = os.path.join(tmp, 'dest')
r = subprocess.run(['meson', 'install', '-C', BUILD, '--destdir', dest],
                   capture_output=True, text=True)
t.note('$ meson install -C %s --destdir %s  (prefix %s)' % (BUILD, dest, prefix))
t.ok(r.returncode == 0, 'meson install --destdir', r.stdout + r.stderr)


def inst(path):
    return os.path.join(dest, path.lstrip('/'))


# The folders docs/install.md names, for this prefix.
with open(os.path.join(SRC, 'docs', 'install.md'), encoding='utf-8') as f:
    doc = f.read()
column = {'/usr': 1, '/usr/local': 2}.get(prefix)
if column is None:
    t.note('prefix %s is in neither column of docs/install.md: table not checked' % prefix)
else:
    rows = re.findall(r'^\| ([^|]+) \| `([^`]+)` \| `([^`]+)` \|$', doc, re.M)
    t.ok(len(rows) >= 15, 'docs/install.md has its folder table (%d rows)' % len(rows))
    missing = ['%s: %s' % (what.strip(), cols[column - 1]) for what, *cols in rows
               if not os.path.lexists(inst(cols[column - 1]))]
    t.ok(not missing, 'every path docs/install.md names for %s is installed' % prefix,
         '\n'.join(missing))

docdir = inst(os.path.join(prefix, 'share', 'doc', 'otaux'))
want = ['policy.md', 'strings.md', 'install.md', 'dbus-api.md', 'examples/strict_100.xml',
        'examples/strings-de.xml', 'examples/strings-en.xml']
t.ok(all(os.path.exists(os.path.join(docdir, w)) for w in want),
     'the operator docs and examples are installed together in %s' % docdir,
     ' '.join(sorted(os.listdir(docdir))) if os.path.isdir(docdir) else 'no ' + docdir)
for helper in ('otaux-preview.py',):
    t.ok(not any(helper in fs for _, _, fs in os.walk(dest)), 'no Python program is installed')
py = []
for root, _, files in os.walk(dest):
    for name in files:
        p = os.path.join(root, name)
        if os.access(p, os.X_OK) and not os.path.islink(p):
            with open(p, 'rb') as f:
                if f.read(2) == b'#!':
                    py.append(p)
t.ok(not py, 'every installed program is compiled (no scripts)', '\n'.join(py))

# The system instance's files (issue 20): the D-Bus policy is the one
# tests/system/test_system_instance.py includes in its system bus; the
# activation file and the unit start the installed agent with --system.
share = inst(os.path.join(prefix, 'share', 'dbus-1'))
with open(os.path.join(SRC, 'data', 'org.otaux.Agent.conf'), 'rb') as f:
    tested_conf = f.read()
conf_path = os.path.join(share, 'system.d', 'org.otaux.Agent.conf')
t.ok(os.path.exists(conf_path) and open(conf_path, 'rb').read() == tested_conf,
     'the installed system.d policy is the file the system-bus test includes', conf_path)
sys_service = os.path.join(share, 'system-services', 'org.otaux.Agent.service')
sys_text = open(sys_service).read() if os.path.exists(sys_service) else ''
m = re.search(r'^Exec=(\S+) --system$', sys_text, re.M)
t.ok(m is not None and os.access(inst(m.group(1)), os.X_OK) and
     re.search(r'^User=root$', sys_text, re.M) and
     re.search(r'^SystemdService=otaux-agent-system\.service$', sys_text, re.M),
     'the system activation file starts the installed agent with --system, as root, '
     'through the unit', sys_text)
unit = inst(os.path.join(prefix, 'lib', 'systemd', 'system', 'otaux-agent-system.service'))
unit_text = open(unit).read() if os.path.exists(unit) else ''
want = ['Type=dbus', 'BusName=org.otaux.Agent', 'StateDirectory=otaux', 'ProtectSystem=strict',
        'ProtectHome=yes', 'NoNewPrivileges=yes', 'PrivateTmp=yes']
m = re.search(r'^ExecStart=(\S+) --system$', unit_text, re.M)
t.ok(m is not None and os.access(inst(m.group(1)), os.X_OK) and
     all(re.search('^%s$' % re.escape(w), unit_text, re.M) for w in want),
     'the system unit runs the installed agent with --system, hardened', unit_text)

# D-Bus activation of the installed agent on a private bus.
service_dir = inst(os.path.join(prefix, 'share', 'dbus-1', 'services'))
with open(os.path.join(service_dir, 'org.otaux.Agent.service')) as f:
    service = f.read()
t.note(service)
exec_line = re.search(r'^Exec=(\S+)', service, re.M).group(1)
t.ok(os.access(inst(exec_line), os.X_OK), 'the service file names the installed agent: ' + exec_line)
conf = os.path.join(tmp, 'bus.conf')
with open(conf, 'w') as f:
    f.write('''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <servicedir>%s</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
''' % (tmp, service_dir))
otauxctl = inst(os.path.join(prefix, 'bin', 'otauxctl'))
# /usr itself cannot be covered (the shell and dbus-daemon live there): then
# only its libexec, where the service file points.
mount_at = os.path.dirname(exec_line) if prefix == '/usr' else prefix
inner = '''set -e
mount --bind "$DEST$MOUNT" "$MOUNT"
exec dbus-run-session --config-file="$CONF" -- sh -c '
  echo "$ otauxctl offer id=journey-1 name=Journey version=1.0 priority=low"
  "$OTAUXCTL" offer id=journey-1 name=Journey version=1.0 priority=low
  echo "$ otauxctl list"
  "$OTAUXCTL" list
  echo "agent-exe $(stat -c %d:%i "$EXEC")"'
'''
unshare = ['unshare', '--mount', '--propagation', 'private']
if os.geteuid() != 0:
    unshare.insert(1, '--map-root-user')
env = dict(os.environ, EXEC=exec_line, DEST=dest, MOUNT=mount_at, CONF=conf, OTAUXCTL=otauxctl, HOME=tmp,
           XDG_STATE_HOME=os.path.join(tmp, 'state'), XDG_RUNTIME_DIR=tmp)
env.pop('DBUS_SESSION_BUS_ADDRESS', None)
r = subprocess.run(unshare + ['sh', '-c', inner], env=env, capture_output=True, text=True,
                   timeout=120)
t.note(r.stdout)
t.ok(r.returncode == 0, 'the installed otauxctl ran on the private bus', r.stdout + r.stderr)
t.ok('/org/otaux/Agent/Offers/1' in r.stdout, 'the Offer was answered with its object path',
     r.stdout + r.stderr)
t.ok(re.search(r'journey-1', r.stdout.split('$ otauxctl list')[-1]) is not None,
     'otauxctl list shows the offer', r.stdout)
# Inside the namespace the Exec path is the DESTDIR's file (same inode),
# and the bus says it activated it.
m = re.search(r'^agent-exe (\S+)$', r.stdout, re.M)
st = os.stat(inst(exec_line))
t.ok(m is not None and m.group(1) == '%d:%d' % (st.st_dev, st.st_ino) and
     "Successfully activated service 'org.otaux.Agent'" in r.stderr,
     'D-Bus activation started the installed agent (%s)' % exec_line, r.stdout + r.stderr)
shutil.rmtree(tmp, ignore_errors=True)
t.done()
