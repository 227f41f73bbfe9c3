#!/usr/bin/env bash
# Smoke test for harness.sh: brings up hosts and checks that they behave like
# separate machines reachable over ssh. Prints PASS/FAIL per check and a final
# "N passed, N failed" line; exits 1 on any failure, 77 if it cannot run here.
# Commands are often single-quoted on purpose: they expand on a host.
# shellcheck disable=SC2016
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
H="$HERE/harness.sh"
export AMH_STATE=${AMH_STATE:-/tmp/amh-state}
export AMH_ROOT=${AMH_ROOT:-/var/lib/amh-harness}

passed=0
failed=0

pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1${2:+ -- $2}"; failed=$((failed + 1)); }

# check NAME CMD...: PASS if CMD succeeds.
check() {
    local name=$1; shift
    local out
    if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(echo "$out" | tail -n 5 | tr '\n' ' ')"; fi
}

# expect_eq NAME EXPECTED CMD...: PASS if CMD succeeds and prints EXPECTED.
expect_eq() {
    local name=$1 want=$2; shift 2
    local got
    if got=$("$@" 2>&1) && [[ $got == "$want" ]]; then
        pass "$name"
    else
        fail "$name" "expected '$want', got '$got'"
    fi
}

now_ms() { date +%s%3N; }

# Leave nothing behind even if a check blows up half-way.
trap '"$H" teardown >/dev/null 2>&1 || true' EXIT

# --- environment gate: same contract as the harness (77 = skip) ----------
if [[ $EUID -ne 0 ]]; then
    echo "skip: must run as root"
    exit 77
fi

# Non-root callers must get a skip (77), not a failure.
rc=0; out=$(setpriv --reuid nobody --regid nogroup --clear-groups "$H" up 1 2>&1) || rc=$?
if [[ $rc -eq 77 && $out == skip:* ]]; then pass "non-root gets 'skip:' and exit 77"; else fail "non-root gets 'skip:' and exit 77" "rc=$rc out=$out"; fi

# --- up 3 -----------------------------------------------------------------
t0=$(now_ms)
rc=0; out=$("$H" up 3 2>&1) || rc=$?
t1=$(now_ms)
if [[ $rc -eq 77 ]]; then echo "$out"; exit 77; fi
up3_ms=$((t1 - t0))
if [[ $rc -eq 0 && -z $out ]]; then
    pass "up 3 (silent, ${up3_ms} ms)"
else
    fail "up 3" "rc=$rc: $out"
    echo "0 passed, 1 failed (cannot continue)"; exit 1
fi

expect_eq "hosts lists h1 h2 h3" "h1 h2 h3" bash -c '"$1" hosts | xargs' _ "$H"
expect_eq "info h2 has ip and user" "10.213.7.12 amh2" bash -c \
    '"$1" info h2 | awk -F= '\''$1=="ip"{ip=$2} $1=="user"{u=$2} END{print ip, u}'\''' _ "$H"

# --- basic ssh across hosts ---------------------------------------------
expect_eq "h1: ssh h2 hostname -> h2" "h2" "$H" exec h1 -- ssh h2 hostname
expect_eq "h1: ssh h3 'echo \$USER' -> amh3" "amh3" "$H" exec h1 -- ssh h3 'echo $USER'
expect_eq "exec runs with host's hostname and user" "h3 amh3" "$H" exec h3 -- bash -c 'echo "$(hostname) $(id -un)"'
expect_eq "h3: ssh h1 by IP works" "h1" "$H" exec h3 -- ssh 10.213.7.11 hostname

# --- exit status and stdin pass through exec ----------------------------
rc=0; "$H" exec h1 -- sh -c 'exit 7' || rc=$?
if [[ $rc -eq 7 ]]; then pass "exec passes exit status through"; else fail "exec passes exit status through" "rc=$rc"; fi
expect_eq "exec passes stdin through" "hello" bash -c 'echo hello | "$1" exec h2 -- cat' _ "$H"

# --- private /tmp ----------------------------------------------------------
marker="amh-smoke-$$-$RANDOM"
"$H" exec h1 -- touch "/tmp/$marker"
check "file in h1's /tmp visible in h1" "$H" exec h1 -- test -e "/tmp/$marker"
check "file in h1's /tmp visible over ssh to h1" "$H" exec h2 -- ssh h1 test -e "/tmp/$marker"
check "file in h1's /tmp not visible in h2" "$H" exec h2 -- test ! -e "/tmp/$marker"
check "file in h1's /tmp not visible in root ns" test ! -e "/tmp/$marker"

# --- down / heal ------------------------------------------------------------
"$H" down h2
expect_eq "info h2 reports link=down" "link=down" bash -c '"$1" info h2 | grep "^link="' _ "$H"
t0=$(now_ms)
rc=0; "$H" exec h1 -- ssh -o ConnectTimeout=2 h2 true >/dev/null 2>&1 || rc=$?
t1=$(now_ms); el=$((t1 - t0))
if [[ $rc -ne 0 && $el -le 3500 && $el -ge 1500 ]]; then
    pass "down h2: ssh from h1 times out (${el} ms, rc=$rc)"
else
    fail "down h2: ssh from h1 times out" "rc=$rc after ${el} ms (want failure after ~2 s, not an instant refusal)"
fi
check "down h2: h3 still reaches h1" "$H" exec h3 -- ssh -o ConnectTimeout=5 h1 true
"$H" heal h2
expect_eq "heal h2: ssh from h1 works again" "h2" "$H" exec h1 -- ssh -o ConnectTimeout=5 h2 hostname

