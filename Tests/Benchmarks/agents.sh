#!/usr/bin/env bash
# Delivery into the real Claude Code and Codex, timed where it counts: at the fake model
# server that receives the message (Tests/Benchmarks/agents_bench.py does the measuring).
# Per agent: notify-pane's latency (start → model received), median of N, against the way
# tmux-agent-comms sends (send-keys -l, sleep 0.4 s, send-keys Enter) in the same run; and the
# smallest enter delay at which N/N submit on the first Enter, for a bracketed paste (as
# notify-pane types) and for plain send-keys -l + Enter. Prints a table; asserts nothing.
# Usage: Tests/Benchmarks/agents.sh [claude|codex …]   (N=20; BIN as in send.sh; binaries from
# Tests/Agents/fetch-agents.sh, or AGENT_MESH_CLAUDE / AGENT_MESH_CODEX). About 5 min for both.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Tests/Benchmarks/lib.sh
find_bin
unset TMUX TMUX_PANE TMUX_SOCKET AGENT_NAME FORCE_SEND SKIP_DISMISS AGENT_MESH_ENTER_DELAY AGENT_MESH_TRACE
cache=${AGENT_MESH_AGENTS_CACHE:-$HOME/.cache/agent-mesh/agents}
agents=()
for a in "${@:-claude codex}"; do
  for agent in $a; do
    var=AGENT_MESH_${agent^^}
    case $agent in claude) bin=${!var:-$cache/claude-2.1.332/claude} ;; codex) bin=${!var:-$cache/codex-0.147.0/codex} ;;
      *) echo "agents.sh: unknown agent $agent" >&2; exit 1 ;; esac
    if [ -x "$bin" ]; then agents+=("$agent"); else echo "skipping $agent: $bin is missing (Tests/Agents/fetch-agents.sh)"; fi
  done
done
[ ${#agents[@]} -gt 0 ] || exit 0
echo "notify-pane: $BIN/notify-pane; $(tmux -V)"
exec python3 Tests/Benchmarks/agents_bench.py "$BIN" "${agents[@]}"
