#!/usr/bin/python3
"""The rules of the house, checked in the repo (docs/architecture.md).

1. Layering: which folder may include which folders' headers and which
   libraries' headers (libdbus only in dbus/, GTK only in the prompter,
   libnotify only in ui/, the pure libraries GLib + libxml2 only).
2. Linking: which programs may (must) link libdbus, GTK, libnotify, libfwupd,
   read from the built binaries' DT_NEEDED (readelf -d).
3. Size: no C file outside tests/ longer than 900 lines.
4. Error domains: G_DEFINE_QUARK names are words joined by '-' (the
   formatter once turned them into "otaux - agent - error - quark").
5. A function that can fail (takes a GError ** and returns gboolean or a
   pointer) is declared G_GNUC_WARN_UNUSED_RESULT in its header.
6. The map is whole: docs/architecture.md names every C file outside
   tests/, fuzz/ and bench/, so a newcomer finds each one's job there.

Prints the table of rules, then every break as FILE:LINE: MESSAGE; exits 1
when there is one.

Usage: check-rules.py SOURCE-ROOT BUILD-ROOT [PROGRAM=PATH...]
"""
import os
import re
import subprocess
import sys

MAX_LINES = 900

# Library headers: the include path's first part (or the file) -> library.
LIBRARY_HEADERS = [
    (re.compile(r'^dbus/'), 'libdbus'),
    (re.compile(r'^(gtk|gdk|gsk)/'), 'GTK'),
    (re.compile(r'^libnotify/'), 'libnotify'),
    (re.compile(r'^(fwupd\.h|libfwupd/)'), 'libfwupd'),
    (re.compile(r'^libxml/'), 'libxml2'),
    (re.compile(r'^json-glib/'), 'json-glib'),
    (re.compile(r'^(gio/|glib-unix\.h$)'), 'GIO'),
    (re.compile(r'^(glib\.h|glib/|glib-object\.h|gobject/)'), 'GLib'),
]

# folder -> (project folders whose headers it may include, libraries)
# Anything not a library above is the C library, allowed everywhere.
PURE = ('GLib', 'libxml2')
RULES = [
    # The bridges' client of the agent: GIO, linked by the bridges only.
    ('common/otaux-bridge-client.', ['common'], ('GLib', 'GIO')),
    ('common/', ['common'], PURE),
    ('policy/', ['common', 'policy'], PURE),
    ('strings/', ['common', 'strings'], PURE),
    ('agent/', ['common', 'policy', 'strings', 'agent'], ('GLib',)),
    ('dbus/', ['common', 'policy', 'strings', 'agent', 'dbus'], ('GLib', 'GIO', 'libdbus')),
    ('ui/prompter/', ['common', 'policy', 'strings', 'ui/prompter'], ('GLib', 'GIO', 'GTK')),
    ('ui/', ['common', 'policy', 'strings', 'agent', 'ui'], ('GLib', 'GIO', 'libnotify')),
    ('bridges/fwupd/', ['common', 'policy', 'strings', 'agent', 'bridges/fwupd'],
     ('GLib', 'GIO', 'libfwupd')),
    ('bridges/rauc/', ['common', 'bridges/rauc'], ('GLib', 'GIO')),
    ('bridges/mender/', ['common', 'bridges/mender'], ('GLib', 'GIO', 'json-glib')),
    ('tools/', ['common', 'policy', 'strings', 'agent', 'dbus', 'ui', 'tools'], ('GLib', 'GIO')),
]

# program -> (libraries it must link, libraries it must not link)
SONAMES = {
    'libdbus': 'libdbus-1.so',
    'GTK': 'libgtk-4.so',
    'libnotify': 'libnotify.so',
    'libfwupd': 'libfwupd.so',
}
PROGRAMS = [
    ('otaux-agent', ('libdbus', 'libnotify'), ('GTK', 'libfwupd')),
    ('otaux-prompter', ('GTK',), ('libdbus', 'libnotify', 'libfwupd')),
    ('otauxctl', (), ('libdbus', 'GTK', 'libnotify', 'libfwupd')),
    ('otaux-fwupd', ('libfwupd',), ('libdbus', 'GTK', 'libnotify')),
    ('otaux-rauc', (), ('libdbus', 'GTK', 'libnotify', 'libfwupd')),
    ('otaux-mender-script', (), ('libdbus', 'GTK', 'libnotify', 'libfwupd')),
    ('otaux-mender', (), ('libdbus', 'GTK', 'libnotify', 'libfwupd')),
]

