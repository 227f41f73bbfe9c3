#!/usr/bin/env bash
# Stress the verify step where it can be fooled: a receiver that ignores Enter and one that
# echoes slowly, N runs each, under every tmux given. Counts false outcomes:
#   ignore-enter: anything but exit 5 (a 0 would be a false "delivered");
#   slow-echo:    anything but exit 0 with exactly one submission recorded.
# Usage: Tests/Stress/verify.sh [-n RUNS] [TMUX_BINARY…]
#   default RUNS=100; default binaries: ../shared/tmux/*/tmux when present, else tmux on PATH.
# Exit 1 when any false outcome was seen. Needs python3 and a built notify-pane
# (AGENT_MESH_BIN, else .build/debug).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=100
if [ "${1:-}" = -n ]; then RUNS=$2; shift 2; fi
BIN=${AGENT_MESH_BIN:-$ROOT/.build/debug}
[ -x "$BIN/notify-pane" ] || { echo "verify.sh: no notify-pane in $BIN (swift build)" >&2; exit 1; }
tmuxes=("$@")
if [ ${#tmuxes[@]} -eq 0 ]; then
  for t in "$ROOT"/../shared/tmux/*/tmux; do [ -x "$t" ] && tmuxes+=("$t"); done
  [ ${#tmuxes[@]} -gt 0 ] || tmuxes=("$(command -v tmux)")
fi

false_total=0
for tm in "${tmuxes[@]}"; do
  tmdir=$(cd "$(dirname "$tm")" && pwd)
  ver=$("$tm" -V)
  home=$(mktemp -d /tmp/am-stress.XXXXXX)
  sock="$home/tmux.sock"
  mkdir -p "$home/.agents"; echo stresshost > "$home/.agents/self.conf"
  export HOME="$home" TMUX_SOCKET="$sock" AGENT_NAME=stress AGENT_MESH_ENTER_DELAY=0
  unset TMUX TMUX_PANE
  # The tmux under test must be the one notify-pane finds (exec fallback and the hook).
  export PATH="$tmdir:$PATH"
  t() { "$tm" -S "$sock" -f /dev/null "$@"; }
  start() { # start <window> <recorder flags…>
    local w=$1; shift
    t kill-window -t "=st:$w" 2>/dev/null || true
    : > "$home/$w.out"
    t new-window -d -t "=st:" -n "$w" "python3 $ROOT/Tests/Fixtures/raw_recorder.py $home/$w.out $*"
    for _ in $(seq 100); do t capture-pane -p -t "=st:$w" 2>/dev/null | grep -q 'rec>' && break; sleep 0.02; done
    "$BIN/agent-register-hook" on st >/dev/null
  }
  t new-session -d -s st -n keep -x 120 -y 30 "sleep 100000"
  false_ignore=0; false_slow=0
  for i in $(seq "$RUNS"); do
    start ign --ignore-enter
    set +e; "$BIN/notify-pane" stresshost-st-ign "run $i: a message the program will not submit" >/dev/null 2>&1; rc=$?; set -e
    [ "$rc" -eq 5 ] || { false_ignore=$((false_ignore + 1)); echo "  $ver ignore-enter run $i: exit $rc" >&2; }
    start slow --slow-echo 3
    set +e; "$BIN/notify-pane" stresshost-st-slow "run $i: slowly echoed, submitted once" >/dev/null 2>&1; rc=$?; set -e
    sleep 0.3
    crs=$(tr -cd '\r' < "$home/slow.out" | wc -c)
    if [ "$rc" -ne 0 ] || [ "$crs" -ne 1 ]; then
      false_slow=$((false_slow + 1)); echo "  $ver slow-echo run $i: exit $rc, $crs Enter(s) recorded" >&2
    fi
  done
  t kill-server 2>/dev/null || true
  rm -rf "$home"
  printf '%-10s ignore-enter: %d/%d false   slow-echo: %d/%d false\n' "$ver" "$false_ignore" "$RUNS" "$false_slow" "$RUNS"
  false_total=$((false_total + false_ignore + false_slow))
done
[ "$false_total" -eq 0 ] || { echo "verify.sh: $false_total false outcome(s)" >&2; exit 1; }
echo "verify.sh: 0 false outcomes"
