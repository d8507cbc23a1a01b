#!/usr/bin/python3
"""Writes the tables of docs/strings.md ("Every string id", the result
codes) and the result-code table of docs/dbus-api.md (Finish) from their
one source, strings/otaux-builtin.c. Each table sits between
<!-- generated:NAME --> and <!-- end:NAME --> lines; the text around it is
the docs' own. The "where it appears" column of the id table is kept from
the docs (it is prose), new ids get "?" until someone writes it.

Usage: strings-docs.py SOURCE_ROOT         rewrite the docs
       strings-docs.py --check SOURCE_ROOT  exit 1 (TAP) when they differ
A development tool: nothing installed runs it."""
import os
import re
import sys

check = '--check' in sys.argv
root = [a for a in sys.argv[1:] if a != '--check'][0]


def c_string(s):
    """The value of concatenated C string literals (UTF-8, \\u escapes)."""
    out = ''
    for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', s):
        out += re.sub(r'\\u([0-9a-fA-F]{4})|\\(.)',
                      lambda m: chr(int(m.group(1), 16)) if m.group(1) else
                      {'n': '\n', 't': '\t'}.get(m.group(2), m.group(2)), lit)
    return out


src = open(os.path.join(root, 'strings', 'otaux-builtin.c'), encoding='utf-8').read()
defines = {'OFFER': 'name version size operator'}
rows = []
table = src[src.index('otaux_builtin_texts[] = {'):src.index('const gsize otaux_n_builtin_texts')]
for m in re.finditer(r'^\s*\{ "([a-z][a-zA-Z0-9.-]*)",(.*?)\b(TITLE|BODY|LABEL|VALUE|FORMAT) \},',
                     table, re.M | re.S):
    ident, middle, use = m.groups()
    middle = re.sub(r'/\*.*?\*/', '', middle, flags=re.S)
    call = re.match(r'\s*(NP_|N_)\(', middle)
    # the call's arguments: string literals up to its closing parenthesis
    rest = middle[call.end():]
    args = re.match(r'((?:\s*"(?:[^"\\]|\\.)*"\s*,?)*)\)', rest)
    after = rest[args.end():]
    if call.group(1) == 'NP_':
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"(?=\s*(?:,|$))', args.group(1))
        text = ' / '.join(c_string(f'"{p}"') for p in parts)
    else:
        text = c_string(args.group(1))
        after = re.sub(r'^\s*,\s*NULL', '', after)
    words = []
    for lit, macro in re.findall(r'"([^"]*)"|\b(OFFER)\b', after):
        words += (defines[macro] if macro else lit).split()
    rows.append((ident, text, words, use, call.group(1) == 'NP_'))

codes = re.findall(r'\{ (\d+), (\d+), "([^"]*)", "([a-z.0-9-]+)" \}',
                   src[src.index('otaux_result_codes[] = {'):])
texts = {r[0]: r[1] for r in rows}


def md(text):
    return text.replace('|', '\\|').replace('\u00a0', ' ').replace('\n', ' ')


def id_table(where):
    out = ['| id | English text | placeholders | where it appears |', '|---|---|---|---|']
    for ident, text, ph, use, plural in rows:
        words = [f'**{{{w[:-1]}}}**' for w in ph if w.endswith('!')] + \
                [f'{{{w}}}' for w in ph if not w.endswith('!')]
        cell = ', '.join(words) if words else '—'
        if plural:
            cell += ' (count)'
        if use == 'BODY':
            cell += ' · markup'
        out.append(f'| `{ident}` | {md(text)} | {cell} | {where.get(ident, "?")} |')
    return out


def code_range(first, last):
    return str(first) if int(first) == int(last) else f'{first}–{last}'


def result_table(with_text):
    head = '| code | FUMO meaning | what the person reads |' if with_text else \
           '| code | FUMO meaning | the text (`docs/strings.md`) |'
    out = [head, '|---|---|---|']
    for first, last, fumo, ident in codes:
        cell = md(texts[ident]) if with_text else f'`{ident}`'
        out.append(f'| {code_range(first, last)} | {fumo} | {cell} |')
    # Finish takes 200, 250-299 and 400-599: the codes FUMO leaves unassigned
    covered = {c for first, last, _, _ in codes for c in range(int(first), int(last) + 1)}
    gaps, start = [], None
    for c in range(400, 601):
        if c not in covered and c < 600 and start is None:
            start = c
        elif (c in covered or c == 600) and start is not None:
            gaps.append(code_range(start, c - 1))
            start = None
    out.append(f'| {", ".join(gaps)} | not assigned | ' +
               (md(texts['result.unknown']) if with_text else '`result.unknown`') + ' |')
    return out


def replace(doc, name, lines):
    pat = re.compile(rf'(<!-- generated:{name} [^\n]*-->\n)(.*?)(<!-- end:{name} -->)', re.S)
    if not pat.search(doc):
        raise SystemExit(f'strings-docs: no <!-- generated:{name} ... --> block')
    return pat.sub(lambda m: m.group(1) + '\n'.join(lines) + '\n' + m.group(3), doc)


strings_md = os.path.join(root, 'docs', 'strings.md')
api_md = os.path.join(root, 'docs', 'dbus-api.md')
old_strings = open(strings_md, encoding='utf-8').read()
old_api = open(api_md, encoding='utf-8').read()
where = {m.group(1): m.group(2) for m in
         re.finditer(r'^\| `([a-z][a-zA-Z0-9.-]*)` \|.*\| ([^|]*[^| ]) \|$', old_strings, re.M)}
new_strings = replace(replace(old_strings, 'string-ids', id_table(where)),
                      'result-codes', result_table(True))
new_api = replace(old_api, 'result-codes', result_table(False))

if check:
    checks = [(new_strings == old_strings, 'docs/strings.md tables agree with strings/otaux-builtin.c'),
              (new_api == old_api, 'docs/dbus-api.md result codes agree with strings/otaux-builtin.c'),
              (len(rows) == len(re.findall(r'^\s*\{ "[a-z]', table, re.M)),
               f'every row of the built-in table was read ({len(rows)})'),
              (len(codes) > 15, f'the result-code table was read ({len(codes)} ranges)'),
              ('?' not in where.values() and all(r[0] in where for r in rows),
               'every id has its "where it appears" in docs/strings.md')]
    print(f'1..{len(checks)}')
    for i, (ok, what) in enumerate(checks, 1):
        print(f'{"ok" if ok else "not ok"} {i} - {what}' +
              ('' if ok else ' (run tools/strings-docs.py SOURCE_ROOT)'))
    sys.exit(0 if all(c[0] for c in checks) else 1)
open(strings_md, 'w', encoding='utf-8').write(new_strings)
open(api_md, 'w', encoding='utf-8').write(new_api)