CHECKED_FOLDERS = [r[0] for r in RULES]
SKIPPED = ('tests/', 'fuzz/', 'bench/')  # may use every layer


def rule_of(rel):
    for folder, projects, libs in RULES:  # most specific first (ui/prompter/ before ui/)
        if rel.startswith(folder):
            return folder, projects, libs
    return None


def source_files(root):
    for top in sorted(os.listdir(root)):
        if top.startswith(('.', '_')) or not os.path.isdir(os.path.join(root, top)):
            continue
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(('.', '_')))
            for f in sorted(filenames):
                if f.endswith(('.c', '.h')):
                    path = os.path.join(dirpath, f)
                    yield os.path.relpath(path, root)


def header_folders(root, build):
    """Project header name -> the folder that has it (sources and generated)."""
    where = {}
    for rel in source_files(root):
        if rel.endswith('.h'):
            where.setdefault(os.path.basename(rel), os.path.dirname(rel))
    for dirpath, _, filenames in os.walk(build):
        for f in filenames:
            if f.endswith('.h') and not dirpath.endswith('.p'):
                rel = os.path.relpath(dirpath, build)
                where.setdefault(f, '' if rel == '.' else rel)  # config.h: the root
    return where


def print_table():
    print('# Layering: a folder may include headers of these folders and libraries')
    print('# (the C library everywhere; tests/, fuzz/, bench/ may use every layer).')
    print('#')
    print('# | folder | project headers from | library headers |')
    print('# |---|---|---|')
    for folder, projects, libs in RULES:
        print(f'# | `{folder}` | {", ".join(p + "/" for p in projects)} | {", ".join(libs)} |')
    print('#')
    print('# Linking (DT_NEEDED of the built programs):')
    print('#')
    print('# | program | must link | must not link |')
    print('# |---|---|---|')
    for prog, must, must_not in PROGRAMS:
        print(f'# | `{prog}` | {", ".join(must) or "-"} | {", ".join(must_not)} |')
    print('#')
    print(f'# Size: no C file outside tests/ longer than {MAX_LINES} lines.')
    print('# Error domains: G_DEFINE_QUARK(otaux-module-error-quark, ...), no spaces.')
    print('# Functions that can fail (GError **, returning gboolean or a pointer) are')
    print('# declared G_GNUC_WARN_UNUSED_RESULT in their headers.')


def check_includes(root, build, problems):
    where = header_folders(root, build)
    include = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
    n = 0
    for rel in source_files(root):
        if rel.startswith(SKIPPED):
            continue
        rule = rule_of(rel)
        if rule is None:
            problems.append(f'{rel}:1: in no folder of the layering table (add it to '
                            'tests/rules/check-rules.py)')
            continue
        folder, projects, libs = rule
        n += 1
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            for lineno, line in enumerate(f, 1):
                m = include.match(line)
                if m is None:
                    continue
                name = m.group(2)
                lib = next((l for pat, l in LIBRARY_HEADERS if pat.search(name)), None)
                if lib is not None:
                    if lib not in libs:
                        problems.append(f'{rel}:{lineno}: {folder} may not use {lib} '
                                        f'(#include <{name}>)')
                    continue
                if m.group(1) == '<' and name not in where:
                    continue  # the C library
                home = where.get(os.path.basename(name))
                if home is None or home == '':
                    continue  # config.h, or a system header
                if not any(home == p or home.startswith(p + '/') for p in projects):
                    problems.append(f'{rel}:{lineno}: {folder} may not include {home}/{name}')
    return n


def needed(path):
    out = subprocess.run(['readelf', '-d', path], capture_output=True, text=True, check=True)
    return re.findall(r'\(NEEDED\).*\[(.+)\]', out.stdout)


def check_programs(paths, problems):
    for prog, must, must_not in PROGRAMS:
        path = paths.get(prog)
        if path is None:
            print(f'# {prog}: not built, its linking is not checked')
            continue
        libs = needed(path)
        print(f'# {prog}: DT_NEEDED {" ".join(libs)}')
        for lib in must:
            if not any(l.startswith(SONAMES[lib]) for l in libs):
                problems.append(f'{path}:1: {prog} must link {lib} and does not')
        for lib in must_not:
            if any(l.startswith(SONAMES[lib]) for l in libs):
                problems.append(f'{path}:1: {prog} links {lib}, which it must not')


