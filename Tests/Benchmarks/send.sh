#!/usr/bin/env bash
# Benchmarks notify-pane's local send against the floor of two bare tmux calls, in one run.
#
#   floor : tmux send-keys -t <pane> -l msg ; tmux send-keys -t <pane> Enter
#   send  : notify-pane -q <addr> msg   (AGENT_MESH_ENTER_DELAY=0, to a `cat` pane; includes
#           registry read, pane lock, probe, paste, Enter, verify)
#   whoami: notify-pane --whoami        (inside a registered pane: no tmux call)
#
# Prints medians and ratios (targets: send <= 2x floor, whoami <= 5 ms); asserts nothing.
# Uses hyperfine when installed (apt-get install hyperfine), else a timing loop.
# Usage: Tests/Benchmarks/send.sh [runs]   (BIN=<folder with notify-pane>; default: .build-static/release,
#        else .build/release, else .build/debug). For the numbers that matter build the
#        statically linked release first (Swift runtime start-up 1.8 ms instead of ~5 ms):
#        swift build -c release --static-swift-stdlib --build-path .build-static
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-200}
source Tests/Benchmarks/lib.sh
find_bin
command -v tmux >/dev/null || { echo "bench: tmux is not installed" >&2; exit 1; }

scratch_home benchhost

tmux -L "$SOCK_NAME" -f /dev/null new-session -d -s bench -n catpane -x 200 -y 50 cat
SOCKET=$(tmux -L "$SOCK_NAME" display-message -p '#{socket_path}')
PANE=$(tmux -L "$SOCK_NAME" display-message -p -t '=bench:0' '#{pane_id}')
TMUX_SOCKET="$SOCKET" "$BIN/agent-register-hook" on bench
ADDR=$("$BIN/notify-pane" --list | head -1)
[ -n "$ADDR" ] || { echo "bench: registration failed" >&2; exit 1; }

export TMUX_SOCKET="$SOCKET" AGENT_MESH_ENTER_DELAY=0 AGENT_NAME=bench
FLOOR="tmux -S $SOCKET send-keys -t $PANE -l msg; tmux -S $SOCKET send-keys -t $PANE Enter"
SEND="$BIN/notify-pane -q $ADDR msg"
WHOAMI="AGENT_NAME= TMUX_PANE=$PANE TMUX=$SOCKET,1,0 $BIN/notify-pane --whoami"

# Sanity: one real send must be delivered.
$SEND || { echo "bench: notify-pane failed (exit $?)" >&2; exit 1; }

# The floor and the send are measured in alternating rounds (ROUNDS, default 5, of
# RUNS/ROUNDS runs each), and each median is taken over all its rounds: a host whose speed
# drifts during the run (other tenants, page-cache reclaim) then slows both alike.
ROUNDS=${ROUNDS:-5}
PER_ROUND=$(( (RUNS + ROUNDS - 1) / ROUNDS ))

measure_round() {  # name command round -> appends this round's times (s) to $WORK/<name>.times
  local name=$1 cmd=$2 round=$3
  if command -v hyperfine >/dev/null; then
    hyperfine --style none --warmup 5 --runs "$PER_ROUND" --export-json "$WORK/$name.$round.json" "$cmd" >/dev/null 2>&1
    python3 -c 'import json,sys; print("\n".join(str(t) for t in json.load(open(sys.argv[1]))["results"][0]["times"]))' \
      "$WORK/$name.$round.json" >>"$WORK/$name.times"
  else
    local i t0 t1
    for ((i = 0; i < PER_ROUND; i++)); do
      t0=$(date +%s%N); bash -c "$cmd" >/dev/null; t1=$(date +%s%N)
      echo "$(( (t1 - t0) / 1000 ))e-6" >>"$WORK/$name.times"
    done
  fi
}

median_of() {  # name -> the median in ms over every round
  python3 -c 'import statistics,sys; print("%.2f" % (statistics.median(float(l) for l in open(sys.argv[1]) if l.strip())*1000))' "$WORK/$1.times"
}

echo "notify-pane bench: $RUNS runs each in $ROUNDS alternating rounds, binaries from $BIN, $(tmux -V), load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$(command -v hyperfine)" ] && echo "(hyperfine, shell start-up subtracted)" || echo "(timing loop; includes a bash start-up per run)"
for ((round = 1; round <= ROUNDS; round++)); do
  measure_round floor "$FLOOR" "$round"
  measure_round send "$SEND" "$round"
  measure_round whoami "$WHOAMI" "$round"
done
FLOOR_MS=$(median_of floor)
SEND_MS=$(median_of send)
WHOAMI_MS=$(median_of whoami)
python3 - "$FLOOR_MS" "$SEND_MS" "$WHOAMI_MS" <<'PY'
import sys
floor, send, whoami = map(float, sys.argv[1:])
print(f"floor  (send-keys -l msg; send-keys Enter): {floor:7.2f} ms")
print(f"send   (notify-pane, enter delay 0, cat):   {send:7.2f} ms   ratio {send / floor:4.2f}x floor   (target <= 2x)")
print(f"whoami (notify-pane --whoami):              {whoami:7.2f} ms   (target <= 5 ms)")
PY
