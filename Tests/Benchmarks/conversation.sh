#!/usr/bin/env bash
# Conversations: (1) notify-pane --ask to an agent that answers at once (a responder that
# runs notify-pane --reply as soon as it reads the line), against one plain send on the same
# path (target: ask <= 2x one send, as it is two sends); (2) a broadcast to N = 10 local agents
# against N single sends (target: <= N x one send). Medians of RUNS runs, measured in one run.
# Usage: Tests/Benchmarks/conversation.sh [runs]   (default 20; BIN= like the other benchmarks)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-20}
source Tests/Benchmarks/lib.sh
find_bin
scratch_home benchhost
t() { tmux -L "$SOCK_NAME" -f /dev/null "$@"; }
t new-session -d -s conv -n answers -x 200 -y 50 \
  "env HOME=$HOME AGENT_MESH_ENTER_DELAY=0 python3 $BENCH_ROOT/Tests/Fixtures/responder.py $BIN/notify-pane"
t new-window -d -t =conv: -n plain cat
for i in $(seq 1 10); do t new-window -d -t =conv: -n "cat$i" cat; done
SOCKET=$(t display-message -p '#{socket_path}')
export TMUX_SOCKET=$SOCKET AGENT_MESH_ENTER_DELAY=0
for _ in $(seq 100); do t capture-pane -p -t =conv:0 | grep -q 'responder ready' && break; sleep 0.05; done
"$BIN/agent-register-hook" on conv
printf '[conversation]\nmax_rate = 0\nmax_hops = 0\n' > "$HOME/.agents/config.toml"
python3 - "$BIN" "$RUNS" <<'PY'
import statistics, subprocess, sys, time
binary, runs = sys.argv[1] + "/notify-pane", int(sys.argv[2])
def timed(args, env=None):
    t0 = time.monotonic(); r = subprocess.run([binary] + args, capture_output=True, text=True); dt = time.monotonic() - t0
    assert r.returncode == 0, (args, r.returncode, r.stderr)
    return dt * 1000
send = statistics.median(timed(["-q", "benchhost-conv-plain", f"one send {k}"]) for k in range(runs))
ask = statistics.median(timed(["--ask", "--timeout", "30s", "benchhost-conv-answers", f"question {k}"]) for k in range(runs))
print(f"one send (cat pane):            {send:7.1f} ms")
print(f"--ask, answered at once:        {ask:7.1f} ms   ratio {ask / send:4.2f}x one send   (target <= 2x)")
single = statistics.median(sum(timed(["-q", f"benchhost-conv-cat{i}", "hello"]) for i in range(1, 11)) for _ in range(max(3, runs // 4)))
bc = statistics.median(timed(["-q", "benchhost-conv-cat*", "hello all"]) for _ in range(max(3, runs // 4)))
print(f"10 single sends (sum):          {single:7.1f} ms")
print(f"broadcast to the same 10:       {bc:7.1f} ms   ratio {bc / single:4.2f}x 10 sends   (target <= 1x)")
PY
