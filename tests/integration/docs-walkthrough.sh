#!/bin/bash
# The walk-through of docs/dbus-api.md, with the same busctl, gdbus and
# dbus-send commands, so the examples there keep working.
set -euo pipefail

: "${OTAUX_AGENT:?}" "${OTAUXCTL:?}"
for tool in busctl gdbus dbus-send; do
  command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not found"; exit 0; }
done
tmp=$(mktemp -d)
agent_pid=
monitor_pid=
trap '[ -n "$monitor_pid" ] && kill "$monitor_pid" 2>/dev/null
      [ -n "$agent_pid" ] && kill -KILL "$agent_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

n=0
fail() { echo "not ok $((n + 1)) - $*"; echo "1..$((n + 1))"; exit 1; }
trap 'fail "command failed at line $LINENO: $BASH_COMMAND"' ERR
expect() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; n=$((n + 1)); echo "ok $n - $1"; }
contains() { grep -Fq -- "$3" <<<"$2" || fail "$1: '$3' not in: $2"; n=$((n + 1)); echo "ok $n - $1"; }

A=(org.otaux.Agent /org/otaux/Agent)
O=(org.otaux.Agent /org/otaux/Agent/Offers/1)
get() { busctl --user get-property "${O[@]}" org.otaux.Offer1 "$@"; }
# Waits (at most 10 s) for a line matching $2 (grep -E) in file $1.
wait_line() {
  local i
  for ((i = 0; i < 100; i++)); do
    grep -Eq -- "$2" "$1" && return 0
    sleep 0.1
  done
  return 1
}

"$OTAUX_AGENT" --state-dir "$tmp/state" &
agent_pid=$!
gdbus wait --session --timeout 15 org.otaux.Agent

# the updater's one subscription, before the first Offer: Agent1.Decided
gdbus monitor --session --dest org.otaux.Agent --object-path /org/otaux/Agent \
  >"$tmp/agent-monitor" &
monitor_pid=$!
# its owner lookup is answered after its match rule is in place
wait_line "$tmp/agent-monitor" '^The name org.otaux.Agent is owned by' ||
  fail "gdbus monitor did not start"

# 1. offer, with busctl and (idempotent) with gdbus
expect "busctl Offer" "$(busctl --user call "${A[@]}" org.otaux.Agent1 Offer 'a{sv}' 6 \
  id s fw-2024.1 name s 'Base firmware' version s 2024.1 priority s high \
  size t 52428800 roaming b true)" 'o "/org/otaux/Agent/Offers/1"'
expect "gdbus Offer" "$(gdbus call --session -d org.otaux.Agent -o /org/otaux/Agent \
  -m org.otaux.Agent1.Offer "{'id': <'fw-2024.1'>, 'name': <'Base firmware'>,
  'priority': <'high'>, 'size': <uint64 52428800>, 'roaming': <true>,
  'correlator': <'dm-4711'>}")" "(objectpath '/org/otaux/Agent/Offers/1',)"

# 2. the prompt
expect "phase offered" "$(get Phase)" 's "offered"'
prompt=$(gdbus call --session -d org.otaux.Agent -o /org/otaux/Agent/Offers/1 \
  -m org.freedesktop.DBus.Properties.Get org.otaux.Offer1 Prompt)
contains "download prompt" "$prompt" "'kind': <'download'>"
contains "charge warning" "$prompt" "You are roaming:"
contains "download choices" "$prompt" "('accept', 'Download')"

# 3. answer; 4. progress
busctl --user call "${O[@]}" org.otaux.Offer1 Answer 'sa{sv}' accept 0
expect "decision" "$(get Decision DecisionReason)" $'s "accept"\ns "user"'
busctl --user call "${O[@]}" org.otaux.Offer1 SetState 'ua{sv}' 30 2 \
  bytes-done t 10485760 bytes-total t 52428800
expect "progress" "$(get BytesDone)" 't 10485760'
busctl --user call "${O[@]}" org.otaux.Offer1 SetState 'ua{sv}' 40 0
expect "ready, a new question" "$(get Phase Decision)" $'s "ready"\ns "none"'

