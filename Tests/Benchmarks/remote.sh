#!/usr/bin/env bash
# Benchmark: remote delivery and registry sync across harness hosts (Tests/MultiHost), each
# against the floor of one `ssh <peer> true` measured in the same run, from inside host h1
# (hyperfine -N runs there as amh1, so both sides pay the same). Needs root; sets up 10
# harness hosts itself and tears them down on exit. Usage: sudo Tests/Benchmarks/remote.sh
# (RUNS=n to change the sample size; the cut-off case always runs 5 times).
source "$(dirname "$0")/lib.sh"
need_hyperfine
build_release
H="$BENCH_ROOT/Tests/MultiHost/harness.sh"
N=10
out=$("$H" up "$N") || { rc=$?; echo "$out"; exit "$rc"; }
trap '"$H" teardown' EXIT

home() { echo "/var/lib/amh-harness/home/amh${1#h}"; }
peers=$(for k in $(seq 1 $N); do echo "h$k"; done)
for k in $(seq 1 $N); do
  h=$(home "h$k"); mkdir -p "$h/.agents" "$h/bin"
  echo "h$k" >"$h/.agents/self.conf"; echo "$peers" >"$h/.agents/peers.conf"
  for b in notify-pane agent-register-hook agent-discover; do cp "$BIN/$b" "$h/bin/"; done
  chown -R "amh$k:" "$h/.agents" "$h/bin"
  "$H" exec "h$k" -- tmux new-session -d -s work -n sink -x 200 -y 50 'cat >/dev/null'
  # A raw sink: no per-program pause before Enter, so the numbers are the transport's.
  "$H" exec "h$k" -- tmux set-option -w -t work:0 @agent-enter-delay 0
  "$H" exec "h$k" -- "$h/bin/agent-discover" -q
done
"$H" exec h1 -- "$(home h1)/bin/agent-discover" -q --sync

# host_median <name> [--prepare CMD] <command…>: median ms of hyperfine -N run inside h1.
host_median() {
  local name=$1; shift
  local prepare=()
  if [ "${1:-}" = --prepare ]; then prepare=(--prepare "$2"); shift 2; fi
  local cmd; cmd=$(python3 -c 'import shlex,sys; print(shlex.join(sys.argv[1:]))' "$@")
  local runs=${BENCH_RUNS:-$RUNS} warm=${BENCH_WARMUP:-10}
  if ! "$H" exec h1 -- env ${BENCH_ENV:-} hyperfine -N --warmup "$warm" --runs "$runs" "${prepare[@]}" \
       --export-json /tmp/bench.json "$cmd" >/dev/null 2>/tmp/bench-remote.err; then
    echo "hyperfine failed for $name:" >&2; cat /tmp/bench-remote.err >&2; return 1
  fi
  "$H" exec h1 -- cat /tmp/bench.json |
    python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["results"][0]["median"]*1000))'
}

H1=$(home h1)
CP="ControlPath=$H1/.agents/ssh/%C"
kill_master="sh -c 'ssh -o $CP -O exit h2 2>/dev/null; true'"
kill_all="sh -c 'for p in $(echo $peers); do ssh -o $CP -O exit \$p 2>/dev/null; done; true'"

echo "remote delivery and sync, $N harness hosts, $(nproc) cores, $RUNS runs each (release build)"
cold=$(host_median cold-floor ssh -o ControlMaster=no -o ControlPath=none h2 true)
row "floor, cold: ssh h2 true (new connection)" "$cold"
send_cold=$(host_median send-cold --prepare "$kill_master" "$H1/bin/notify-pane" -q h2-work-sink "bench message")
row "notify-pane to h2, cold (no shared connection)" "$send_cold" "$(ratio "$send_cold" "$cold")x cold floor (target <= 1.3)"

"$H" exec h1 -- ssh -o ControlMaster=auto -o "$CP" -o ControlPersist=300s h2 true
warm=$(host_median warm-floor ssh -o ControlMaster=auto -o "$CP" h2 true)
row "floor, warm: ssh h2 true over the shared connection" "$warm"
send_warm=$(host_median send-warm "$H1/bin/notify-pane" -q h2-work-sink "bench message")
row "notify-pane to h2, warm (same shared connection)" "$send_warm" "$(ratio "$send_warm" "$warm")x warm floor (target <= 2)"

sync_warm=$(host_median sync-warm "$H1/bin/agent-discover" -q --sync)
row "agent-discover --sync, 9 peers, warm connections" "$sync_warm" "$(ratio "$sync_warm" "$cold")x cold floor (target <= 2), $(ratio "$sync_warm" "$warm")x warm floor"
sync_cold=$(BENCH_RUNS=20 BENCH_WARMUP=2 host_median sync-cold --prepare "$kill_all" "$H1/bin/agent-discover" -q --sync)
row "agent-discover --sync, 9 peers, all connections cold" "$sync_cold" "$(ratio "$sync_cold" "$cold")x cold floor"

# One of 3 peers cut off (h4 dropped right after it was reachable: its master is wedged on
# the first run, gone on later ones).
printf 'h1\nh2\nh3\nh4\n' >"$H1/.agents/peers.conf"
"$H" exec h1 -- "$H1/bin/agent-discover" -q --sync
"$H" down h4
for t in 1 5; do
  cut=$(BENCH_ENV="AGENT_MESH_CONNECT_TIMEOUT=$t" BENCH_RUNS=5 BENCH_WARMUP=1 host_median "cut-off-$t" "$H1/bin/agent-discover" -q --sync)
  row "agent-discover --sync, 3 peers, h4 cut off, connect timeout ${t} s" "$cut" "target <= $(( t * 1000 + 1000 )) ms"
done
start=$(date +%s%N)
rc=0; "$H" exec h1 -- "$H1/bin/notify-pane" -q h4-work-sink "to a dead host" >/dev/null 2>&1 || rc=$?
row "notify-pane to cut-off h4 (connect timeout 5 s), exit $rc" "$(( ($(date +%s%N) - start) / 1000000 ))" "target <= 6000 ms, exit 4"
"$H" heal h4
