#!/bin/bash
# A whole update walked through with otauxctl only, on a private bus:
# offer -> download prompt -> accept -> progress -> ready -> install prompt
# -> delay-reboot +5 s -> scheduled accept -> installing -> finished 200.
# Also checks list, show, watch, --wait, and the exit codes.
set -euo pipefail

: "${OTAUX_AGENT:?}" "${OTAUXCTL:?}"
ctl() { "$OTAUXCTL" "$@"; }
tmp=$(mktemp -d)
agent_pid=
watch_pid=
cleanup() {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null || true
  [ -n "$agent_pid" ] && kill -KILL "$agent_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

n=0
fail() { echo "not ok $((n + 1)) - $*"; echo "1..$((n + 1))"; exit 1; }
trap 'fail "command failed at line $LINENO: $BASH_COMMAND"' ERR
ok() { n=$((n + 1)); echo "ok $n - $*"; }
# expect_eq WHAT GOT WANT
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; ok "$1"; }
# expect_match WHAT TEXT REGEX (extended, per line)
expect_match() { grep -Eq -- "$3" <<<"$2" || fail "$1: no line matches /$3/ in:
$2"; ok "$1"; }
# prop OFFER NAME: one property from "otauxctl show"
prop() { ctl show "$1" | sed -nE "s/^  $2: +//p" | head -n1; }
# expect_rc WHAT WANT COMMAND...: the exit code and, for 1, the error name on stderr
expect_rc() {
  local what=$1 want=$2 rc=0; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" = "$want" ] || fail "$what: exit $rc, want $want; stderr: $(cat "$tmp/err")"
  ok "$what (exit $want)"
}

# -- the agent, and a watcher that records every event --------------------
"$OTAUX_AGENT" --state-dir "$tmp/state" &
agent_pid=$!
gdbus wait --session --timeout 15 org.otaux.Agent || fail "the agent did not appear on the bus"
ok "agent on the bus"

mkfifo "$tmp/watch.fifo"
"$OTAUXCTL" watch >"$tmp/watch.fifo" &
watch_pid=$!
exec 3<"$tmp/watch.fifo"
read -r -t 10 -u 3 first || fail "watch printed nothing"
expect_match "watch starts with the agent's owner" "$first" '^AgentAppeared :[0-9]+\.[0-9]+$'

expect_eq "no offers yet" "$(ctl list)" ""

# -- offer ------------------------------------------------------------------
path=$(ctl offer --id fw-walk-1 --name "Base firmware" --version 2.0.1 --priority high \
  --size 1048576 --roaming --needs-reboot --correlator corr-walk-1)
expect_match "offer prints the object path" "$path" '^/org/otaux/Agent/Offers/[0-9]+$'
expect_eq "offer is idempotent" "$(ctl offer id=fw-walk-1 priority=high roaming=true)" "$path"

show=$(ctl show fw-walk-1)
expect_match "show: path" "$show" "^$path\$"
expect_match "show: phase offered" "$show" '^  Phase: +offered$'
expect_match "show: priority" "$show" '^  Priority: +high$'
expect_match "show: roaming" "$show" '^  Roaming: +true$'
expect_match "show: prompt asks to download" "$show" '^    kind: +download$'
expect_match "show: prompt offers accept" "$show" '^    choices: +accept '
expect_match "list line" "$(ctl list)" \
  "^$path	fw-walk-1	high	offered	none	Base firmware	2\.0\.1	session\$"
expect_match "list --json" "$(ctl list --json)" '"Id": "fw-walk-1"'

# -- download -----------------------------------------------------------------
ctl answer fw-walk-1 accept
expect_eq "decision after accept" "$(ctl wait-decision fw-walk-1 --timeout 10 -v)" \
  "accept reason=user"
ctl state "$path" 30 --bytes-done 4096 --bytes-total 1048576
expect_eq "phase downloading" "$(prop "$path" Phase)" downloading
expect_eq "bytes done" "$(prop "$path" BytesDone)" 4096
ctl state "$path" 40
expect_eq "phase ready" "$(prop "$path" Phase)" ready
show=$(ctl show "$path")
expect_match "prompt asks to install" "$show" '^    kind: +install$'
expect_match "install prompt offers delay-reboot" "$show" '^ +delay-reboot '

# -- delay the reboot, the schedule accepts ------------------------------------
ctl answer fw-walk-1 delay-reboot --reboot-at +5
expect_eq "phase delayed" "$(prop "$path" Phase)" delayed
expect_match "decision delay-reboot" "$(ctl wait-decision fw-walk-1 --timeout 5)" \
  '^delay-reboot [0-9]+$'
expect_eq "scheduled accept" \
  "$(ctl wait-decision fw-walk-1 --until accept --timeout 30 -v)" "accept reason=scheduled"
expect_eq "DecisionReason" "$(prop "$path" DecisionReason)" scheduled

# -- install, finish -------------------------------------------------------------
ctl state fw-walk-1 60
expect_eq "phase installing" "$(prop "$path" Phase)" installing
ctl state fw-walk-1 60 --bytes-done 50 --bytes-total 100 --step "Copying image to rootfs.1"
show=$(ctl show fw-walk-1)
expect_match "install progress: the prompt's percentage" "$show" '^    progress: +50$'
expect_match "install progress: the body says it" "$show" '^ +50% installed$'
expect_match "install step: the prompt's step" "$show" '^    step: +Copying image to rootfs\.1$'
ctl finish fw-walk-1 200
expect_eq "phase finished" "$(prop "$path" Phase)" finished
expect_eq "result" "$(prop "$path" Result)" 200
expect_match "list: finished" "$(ctl list)" "^$path	fw-walk-1	high	finished	accept	"

# -- finish with the updater's words (FinishWithDetails) ----------------------------
ctl offer id=fw-walk-words priority=low state=40 >/dev/null
ctl answer fw-walk-words accept
ctl state fw-walk-words 60
expect_rc "finish --message: too long" 1 ctl finish fw-walk-words 410 --message "$(head -c 1025 /dev/zero | tr '\0' x)"
expect_match "finish --message: the refusal names the error" "$(cat "$tmp/err")" \
  "org\.otaux\.Error\.InvalidArgs.*'message'"
ctl finish fw-walk-words 410 --message "Compatible <b>mismatch</b> & more"
expect_eq "finish --message: result" "$(prop fw-walk-words Result)" 410
expect_match "finish --message: the words under the result" "$(ctl show fw-walk-words)" \
  '^ +Compatible <b>mismatch</b> & more$'
ctl withdraw fw-walk-words

# -- --wait, exit codes -------------------------------------------------------------
out=$(ctl offer --id fw-walk-silent --priority low --silent --wait --timeout 10)
expect_match "offer --wait on a silent offer" "$out" '^accept$'
expect_rc "offer --wait times out" 4 ctl offer --id fw-walk-asks --priority medium --wait --timeout 1
expect_rc "answer on a finished offer is refused" 1 ctl answer fw-walk-1 accept
expect_match "the refusal names the error" "$(cat "$tmp/err")" 'org\.otaux\.Error\.NotAllowed'
expect_rc "unknown id" 1 ctl show no-such-offer
expect_match "unknown id names the error" "$(cat "$tmp/err")" 'org\.otaux\.Error\.NotFound'
expect_rc "unknown offer key" 2 ctl offer id=x colour=red
expect_rc "missing argument" 2 ctl state fw-walk-1
expect_rc "delay-reboot needs a time" 2 ctl answer fw-walk-asks delay-reboot
ctl withdraw fw-walk-asks
expect_rc "withdrawn" 1 ctl show fw-walk-asks

# -- the events the watcher saw --------------------------------------------------------
kill -INT "$watch_pid"
wait "$watch_pid" || fail "watch did not exit 0 on SIGINT"
watch_pid=
events=$(cat <&3)
exec 3<&-
p=$path
expect_match "watch: OfferAdded" "$events" "^OfferAdded $p\$"
expect_match "watch: Decided accept (user)" "$events" "^Decided $p accept .*reason=user"
expect_match "watch: Decided carries the correlator" "$events" "^Decided $p .*correlator=corr-walk-1"
expect_match "watch: Decided delay-reboot" "$events" "^Decided $p delay-reboot .*reboot-at=[0-9]+"
expect_match "watch: Decided accept (scheduled)" "$events" "^Decided $p accept .*reason=scheduled"
expect_match "watch: progress" "$events" "^PropertiesChanged $p .*BytesDone=4096"
expect_match "watch: finished" "$events" "^PropertiesChanged $p .*Phase=finished"
expect_match "watch: OfferRemoved" "$events" '^OfferRemoved /org/otaux/Agent/Offers/[0-9]+$'

# -- the agent stops cleanly; then the bus has no agent ----------------------------------
kill -TERM "$agent_pid"
rc=0; wait "$agent_pid" || rc=$?
agent_pid=
expect_eq "agent exits 0 on SIGTERM" "$rc" 0
expect_rc "no agent" 3 ctl list
echo "1..$n"
