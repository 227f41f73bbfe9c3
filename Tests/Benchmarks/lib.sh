# Shared helpers for the benchmark scripts (sourced). Requires hyperfine and python3.
set -euo pipefail
BENCH_USER_BIN=${BIN:-}   # the caller's BIN, for find_bin (BIN is set below)
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The binaries install.sh installs by default: release, static Swift runtime (.build-static).
BIN=${AGENT_MESH_BIN:-$BENCH_ROOT/.build-static/release}
RUNS=${RUNS:-200}

need_hyperfine() {
  command -v hyperfine >/dev/null || { echo "hyperfine is required: apt-get install hyperfine" >&2; exit 1; }
}

build_release() {
  if [ -z "${AGENT_MESH_BIN:-}" ]; then
    (cd "$BENCH_ROOT" && swift build -c release --static-swift-stdlib --scratch-path .build-static >/dev/null)
  fi
}

# median_ms <name> [--prepare CMD] <command…> : the median in milliseconds, measured by
# hyperfine without an intermediate shell (-N), so the floor and our tools pay the same.
median_ms() {
  local name=$1; shift
  local prepare=()
  if [ "${1:-}" = --prepare ]; then prepare=(--prepare "$2"); shift 2; fi
  local cmd; cmd=$(python3 -c 'import shlex,sys; print(shlex.join(sys.argv[1:]))' "$@")
  local json; json=$(mktemp)
  if ! hyperfine -N --warmup 20 --runs "$RUNS" "${prepare[@]}" --export-json "$json" "$cmd" >/dev/null 2>"$json.err"; then
    echo "hyperfine failed for $name:" >&2; cat "$json.err" >&2; rm -f "$json" "$json.err"; return 1
  fi
  rm -f "$json.err"
  python3 -c 'import json,sys; print("%.3f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$json"
  rm -f "$json"
}

# ratio <a> <b> : a / b with two decimals.
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

row() { printf '%-58s %10s ms  %s\n' "$1" "$2" "${3:-}"; }

# scratch_home ALIAS: a throw-away HOME ($WORK/home, self.conf naming ALIAS) and a private
# tmux server name ($SOCK_NAME); on exit the server is killed and $WORK removed. No tmux or
# agent-mesh variable of the caller's shell leaks in.
scratch_home() {
  WORK=$(mktemp -d /tmp/am-bench-XXXXXX)
  SOCK_NAME=am-bench-$$
  export HOME=$WORK/home
  mkdir -p "$HOME/.agents"
  echo "$1" >"$HOME/.agents/self.conf"
  trap 'tmux -L "$SOCK_NAME" kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT
  unset TMUX TMUX_PANE TMUX_SOCKET AGENT_NAME FORCE_SEND SKIP_DISMISS AGENT_MESH_ENTER_DELAY
}

# find_bin: sets BIN to the first folder holding notify-pane ($BIN as the caller had it before
# sourcing this file, else the static release build, the plain release build, the debug
# build) — for scripts that do not build.
find_bin() {
  BIN=$BENCH_USER_BIN
  if [ -z "${BIN:-}" ]; then
    for BIN in "$BENCH_ROOT/.build-static/release" "$BENCH_ROOT/.build/release" "$BENCH_ROOT/.build/debug"; do
      [ -x "$BIN/notify-pane" ] && break
    done
  fi
  BIN=$(cd "$BIN" && pwd)
  [ -x "$BIN/notify-pane" ] || { echo "bench: no notify-pane in $BIN (swift build -c release)" >&2; exit 1; }
}