def check_sizes(root, problems):
    sizes = []
    for rel in source_files(root):
        if rel.endswith('.c') and not rel.startswith('tests/'):
            with open(os.path.join(root, rel), encoding='utf-8') as f:
                n = sum(1 for _ in f)
            sizes.append((n, rel))
            if n > MAX_LINES:
                problems.append(f'{rel}:{n}: {n} lines, more than {MAX_LINES}: '
                                'split it by responsibility')
    sizes.sort(reverse=True)
    print('# The longest C files outside tests/: ' +
          ', '.join(f'{rel} {n}' for n, rel in sizes[:5]))


def check_quarks(root, problems):
    quark = re.compile(r'G_DEFINE_QUARK\s*\(([^,]*),')
    for rel in source_files(root):
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            for lineno, line in enumerate(f, 1):
                m = quark.search(line)
                if m and not re.fullmatch(r'[a-z0-9]+(-[a-z0-9]+)*', m.group(1)):
                    problems.append(f'{rel}:{lineno}: the error domain "{m.group(1)}" is not '
                                    'a name like otaux-agent-error-quark')


def check_unused_result(root, problems):
    decl = re.compile(r'(?:^|[;}/])\s*((?:const\s+)?[A-Za-z_][\w \t]*?[\s*]+)([a-z_]\w*)\s*'
                      r'\(([^;{}()]*GError\s*\*\*[^;{}()]*)\)([^;{}()]*(?:\([^()]*\))?[^;{}()]*);', re.M)
    for rel in source_files(root):
        if not rel.endswith('.h') or rel.startswith(SKIPPED):
            continue
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            text = f.read()
        for m in decl.finditer(text):
            ret = ' '.join(m.group(1).split())
            if 'typedef' in ret or 'static' in ret or '(' in ret:
                continue
            if not (ret.endswith('gboolean') or ret.endswith('*')):
                continue
            if 'G_GNUC_WARN_UNUSED_RESULT' not in m.group(4):
                lineno = text.count('\n', 0, m.start(2)) + 1
                problems.append(f'{rel}:{lineno}: {m.group(2)}() can fail (GError **): '
                                'declare it G_GNUC_WARN_UNUSED_RESULT')


def check_map(root, problems):
    with open(os.path.join(root, 'docs', 'architecture.md'), encoding='utf-8') as f:
        doc = f.read()
    for rel in source_files(root):
        if rel.endswith('.c') and not rel.startswith(('tests/', 'fuzz/', 'bench/')) and \
                os.path.basename(rel) not in doc:
            problems.append(f'{rel}:1: docs/architecture.md does not name this file: '
                            'add it, with its job, to the table of its folder')


def check_prompter_words(root, problems):
    """strings/otaux-builtin.c lists the pop-up's own words for the review
    tools (otauxctl strings --render): the same set as the _() texts of
    ui/prompter (GTK's own "default:LTR" aside)."""
    used = {}
    folder = os.path.join(root, 'ui', 'prompter')
    for name in sorted(os.listdir(folder)):
        if name.endswith('.c'):
            with open(os.path.join(folder, name), encoding='utf-8') as f:
                for m in re.finditer(r'\b_\("((?:[^"\\]|\\.)*)"\)', f.read()):
                    used.setdefault(m.group(1), 'ui/prompter/' + name)
    used.pop('default:LTR', None)
    with open(os.path.join(root, 'strings', 'otaux-builtin.c'), encoding='utf-8') as f:
        text = f.read()
    table = re.search(r'otaux_prompter_words\[\] = \{(.*?)\};', text, re.S)
    listed = set(re.findall(r'N_\("((?:[^"\\]|\\.)*)"\)', table.group(1))) if table else set()
    for word in sorted(set(used) - listed):
        problems.append(f'{used[word]}:1: _("{word}") is missing from otaux_prompter_words '
                        '(strings/otaux-builtin.c)')
    for word in sorted(listed - set(used)):
        problems.append(f'strings/otaux-builtin.c:1: otaux_prompter_words lists "{word}", '
                        'which ui/prompter no longer uses')
    print(f'# {len(listed)} prompter words listed for the review tools')


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    root, build = sys.argv[1], sys.argv[2]
    paths = dict(a.split('=', 1) for a in sys.argv[3:])
    problems = []
    print_table()
    n = check_includes(root, build, problems)
    print(f'# {n} source files checked for includes')
    check_programs(paths, problems)
    check_sizes(root, problems)
    check_quarks(root, problems)
    check_unused_result(root, problems)
    check_map(root, problems)
    check_prompter_words(root, problems)
    for p in problems:
        print(p)
    print(f'# {len(problems)} rule(s) broken' if problems else '# every rule holds')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
