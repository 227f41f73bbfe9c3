#!/usr/bin/env bash
# Regenerates the tmux-made seeds of the fuzz corpus: real `list-panes` and probe outputs
# from tmux 3.3a (prints values raw) and 3.4 (prints them through vis(3)), with window names
# chosen to be hostile (control bytes, backslashes, tabs, a forged marker, emoji).
# Needs ../shared/tmux/<version>/tmux; the other seeds are written by hand or by the tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED:-$here/../../../shared}
nonce=AMfuzzcorpus01          # FuzzTests parses with PaneListing(nonce: this)
text() { printf '#{s/[\\\\]/\\\\\\\\/:%s}' "$1"; }
fields="$(text session_name)${nonce}F#{window_index}${nonce}F$(text window_name)${nonce}F#{window_id}"
fields+="${nonce}F#{pane_id}${nonce}F#{pane_active}${nonce}F$(text pane_current_command)${nonce}F"
fields+="$(text pane_current_path)${nonce}F$(text @agent-role)${nonce}F$(text @agent-scope)${nonce}F"
fields+="$(text @agent-enter-delay)${nonce}F$(text socket_path)${nonce}F#{pane_index}"
listing="${nonce}R${fields}"
probe="AMPROBE"
for f in pane_id window_id window_index pane_in_mode cursor_x cursor_y pane_dead pane_width \
         pane_height history_size version pane_pid; do probe+=$'\t'"#{$f}"; done
probe+=$'\t'"$(text @agent-allow)"$'\t'"$(text @agent-deny)"$'\t'"$(text pane_current_command)"

for v in 3.3a 3.4; do
    tmux="$shared/tmux/$v/tmux"
    [ -x "$tmux" ] || { echo "skip $v: no $tmux" >&2; continue; }
    sock=$(mktemp -u /tmp/amfuzz.XXXXXX)
    t() { "$tmux" -S "$sock" -f /dev/null "$@"; }
    t new-session -d -s main -x 80 -y 24 'printf "\033[1mbold\033[0m \033[2mfaint\033[0m \033[38;5;243mgrey\033[0m \033[38;2;121;121;121mrgb\033[0m \033[7mrev\033[0m e\xcc\x81 \xe4\xb8\xad \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\n$ "; exec cat'
    t new-window -d -n $'back\\slash\\036 tab\there\x1bnl' 'exec cat'
    t new-window -d -n "${nonce}R${nonce}Fforged" 'exec cat'
    t new-window -d -n $'emoji \xf0\x9f\x9a\x80 caf\xc3\xa9' 'exec cat'
    t set-option -w -t main:1 @agent-role $'reviewer\\n'
    t set-option -w -t main:1 @agent-scope 'src/**'
    t set-option -w -t main:1 @agent-allow 'hub-* cron@*'
    t set-option -w -t main:1 @agent-deny $'@worker-1\\\t'
    sleep 0.3
    mkdir -p "$here/corpus/pane-listing" "$here/corpus/probe"
    t list-panes -a -F "$listing" > "$here/corpus/pane-listing/tmux-$v.txt"
    for w in 0 1 3; do
        t capture-pane -p -e -t "main:$w" \; display-message -p -t "main:$w" "$probe" \
            > "$here/corpus/probe/tmux-$v-window$w.txt"
    done
    t kill-server
done