# the install prompt's delay rows carry the clock time of their own time stamp
# ("In 1 hour · 10:00", "This evening at 22:00"), here and in the docs' excerpt
# (at 09:00 UTC there)
nbsp=$'\u00a0'
rows() { grep -oE "\('[^']*[0-9]{2}:[0-9]{2}', (int64 )?[0-9]+\)" <<<"$1" || true; }
labels() { # text, TZ: each row's label, "(BAD: HH:MM)" after one whose time is not its stamp's
  local row label ts got
  while IFS= read -r row; do
    [ -n "$row" ] || continue
    label=${row#(\'}; label=${label%%\'*}
    ts=${row##* }; ts=${ts%)}
    got=$(TZ=$2 date -d "@$ts" +%H:%M)
    [ "${label: -5}" = "$got" ] && echo "$label" || echo "$label (BAD: $got)"
  done <<<"$(rows "$1")"
}
prompt=$(gdbus call --session -d org.otaux.Agent -o /org/otaux/Agent/Offers/1 \
  -m org.freedesktop.DBus.Properties.Get org.otaux.Offer1 Prompt)
contains "install prompt" "$prompt" "'kind': <'install'>"
contains "install choices" "$prompt" "('accept', 'Install now'), ('tonight', 'Install tonight'), \
('delay-reboot', 'Install later'), ('cancel', 'Skip this update')"
got=$(labels "$prompt" "${TZ:-}")
contains "relative row with its time" "$got" "In 1${nbsp}hour · "
expect "each row's time is its stamp's" "$(grep -c BAD <<<"$got" || true)" 0
doc=$(awk '/<!-- walkthrough-delay-options -->/ { on = 1; next }
           on && /^```/ { if (in_block) exit; in_block = 1; next }
           in_block' "$(dirname "$0")/../../docs/dbus-api.md" | tr -d '\n')
expect "docs' delay rows, as the agent prints them" "$(labels "$doc" UTC | tr '\n' '|')" \
  "In 1${nbsp}hour · 10:00|In 4${nbsp}hours · 13:00|This evening at 22:00|Tomorrow at 07:00|"

# 5. delay the reboot (a few seconds here, one hour in the docs)
at=$(( $(date +%s) + 4 ))
gdbus call --session -d org.otaux.Agent -o /org/otaux/Agent/Offers/1 \
  -m org.otaux.Offer1.Answer delay-reboot "{'reboot-at': <int64 $at>}" >/dev/null
expect "delayed" "$(get Phase RebootAt)" "s \"delayed\"
x $at"

# 6. the schedule accepts (waiting on the event, bounded)
"$OTAUXCTL" wait-decision fw-2024.1 --until accept --timeout 30 >/dev/null
expect "scheduled accept" "$(get Decision DecisionReason)" $'s "accept"\ns "scheduled"'
decided="^/org/otaux/Agent: org.otaux.Agent1.Decided \(objectpath '/org/otaux/Agent/Offers/1',"
for want in "'accept', .*'phase': <'offered'>, 'reason': <'user'>.*'correlator': <'dm-4711'>" \
  "'delay-reboot', .*'reason': <'user'>, 'reboot-at': <int64 $at>" \
  "'accept', .*'phase': <'delayed'>, 'reason': <'scheduled'>"; do
  wait_line "$tmp/agent-monitor" "$decided $want" ||
    fail "Agent1.Decided $want not heard: $(cat "$tmp/agent-monitor")"
  n=$((n + 1)); echo "ok $n - Agent1.Decided ${want%%,*}"
done

# 7. install, finish
busctl --user call "${O[@]}" org.otaux.Offer1 SetState 'ua{sv}' 60 0
busctl --user call "${O[@]}" org.otaux.Offer1 Finish u 200
expect "finished" "$(get Phase Result)" $'s "finished"\nu 200'

# dbus-send
contains "dbus-send GetOffer" "$(dbus-send --session --print-reply --dest=org.otaux.Agent \
  /org/otaux/Agent org.otaux.Agent1.GetOffer string:fw-2024.1)" \
  'object path "/org/otaux/Agent/Offers/1"'
contains "dbus-send Offers" "$(dbus-send --session --print-reply --dest=org.otaux.Agent \
  /org/otaux/Agent org.freedesktop.DBus.Properties.Get string:org.otaux.Agent1 \
  string:Offers)" '"/org/otaux/Agent/Offers/1"'
dbus-send --session --print-reply --dest=org.otaux.Agent /org/otaux/Agent/Offers/1 \
  org.otaux.Offer1.Withdraw >/dev/null
expect "withdrawn" "$(busctl --user get-property "${A[@]}" org.otaux.Agent1 Offers)" 'ao 0'
echo "1..$n"
