#!/usr/bin/env bash
# Queue-to-delivery latency: a message queued behind a human draft (notify-pane --queue),
# then the draft is cleared; the time from the clear to the message's arrival at the
# receiver (a prompt_toolkit prompt recording each submission), RUNS times, median and max.
# Target (issue "Never lose a message"): median <= 1 s. Prints; asserts nothing.
# Usage: Tests/Benchmarks/queue.sh [runs]   (default 20; BIN= like the other benchmarks)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-20}
source Tests/Benchmarks/lib.sh
find_bin
python3 -c 'import prompt_toolkit' 2>/dev/null || { echo "bench: prompt_toolkit is required (pip install prompt_toolkit)" >&2; exit 1; }
scratch_home benchhost
out=$HOME/ptk.txt
tmux -L "$SOCK_NAME" -f /dev/null new-session -d -s bench -n ptk -x 200 -y 50 "python3 $BENCH_ROOT/Tests/Fixtures/ptk_prompt.py $out"
SOCKET=$(tmux -L "$SOCK_NAME" display-message -p '#{socket_path}')
export TMUX_SOCKET=$SOCKET AGENT_NAME=bench AGENT_MESH_ENTER_DELAY=0
for _ in $(seq 100); do tmux -S "$SOCKET" capture-pane -p -t =bench:0 | grep -q 'ptk>' && break; sleep 0.05; done
"$BIN/agent-register-hook" on bench
ADDR=$("$BIN/notify-pane" --list | head -1)
python3 - "$BIN" "$ADDR" "$SOCKET" "$out" "$RUNS" <<'PY'
import os, statistics, subprocess, sys, time
binary, addr, sock, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def tmux(*a): subprocess.run(["tmux", "-S", sock, *a], check=True)
def lines(): return open(out).read().splitlines() if os.path.exists(out) else []
lat = []
for k in range(runs):
    tmux("send-keys", "-t", "=bench:0", "-l", "a human draft")
    time.sleep(0.2)
    r = subprocess.run([binary + "/notify-pane", "--queue", addr, f"queued {k}"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("queued "), (r.returncode, r.stdout, r.stderr)
    time.sleep(0.5)
    before = len(lines())
    tmux("send-keys", "-t", "=bench:0", "C-u")
    t0 = time.monotonic()
    while len(lines()) <= before and time.monotonic() - t0 < 10: time.sleep(0.005)
    lat.append((time.monotonic() - t0) * 1000)
    time.sleep(0.3)
print(f"queue-to-delivery after the draft is cleared, {runs} runs: median {statistics.median(lat):.0f} ms, "
      f"max {max(lat):.0f} ms   (target: median <= 1000 ms)")
PY