# --- tmux as a host user ------------------------------------------------------
expect_eq "tmux server via exec" "x" "$H" exec h1 -- bash -c \
    'tmux -L t new-session -d -s x && tmux -L t list-sessions -F "#{session_name}"'
expect_eq "same tmux server seen over ssh from h2" "x" "$H" exec h2 -- ssh h1 'tmux -L t list-sessions -F "#{session_name}"'
check "tmux socket not visible on h2" "$H" exec h2 -- bash -c '! tmux -L t list-sessions 2>/dev/null'

# --- scp ---------------------------------------------------------------------
"$H" exec h2 -- bash -c 'head -c 100000 /dev/urandom > /tmp/payload && sha256sum < /tmp/payload > /tmp/payload.sum'
want=$("$H" exec h2 -- cat /tmp/payload.sum)
expect_eq "scp h2:/tmp/payload -> h1:/tmp/x" "$want" "$H" exec h1 -- bash -c 'scp -q h2:/tmp/payload /tmp/x && sha256sum < /tmp/x'
expect_eq "scp (sftp) h1:/tmp/x -> h3:/tmp/y" "$want" "$H" exec h1 -- bash -c 'scp -q /tmp/x h3:/tmp/y && ssh h3 "sha256sum < /tmp/y"'
expect_eq "scp -O (legacy) h3:/tmp/y -> h1:/tmp/z" "$want" "$H" exec h1 -- bash -c 'scp -O -q h3:/tmp/y /tmp/z && sha256sum < /tmp/z'

# --- teardown ------------------------------------------------------------------
# A process left running by a host user must not survive teardown.
"$H" exec h3 -- bash -c 'nohup sleep 1000 >/dev/null 2>&1 &'

# Live (non-zombie) processes whose command line mentions the harness root,
# plus any live process owned by a uid that has no passwd entry any more.
leftover_procs() {
    local p state cmd
    for p in /proc/[0-9]*; do
        state=$(awk '/^State:/ {print $2}' "$p/status" 2>/dev/null) || continue
        [[ -z $state || $state == Z ]] && continue
        cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
        [[ $cmd == *"$AMH_ROOT"* ]] && echo "${p#/proc/}: $cmd"
    done
    return 0
}
uids_before=$(for h in h1 h2 h3; do "$H" info "$h" | sed -n 's/^uid=//p'; done | xargs)

check_clean() {
    local what=$1
    expect_eq "$what: no amh netns" "" bash -c 'ip netns list | grep "^amh-" || true'
    expect_eq "$what: no amh users" "" bash -c 'grep -E "^amh[0-9]+:|agent-mesh multihost harness" /etc/passwd /etc/group || true'
    expect_eq "$what: no harness sshd or other processes" "" leftover_procs
    expect_eq "$what: state and root dirs removed" "" bash -c 'ls -d "$AMH_STATE" "$AMH_ROOT" 2>/dev/null || true'
}

rc=0; out=$("$H" teardown 2>&1) || rc=$?
if [[ $rc -eq 0 && -z $out ]]; then pass "teardown (silent)"; else fail "teardown" "rc=$rc: $out"; fi
check_clean "after teardown"
stray=""
for u in $uids_before; do
    for p in /proc/[0-9]*; do
        st=$(awk '/^State:/ {s=$2} /^Uid:/ {u=$2} END {print s, u}' "$p/status" 2>/dev/null) || continue
        [[ $st == "S $u" || $st == "R $u" || $st == "D $u" || $st == "T $u" ]] && stray+=" ${p#/proc/}"
    done
done
expect_eq "after teardown: no processes of former host uids ($uids_before)" "" echo "$stray"

# --- up 10: timing + mesh reachability --------------------------------------
t0=$(now_ms)
rc=0; out=$("$H" up 10 2>&1) || rc=$?
t1=$(now_ms)
up10_ms=$((t1 - t0))
if [[ $rc -eq 0 ]]; then pass "up 10 in ${up10_ms} ms"; else fail "up 10" "rc=$rc: $out"; fi
if ((up10_ms > 15000)); then fail "up 10 took under 15 s" "${up10_ms} ms"; fi
expect_eq "h10: ssh h1 hostname" "h1" "$H" exec h10 -- ssh h1 hostname
expect_eq "h1: fan out to h1..h10" "h1 h2 h3 h4 h5 h6 h7 h8 h9 h10" "$H" exec h1 -- bash -c \
    'for i in $(seq 1 10); do ssh h$i hostname; done | xargs'

# Leftovers from a failed/partial up must be cleaned by the next up/teardown:
# simulate by killing one sshd and deleting one user's state file.
kill -KILL "$("$H" info h5 | sed -n 's/^sshd_pid=//p')"
rm -f "$AMH_STATE/hosts/h7.env"
t0=$(now_ms)
rc=0; out=$("$H" teardown 2>&1) || rc=$?
t1=$(now_ms)
if [[ $rc -eq 0 ]]; then pass "teardown of 10 (damaged) hosts in $((t1 - t0)) ms"; else fail "teardown of damaged hosts" "rc=$rc: $out"; fi
check_clean "after second teardown"

echo "timings: up 3: ${up3_ms} ms, up 10: ${up10_ms} ms"
echo "$passed passed, $failed failed"
((failed == 0))
