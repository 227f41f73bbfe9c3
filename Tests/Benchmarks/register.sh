#!/usr/bin/env bash
# Benchmark: agent-register-hook for a 10-window session against the floor of the tmux query
# it needs (one `list-panes -a`), measured in the same run; and cold start (--help) of each
# executable. Usage: Tests/Benchmarks/register.sh   (RUNS=n to change the sample size)
source "$(dirname "$0")/lib.sh"
need_hyperfine
build_release

scratch_home bench
work=$HOME sock_name=$SOCK_NAME
socket=/tmp/tmux-$(id -u)/$sock_name
tmux -L "$sock_name" -f /dev/null new-session -d -s bench -n w0
for i in $(seq 1 9); do tmux -L "$sock_name" new-window -d -t '=bench:' -n "w$i"; done
export TMUX_SOCKET=$socket
"$BIN/agent-register-hook" on bench

# The hook's own format (PaneListing): printable markers, text fields with backslashes doubled.
fmt=$(python3 - <<'PY'
fields = [("session_name",1),("window_index",0),("window_name",1),("window_id",0),("pane_id",0),("pane_active",0),
          ("pane_current_command",1),("pane_current_path",1),("@agent-role",1),("@agent-scope",1),
          ("@agent-enter-delay",1),("socket_path",1)]
f = lambda n, t: ("#{s/[\\\\]/\\\\\\\\/:%s}" % n) if t else "#{%s}" % n
print("AMabcdefghijklR" + "AMabcdefghijklF".join(f(n, t) for n, t in fields))
PY
)
echo "agent-register-hook, 10-window session, tmux $(tmux -V | cut -d' ' -f2), $(nproc) cores, $RUNS runs each"
floor=$(median_ms floor tmux -S "$socket" list-panes -a -F "$fmt")
row "floor: tmux list-panes -a (the one query the hook makes)" "$floor"
same=$(median_ms same "$BIN/agent-register-hook" on bench)
row "agent-register-hook on bench (nothing changed)" "$same" "$(ratio "$same" "$floor")x floor"
changed=$(median_ms changed --prepare "rm -f $work/.agents/local.toml" "$BIN/agent-register-hook" on bench)
row "agent-register-hook on bench (slice rewritten + registry)" "$changed" "$(ratio "$changed" "$floor")x floor"
echo "tmux client calls per hook run: 1 (list-panes -a for the whole server)"
echo
echo "cold start (--help), release build"
for b in notify-pane agent-register-hook agent-discover; do
  row "$b --help" "$(median_ms "$b" "$BIN/$b" --help)"
done
