#!/usr/bin/env bash
# What the durable records cost a local send: the outbox (intent first, outcome after), the
# receiving journal (claim before the paste, outcome after) and the loop guard's count.
#
# 1. A/B in one run, same tmux server, same `cat` pane, hyperfine -N, rounds interleaved:
#      before: notify-pane built from the last commit without ids/outbox/journal ($BASE;
#              default: the parent of the commit that added Durable/Journal.swift)
#      now   : notify-pane of this tree
#    Prints both medians and now/before (the issue's budget: the journal adds <= 10 %).
# 2. In-process breakdown (AGENT_MESH_TRACE=1, microsecond stamps): the median time of each
#    durable step of a send and its share of the whole send, so the journal's own part is
#    measured apart from the outbox and the guard.
#
# Asserts nothing. Needs git history (a full clone), hyperfine, python3, tmux. The base build
# is cached in .build-bench-base/ (git-ignored). Usage: Tests/Benchmarks/durable.sh
# (RUNS=n per round, default 200; ROUNDS=n, default 2; BASE=<commit>).
source "$(dirname "$0")/lib.sh"
need_hyperfine
build_release
ROUNDS=${ROUNDS:-2}
cd "$BENCH_ROOT"
JOURNAL_COMMIT=$(git log --diff-filter=A --format=%H -- Sources/AgentMesh/Delivery/Durable/Journal.swift | tail -1)
BASE=${BASE:-$(git rev-parse "$JOURNAL_COMMIT^")}
BASE_DIR=$BENCH_ROOT/.build-bench-base
if [ "$(cat "$BASE_DIR/commit" 2>/dev/null)" != "$BASE" ]; then
  rm -rf "$BASE_DIR/src"; git worktree prune
  mkdir -p "$BASE_DIR"
  git worktree add -q --detach "$BASE_DIR/src" "$BASE"
  echo "bench: building the base $(git log --format='%h %s' -1 "$BASE") (once)" >&2
  swift build -c release --static-swift-stdlib --package-path "$BASE_DIR/src" \
    --scratch-path "$BASE_DIR/build" >/dev/null
  echo "$BASE" >"$BASE_DIR/commit"
fi
OLD=$BASE_DIR/build/release
NEW=$BIN

scratch_home benchhost
tmux -L "$SOCK_NAME" -f /dev/null new-session -d -s bench -n catpane -x 200 -y 50 'cat >/dev/null'
SOCKET=$(tmux -L "$SOCK_NAME" display-message -p '#{socket_path}')
TMUX_SOCKET="$SOCKET" "$NEW/agent-register-hook" on bench
export TMUX_SOCKET="$SOCKET" AGENT_MESH_ENTER_DELAY=0 AGENT_NAME=bench
ADDR=$("$NEW/notify-pane" --list | head -1)
for b in "$OLD" "$NEW"; do
  "$b/notify-pane" -q "$ADDR" msg >/dev/null || { echo "bench: $b/notify-pane failed (exit $?)" >&2; exit 1; }
done

echo "durable-records bench: $RUNS runs x $ROUNDS rounds, $(tmux -V), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "before = $(git log --format='%h %s' -1 "$BASE")"
old_all=() new_all=()
for ((r = 1; r <= ROUNDS; r++)); do
  old_all+=("$(median_ms before "$OLD/notify-pane" -q "$ADDR" msg)")
  new_all+=("$(median_ms now "$NEW/notify-pane" -q "$ADDR" msg)")
done

# The breakdown: 100 traced sends, each step's duration from the stamps around it.
traces=$WORK/traces
for ((i = 0; i < 100; i++)); do
  AGENT_MESH_TRACE=1 "$NEW/notify-pane" -q "$ADDR" msg 2>>"$traces" >/dev/null
  echo "--" >>"$traces"
done

python3 - "$traces" "${old_all[*]}" "${new_all[*]}" <<'PY'
import re, statistics, sys
path, olds, news = sys.argv[1], list(map(float, sys.argv[2].split())), list(map(float, sys.argv[3].split()))
old, new = statistics.median(olds), statistics.median(news)
print(f"send before durable records: {old:7.3f} ms  (rounds: {', '.join('%.3f' % x for x in olds)})")
print(f"send now:                    {new:7.3f} ms  (rounds: {', '.join('%.3f' % x for x in news)})")
print(f"now / before:                {new / old:7.2f}x   (budget for the journal: <= 1.10x)")
# step name: (stamp that ends the step before it, stamp that ends the step)
steps = {
    "loop guard count":      ("registry read", "loop guard checked"),
    "outbox intent":         ("loop guard checked", "outbox: intent"),
    "journal claim":         ("journal: claiming", "journal: claimed"),
    "journal outcome":       ("verified", "journal: done"),
    "outbox outcome":        ("outbox: finishing", "outbox: finished"),
}
runs, cur = [], []
for line in open(path):
    if line.startswith("--"):
        runs.append(cur); cur = []; continue
    m = re.match(r"notify-pane: trace \+([0-9.]+)ms (.*)", line.strip())
    if m: cur.append((float(m.group(1)), m.group(2)))
durs = {k: [] for k in steps}; totals = []
for run in runs:
    if not run: continue
    totals.append(run[-1][0])
    names = [n for _, n in run]
    for k, (a, b) in steps.items():
        if b not in names: continue
        j = names.index(b)
        if a not in names: continue
        i = names.index(a)
        durs[k].append(run[j][0] - run[i][0])
total = statistics.median(totals)
print(f"in-process breakdown, median of {len(totals)} traced sends (whole send {total:.3f} ms from main):")
journal = 0.0
for k, v in durs.items():
    if not v: print(f"  {k:22s}    n/a"); continue
    m = statistics.median(v)
    if k.startswith("journal"): journal += m
    print(f"  {k:22s} {m:7.3f} ms  {100 * m / total:5.1f} %")
print(f"  {'journal, both steps':22s} {journal:7.3f} ms  {100 * journal / total:5.1f} % of the send")
PY
