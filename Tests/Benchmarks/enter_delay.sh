#!/usr/bin/env bash
# Measures which enter delay submits cleanly, per receiver: the evidence behind
# EnterDelayPolicy's defaults (0 for shells, 150 ms otherwise).
#
# For each receiver and delay, sends N messages with AGENT_MESH_ENTER_DELAY=<delay> and counts
# clean submissions: the message arrived as one submission with no newline in it (for the
# paste-burst receiver, which models Codex's rule: an Enter <= 120 ms after a burst of
# characters <= 8 ms apart becomes a newline), or notify-pane exited 0 without needing its
# second Enter (bash, python3 REPL, prompt_toolkit; seen in AGENT_MESH_TRACE's output).
# Usage: Tests/Benchmarks/enter_delay.sh [trials]   (BIN as in Tests/Benchmarks/send.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10}
source Tests/Benchmarks/lib.sh
find_bin
FIX=$(pwd)/Tests/Fixtures
scratch_home dhost
export AGENT_NAME=delay
t() { tmux -L "$SOCK_NAME" -f /dev/null "$@"; }
t new-session -d -s d -n burst -x 160 -y 40 "python3 $FIX/paste_burst.py $WORK/burst.txt"
t new-window -d -t '=d:' -n bash "env -i PATH=/usr/bin:/bin TERM=xterm PS1='bash\$ ' bash --norc --noprofile -i"
t new-window -d -t '=d:' -n py "env -i PATH=/usr/bin:/bin TERM=xterm python3 -q"
if python3 -c 'import prompt_toolkit' 2>/dev/null; then
  t new-window -d -t '=d:' -n ptk "python3 $FIX/ptk_prompt.py $WORK/ptk.txt"
fi
sleep 1.5
export TMUX_SOCKET=$(t display-message -p '#{socket_path}')
"$BIN/agent-register-hook" on d

clean_burst() {  # delay -> clean submissions out of N
  local ok=0 i
  for ((i = 0; i < N; i++)); do
    : > "$WORK/burst.txt"
    AGENT_MESH_ENTER_DELAY=$1 "$BIN/notify-pane" -q dhost-d-burst "burst trial $i" || true
    sleep 0.05
    grep -q '\\n' "$WORK/burst.txt" || { [ -s "$WORK/burst.txt" ] && ok=$((ok + 1)); }
  done
  echo "$ok"
}
clean_first_enter() {  # address delay -> sends that needed no second Enter
  local ok=0 i out
  for ((i = 0; i < N; i++)); do
    out=$(AGENT_MESH_ENTER_DELAY=$2 AGENT_MESH_TRACE=1 "$BIN/notify-pane" -q "$1" "x$i" 2>&1) || true
    case "$out" in *"second Enter"*) ;; *) ok=$((ok + 1)) ;; esac
    sleep 0.05
  done
  echo "$ok"
}
echo "clean submissions out of $N per delay (load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-22s' receiver; for d in 0 0.05 0.1 0.12 0.15; do printf '%8s' "${d}s"; done; echo
printf '%-22s' "paste-burst (Codex)"; for d in 0 0.05 0.1 0.12 0.15; do printf '%8s' "$(clean_burst $d)"; done; echo
for w in bash py ptk; do
  t has-session -t "=d:$w" 2>/dev/null || continue
  t list-windows -t =d -F '#W' | grep -qx "$w" || continue
  printf '%-22s' "$w"; for d in 0 0.15; do printf '%8s' "$(clean_first_enter dhost-d-$w $d)"; done; echo "   (0s, 0.15s)"
done
