#!/usr/bin/env bash
# otauxctl check on both kinds of operator file: every shipped example is
# clean (exit 0); a bad catalog and a bad policy give file:line (exit 1);
# a missing file exits 2. TAP output.
set -u
ctl=${OTAUXCTL:?}
src=${OTAUX_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }

"$ctl" check "$src"/data/examples/*.xml "$src"/data/policy/default.xml >"$tmp/out" 2>&1
ok $? "every shipped example and the default policy are clean"

printf '<catalog locale="de" version="1">\n  <string id="no.such.id">x</string>\n</catalog>\n' >"$tmp/bad-catalog.xml"
"$ctl" check "$tmp/bad-catalog.xml" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "bad-catalog.xml:2: .*no.such.id" "$tmp/err"; ok $? "a bad catalog: exit 1 and file:line ($(head -c 120 "$tmp/err"))"

printf '<policy version="1">\n  <no-such-knob/>\n</policy>\n' >"$tmp/bad-policy_100.xml"
"$ctl" check "$tmp/bad-policy_100.xml" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "bad-policy_100.xml:[0-9]*: " "$tmp/err"; ok $? "a bad policy: exit 1 and file:line ($(head -c 120 "$tmp/err"))"

"$ctl" check "$tmp/missing.xml" 2>/dev/null; rc=$?
[ $rc = 2 ]; ok $? "a missing file: exit 2 (got $rc)"

echo "1..$n"
exit $failed
