#!/bin/sh
# agent-mesh example: an operator notification from cron. Sends a short status report to
# one agent's tmux window with `notify-pane <address> -` (body read from stdin).
#
#   notify-status.sh <address> [command [args...]]
#
# With a command: runs it and sends "<command>: exit N" plus the last 20 lines of its
# output. Without: sends this host's uptime/load, disk use of $HOME, and the registry size.
# Exits with notify-pane's status (0 delivered, 2 unknown address, 3 recipient mid-prompt:
# refused, try again next run; 4 ssh/tmux failure).
#
# Example crontab lines (crontab -e):
#   */5 * * * * ~/agent-mesh/cron/notify-status.sh hub-ops-watch
#   0 3 * * *   ~/agent-mesh/cron/notify-status.sh hub-ops-watch /usr/local/bin/backup-db
#
# What cron does not give you, and how this script copes:
# - No tmux in the environment ($TMUX, $TMUX_PANE unset): notify-pane does not need them; it
#   talks to your tmux server on its default socket (/tmp/tmux-$UID/default). If your shell
#   sets TMUX_TMPDIR (or you run tmux -L/-S), set TMUX_TMPDIR (or notify-pane's TMUX_SOCKET)
#   at the top of your crontab.
# - A minimal PATH (/usr/bin:/bin): set below to include ~/bin (where install.sh puts
#   notify-pane) and /usr/local/bin; change AGENT_MESH_BIN if you installed with --prefix.
# - No locale: a tmux client without a UTF-8 locale escapes what notify-pane reads back
#   from tmux (it then fails with exit 4), so LC_CTYPE is set to C.UTF-8 below when no
#   UTF-8 locale is set.
# - No sender identity: notify-pane tags the message with $AGENT_NAME, set below to
#   "cron@<host>" unless you set it in the crontab.
set -eu

AGENT_MESH_BIN=${AGENT_MESH_BIN:-$HOME/bin}
PATH="$AGENT_MESH_BIN:/usr/local/bin:/usr/bin:/bin"
export PATH
case ${LC_ALL:-}${LC_CTYPE:-}${LANG:-} in
  *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) ;;
  *) unset LC_ALL; LC_CTYPE=C.UTF-8; export LC_CTYPE ;;
esac
AGENT_NAME=${AGENT_NAME:-cron@$(hostname -s 2>/dev/null || uname -n)}
export AGENT_NAME

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -ge 1 ] && exit 0
  exit 1
fi
address=$1
shift

report() {
  if [ $# -gt 0 ]; then
    out=$(mktemp)
    trap 'rm -f "$out"' EXIT
    code=0
    "$@" >"$out" 2>&1 || code=$?
    printf '%s: exit %s at %s\n' "$*" "$code" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    tail -n 20 "$out"
  else
    printf 'status of %s at %s\n' "$(hostname -s 2>/dev/null || uname -n)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'uptime: %s\n' "$(uptime)"
    df -h "$HOME" | awk 'NR==2 { print "disk " $6 ": " $5 " used, " $4 " free" }'
    if [ -r "$HOME/.agents/registry.toml" ]; then
      printf 'registry: %s agents\n' "$(grep -c '^\[agents\.' "$HOME/.agents/registry.toml" || true)"
    fi
  fi
}

report "$@" | notify-pane "$address" -
