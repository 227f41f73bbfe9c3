#!/usr/bin/env bash
# Runs send.sh and register.sh under each tmux release and prints one line per version with
# the ratios against that version's own floor (measured in the same run). Asserts nothing.
# Usage: Tests/Benchmarks/versions.sh [RUNS] [TMUX_BINARY…]
#   default: 100 runs; every ../shared/tmux/*/tmux when present, else the tmux on PATH.
# Targets (issue "Every tmux"): local send <= 2x its floor, hook <= 15 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-100}; shift || true
tmuxes=("$@")
if [ ${#tmuxes[@]} -eq 0 ]; then
  for t in ../shared/tmux/*/tmux; do [ -x "$t" ] && tmuxes+=("$t"); done
  [ ${#tmuxes[@]} -gt 0 ] || tmuxes=("$(command -v tmux)")
fi
printf '%-10s %12s %12s %10s %14s %14s\n' tmux "send ms" "floor ms" "send/floor" "hook same ms" "hook write ms"
for t in "${tmuxes[@]}"; do
  dir=$(cd "$(dirname "$t")" && pwd)
  ver=$("$t" -V | cut -d' ' -f2)
  send=$(PATH="$dir:$PATH" Tests/Benchmarks/send.sh "$RUNS" 2>&1)
  reg=$(PATH="$dir:$PATH" RUNS=$RUNS Tests/Benchmarks/register.sh 2>&1)
  s=$(echo "$send" | sed -n 's/^send .*: *\([0-9.]*\) ms .*/\1/p')
  f=$(echo "$send" | awk '/^floor /{print $(NF-1)}')
  r=$(echo "$send" | awk '/^send /{print $(NF-4)}')
  same=$(echo "$reg" | awk '/nothing changed/{print $(NF-3)}')
  write=$(echo "$reg" | awk '/slice rewritten/{print $(NF-3)}')
  printf '%-10s %12s %12s %10s %14s %14s\n' "$ver" "$s" "$f" "$r" "$same" "$write"
done
