#!/usr/bin/env bash
# Runs the libFuzzer targets (Tests/Fuzz/targets/<target>.swift) for MINUTES each (default 1),
# starting from the committed corpus, and reports crashes. Not run in CI: CI runs the seeded
# Swift tests (Tests/AgentMeshTests/FuzzTests.swift).
#
#   Tests/Fuzz/run.sh [-t MINUTES] [target …]      targets: remote-request toml pane-listing
#                                                  probe tmux-wire tmux-format (default: all)
#
# How it builds (Swift 6.3 on Linux): the AgentMesh sources are compiled once into a static
# library with coverage and AddressSanitizer (`-sanitize=fuzzer,address -enable-testing`), the
# CShims C file with clang's matching flags; each target is one file that `@testable import`s
# it and is linked with `-sanitize=fuzzer,address` (libFuzzer supplies main). Work happens in
# $FUZZ_WORK (default .build/fuzz): new inputs libFuzzer finds go to <work>/corpus/<target>,
# never into the committed corpus; a crash leaves <work>/crash-<target>-* — add it to
# Tests/Fuzz/corpus/<target>/ with the fix.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
minutes=1
if [ "${1:-}" = "-t" ]; then minutes=${2:-}; shift 2; fi
case $minutes in ''|*[!0-9]*|0) echo "usage: $0 [-t MINUTES (>= 1)] [target …]" >&2; exit 2 ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(remote-request toml pane-listing probe tmux-wire tmux-format)
work=${FUZZ_WORK:-$root/.build/fuzz}
mkdir -p "$work/lib"
flags=(-sanitize=fuzzer,address -O -g -swift-version 6 -parse-as-library)

# The library: rebuilt when any source is newer than it.
lib=$work/lib/libAgentMesh.a
if [ ! -f "$lib" ] || [ -n "$(find "$root/Sources/AgentMesh" "$root/Sources/CShims" -newer "$lib" -print -quit)" ]; then
    echo "building AgentMesh with -sanitize=fuzzer,address …"
    cat > "$work/lib/module.modulemap" <<MAP
module CShims {
    header "$root/Sources/CShims/include/CShims.h"
    export *
}
MAP
    clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I "$root/Sources/CShims/include" \
        "$root/Sources/CShims/shims.c" -o "$work/lib/shims.o"
    (cd "$work/lib" && swiftc "${flags[@]}" -enable-testing -module-name AgentMesh -I "$work/lib" \
        -emit-module -emit-library -static -o "$lib" \
        $(find "$root/Sources/AgentMesh" -name '*.swift' | sort) 2>&1 | grep -E 'error' || true)
    [ -f "$lib" ] || { echo "library build failed" >&2; exit 2; }
fi

failed=0
for t in "${targets[@]}"; do
    src=$root/Tests/Fuzz/targets/$t.swift
    [ -f "$src" ] || { echo "no target $t ($src)" >&2; exit 2; }
    bin=$work/$t
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$lib" -nt "$bin" ]; then
        swiftc "${flags[@]}" -I "$work/lib" -module-name "Fuzz_${t//-/_}" "$src" \
            "$lib" "$work/lib/shims.o" -o "$bin" 2>&1 | grep -E 'error' || true
        [ -x "$bin" ] || { echo "build of $t failed" >&2; exit 2; }
    fi
    mkdir -p "$work/corpus/$t"
    log=$work/$t.log
    echo "== $t: $minutes min"
    # -timeout: one input slower than 5 s is a hang; -max_len bounds the input size.
    if "$bin" -max_total_time=$((minutes * 60)) -timeout=5 -max_len=16384 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/crash-$t-" \
        "$work/corpus/$t" "$root/Tests/Fuzz/corpus/$t" > "$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo "?")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo "?")
        echo "   ok: $runs executions, ~$rate exec/s, coverage $cov edges, no crash (log $log)"
    else
        failed=1
        echo "   CRASH or hang — see $log:"
        grep -E 'ERROR|Fatal error|runtime failure|SUMMARY|Test unit written' "$log" | head -8 | sed 's/^/     /'
    fi
done
exit $failed
