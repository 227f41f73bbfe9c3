#!/usr/bin/env bash
# Tests for install.sh, each as a fresh non-root user (useradd; home in a temp folder; a
# private tmux server; removed afterwards), with prebuilt binaries (install.sh --from), so
# nothing is compiled as the user:
#   A  fresh install: login-shell PATH, hooks live (a new window registered within 2 s),
#      crontab line, completion, second run is a no-op (files, modes, mtimes, crontab,
#      server hooks), uninstall leaves nothing but ~/.agents and ~/.agent-inbox
#   B  upgrade over a fake bash-tool install (its scripts, sync script, units, five
#      set-hook lines in ~/.tmux.conf and live index-[0] hooks in a running server)
#   C  symlinked ~/.tmux.conf written through, --prefix ~/.local/bin, the systemd branch
#      (with a stand-in systemctl), installed units verified by systemd-analyze
#   D  systemd-analyze verify on the unit files in systemd/
#
#   Tests/Install/run.sh [BIN_DIR]      (default: .build/release; built if missing)
#
# Needs root (useradd, runuser, crontab -u); without it every test is skipped with the
# reason. Prints "N passed, N failed, N skipped"; exits 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD

passed=0 failed=0 skipped=0
ok()   { passed=$((passed + 1)); printf 'ok   - %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL - %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/       /'; }
skip() { skipped=$((skipped + 1)); printf 'skip - %s: skipping: %s\n' "$1" "$2"; }
# check NAME COMMAND...: passes when the command exits 0; on failure shows its output.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$out"; fi
}
summary() {
  printf '\n%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
  [ "$failed" -eq 0 ]
}

if [ "$(id -u)" -ne 0 ]; then
  skip "install.sh tests" "they create throwaway users (useradd) and need root"
  summary; exit
fi
for tool in useradd userdel runuser su tmux crontab; do
  if ! command -v "$tool" >/dev/null; then
    skip "install.sh tests" "$tool is missing (Debian: apt-get install passwd util-linux tmux cron)"
    summary; exit
  fi
done

BIN=${1:-.build/release}
if [ ! -x "$BIN/agent-discover" ]; then
  echo "building release binaries (swift build -c release) ..."
  swift build -c release >/dev/null || { fail "swift build -c release"; summary; exit; }
fi
T=$(mktemp -d /tmp/am-install-test.XXXXXX)
chmod 755 "$T"
# What a user receives: the repo files install.sh reads, and the prebuilt binaries.
mkdir -p "$T/src" "$T/bin"
cp -r install.sh tmux systemd cron "$T/src/"
cp "$BIN/notify-pane" "$BIN/agent-register-hook" "$BIN/agent-discover" "$T/bin/"
chmod -R a+rX "$T/src" "$T/bin"
if grep -q 'libswiftCore' <<<"$(ldd "$T/bin/agent-discover")"; then   # not `ldd | grep -q`: SIGPIPE + pipefail
  echo "note: the binaries link the Swift runtime dynamically ($(ldd "$T/bin/agent-discover" | awk '/libswiftCore/ { print $3 }')); the test users need read access to it"
else
  echo "note: the binaries are statically linked against the Swift runtime"
fi
HOST=$(hostname -s)

USERS=()
cleanup() {
  local u
  for u in "${USERS[@]}"; do
    runuser -u "$u" -- env TMUX_TMPDIR="$T/tmux-$u" tmux kill-server 2>/dev/null
    crontab -r -u "$u" 2>/dev/null
    # The server (and a hook it started) may take a moment to exit; userdel refuses until then.
    for _ in $(seq 40); do pgrep -u "$u" >/dev/null || break; sleep 0.05; done
    userdel "$u" 2>/dev/null || echo "warning: could not remove test user $u (userdel $u by hand)" >&2
  done
  rm -rf "$T"
}
trap cleanup EXIT

# new_user SUFFIX: creates user amt<pid><suffix> with home $T/home-<suffix>; sets U, UH.
new_user() {
  U=amt$$$1
  UH=$T/home-$1
  useradd -M -d "$UH" -s /bin/bash "$U" || { fail "useradd $U"; summary; exit; }
  USERS+=("$U")
  mkdir -p "$UH" "$T/tmux-$U"
  chown "$U:" "$UH" "$T/tmux-$U"
  chmod 700 "$T/tmux-$U"
}
# as_user COMMAND: runs a bash command as $U with a clean environment and its own tmux socket folder.
as_user() {
  runuser -u "$U" -- env -i HOME="$UH" USER="$U" LOGNAME="$U" SHELL=/bin/bash \
    PATH="${EXTRA_PATH:+$EXTRA_PATH:}/usr/bin:/bin" TMUX_TMPDIR="$T/tmux-$U" ${USER_ENV:-} \
    bash -c "cd ~ && $1"
}
install_as_user() { as_user "$T/src/install.sh --from $T/bin $*"; }

# Everything install.sh could change, with mtimes (the no-op test); agent-discover's data
# files are left out (it rewrites them on every run by design).
snapshot_full() {
  (cd "$UH" && find . \( -path ./.agents/local.toml -o -path ./.agents/registry.toml -o -path ./.agents/locks \
      -o -path ./.agents/log -o -path ./.agents/peers -o -path ./.agents/ssh -o -path ./.agents \) -prune \
      -o -printf '%p %y %m %s %T@ %l\n' | sort)
  find "$UH/.agents" -maxdepth 1 -type f \( -name '*.conf' \) -printf '%p %m %s %T@\n' | sort
  (cd "$UH" && find . -type f ! -path './.agents/*' -exec md5sum {} + | sort)
  echo "crontab:"; crontab -l -u "$U" 2>&1
  stat -c 'spool %Y' "/var/spool/cron/crontabs/$U" 2>/dev/null
  echo "hooks:"; as_user 'tmux show-hooks -g 2>/dev/null; tmux show-hooks -gw 2>/dev/null'
}
# Names, types, modes and contents, without mtimes and without the user's data (the uninstall test).
snapshot_trace() {
  (cd "$UH" && find . \( -path ./.agents -o -path ./.agent-inbox \) -prune -o -printf '%p %y %m %l\n' | sort)
  (cd "$UH" && find . \( -path ./.agents -o -path ./.agent-inbox \) -prune -o -type f -exec md5sum {} + | sort)
  echo "crontab:"; crontab -l -u "$U" 2>&1
}

# wait_registered NAME [ms]: waits until ~/.agents/local.toml mentions NAME; prints elapsed ms.
wait_registered() {
  local start now
  start=$(date +%s%N)
  while true; do
    if grep -q -- "$1" "$UH/.agents/local.toml" 2>/dev/null; then
      now=$(date +%s%N); echo "$(( (now - start) / 1000000 ))"; return 0
    fi
    now=$(date +%s%N)
    [ $(( (now - start) / 1000000 )) -lt "${2:-2000}" ] || return 1
    sleep 0.05
  done
}
wait_unregistered() {
  local i
  for i in $(seq 40); do
    grep -q -- "$1" "$UH/.agents/local.toml" 2>/dev/null || return 0
    sleep 0.05
  done
  return 1
}

# The login-shell check: `su - user -c 'command -v notify-pane'`.
login_which() { su - "$U" -c 'command -v notify-pane' 2>&1; }

# ======================================================================================
echo "== A: fresh install, no-op second run, uninstall (user amt$$a)"
new_user a
cat >"$UH/.tmux.conf" <<'EOF'
# my tmux settings
set -g mouse on
set-hook -g 'session-created[5]' 'set -g @mine yes'
EOF
chown "$U:" "$UH/.tmux.conf"
before_trace=$(snapshot_trace)
tmux_conf_before=$(cat "$UH/.tmux.conf")

check "A: runs as $U under a clean environment" as_user "$T/bin/agent-discover --version"
if out=$(install_as_user 2>&1); then ok "A: install.sh exits 0"; else fail "A: install.sh exits 0" "$out"; fi
check "A: notify-pane is on PATH in a login shell" test "$(login_which)" = "$UH/bin/notify-pane"
check "A: agent-self-identify -> agent-register-hook" test "$(readlink "$UH/bin/agent-self-identify")" = agent-register-hook
check "A: self.conf seeded with hostname -s" test "$(cat "$UH/.agents/self.conf")" = "$HOST"
check "A: peers.conf lists this host only" test "$(grep -v '^#' "$UH/.agents/peers.conf")" = "$HOST"
check "A: ~/.tmux.conf keeps the user's lines and has one managed block" bash -c "
  grep -qx 'set -g mouse on' '$UH/.tmux.conf' && test \$(grep -c '^# >>> agent-mesh >>>' '$UH/.tmux.conf') = 1 &&
  grep -qx 'source-file -q ~/.agents/tmux-hooks.conf' '$UH/.tmux.conf'"
check "A: the resync line is in the crontab (no user systemd here)" bash -c "crontab -l -u $U | grep -qx '\\*/5 \\* \\* \\* \\* LC_CTYPE=C.UTF-8 ~/bin/agent-discover -q'"
check "A: first agent-discover ran (registry.toml exists)" test -f "$UH/.agents/registry.toml"

# Hooks live: a tmux server started after the install, with the user's ~/.tmux.conf.
as_user 'tmux new-session -d -s work -n main && tmux new-window -d -t work -n probe'
if ms=$(wait_registered 'probe'); then ok "A: a new window is registered by the hooks (${ms} ms)"
else fail "A: a new window is registered by the hooks within 2 s" "$(cat "$UH/.agents/local.toml" 2>&1; cat "$UH/.agents/log/hook.log" 2>&1)"; fi
check "A: the user's own hook survives next to ours" bash -c "
  h=\$(runuser -u $U -- env TMUX_TMPDIR=$T/tmux-$U tmux show-hooks -g session-created)
  grep -qF 'session-created[5]' <<<\"\$h\" && grep -qF 'session-created[73]' <<<\"\$h\""
as_user 'tmux kill-window -t work:probe'
check "A: a closed window leaves the registry" wait_unregistered 'probe'

# The crontab line as cron runs it: sh -c, HOME set, PATH=/usr/bin:/bin, no locale, no tmux
# variables (TMUX_TMPDIR only points at this test's private server). It must keep the windows.
cron_cmd=$(crontab -l -u "$U" | grep agent-discover | cut -d' ' -f6-)
windows_before=$(grep -c '^\[agents\.' "$UH/.agents/local.toml")
check "A: the crontab command run as cron would keeps every window registered" bash -c "
  runuser -u $U -- env -i HOME=$UH PATH=/usr/bin:/bin TMUX_TMPDIR=$T/tmux-$U SHELL=/bin/sh sh -c '$cron_cmd' &&
  test \$(grep -c '^\[agents\.' $UH/.agents/local.toml) = $windows_before && test $windows_before -gt 0"

snap1=$(snapshot_full)
out=$(install_as_user 2>&1)
snap2=$(snapshot_full)
check "A: second run says nothing changed" grep -q 'already installed: nothing changed' <<<"$out"
check "A: second run changes no file, mode, mtime, crontab or server hook" diff <(echo "$snap1") <(echo "$snap2")

# Completion: addresses from `notify-pane --list`, or registry.toml when that fails.
as_user 'tmux new-window -d -t work -n compl'
wait_registered 'compl' >/dev/null
for i in $(seq 40); do grep -q compl "$UH/.agents/registry.toml" && break; sleep 0.05; done
complete_words() { as_user ". ~/.local/share/bash-completion/completions/notify-pane; COMP_WORDS=(notify-pane ''); COMP_CWORD=1; _notify_pane; printf '%s\n' \"\${COMPREPLY[@]}\" | sort"; }
from_list=$(as_user '~/bin/notify-pane --list 2>/dev/null | awk "NF { print \$1 }" | sort')
from_registry=$(sed -n 's/^\[agents\.\(.*\)\][[:space:]]*$/\1/p' "$UH/.agents/registry.toml" | tr -d '"' | sort)
check "A: registry.toml has the compl window" grep -q compl <<<"$from_registry"
if [ -n "$from_list" ]; then
  check "A: bash completion offers notify-pane --list's addresses" test "$(complete_words)" = "$from_list"
else
  skip "A: bash completion from notify-pane --list" "notify-pane --list printed nothing"
fi
as_user 'mv ~/bin/notify-pane ~/bin/notify-pane.away'
check "A: bash completion falls back to registry.toml's addresses" test "$(complete_words)" = "$from_registry"
as_user 'mv ~/bin/notify-pane.away ~/bin/notify-pane'
check "A: --print-completion bash matches the installed file" diff <(as_user "$T/src/install.sh --print-completion bash") "$UH/.local/share/bash-completion/completions/notify-pane"
check "A: the installed agent profiles are the shipped file" diff <(cat "Sources/AgentMesh/Profiles/agent-profiles.toml"; echo) "$UH/.local/share/agent-mesh/agent-profiles.toml"
check "A: bash completion parses (bash -n)" bash -n "$UH/.local/share/bash-completion/completions/notify-pane"
if command -v zsh >/dev/null; then
  check "A: zsh completion parses (zsh -n)" zsh -n "$UH/.local/share/zsh/site-functions/_notify-pane"
else
  skip "A: zsh completion parses" "zsh is not installed"
fi

# cron/notify-status.sh from a cron-like environment: no TMUX, PATH=/usr/bin:/bin.
if grep -qx stub <<<"$from_list"; then
  skip "A: cron/notify-status.sh delivers with no tmux in its environment" "notify-pane is still a stub on this branch"
else
  as_user 'tmux new-window -d -t work -n ops cat'
  wait_registered 'ops' >/dev/null
  for i in $(seq 40); do grep -q ops "$UH/.agents/registry.toml" && break; sleep 0.05; done
  addr=$(sed -n 's/^\[agents\.\(.*ops\)\][[:space:]]*$/\1/p' "$UH/.agents/registry.toml" | tr -d '"' | head -n1)
  check "A: cron/notify-status.sh delivers with no tmux in its environment" bash -c "
    runuser -u $U -- env -i HOME=$UH PATH=/usr/bin:/bin TMUX_TMPDIR=$T/tmux-$U sh $T/src/cron/notify-status.sh '$addr' &&
    sleep 0.5 && runuser -u $U -- env TMUX_TMPDIR=$T/tmux-$U tmux capture-pane -p -t work:ops | grep -q '\[from cron@'"
fi

if out=$(as_user "$T/src/install.sh --uninstall" 2>&1); then ok "A: --uninstall exits 0"; else fail "A: --uninstall exits 0" "$out"; fi
check "A: uninstall leaves no trace but ~/.agents and ~/.agent-inbox" diff <(echo "$before_trace") <(snapshot_trace)
check "A: ~/.tmux.conf is byte-identical to the user's" test "$(cat "$UH/.tmux.conf")" = "$tmux_conf_before"
check "A: the user's data is kept" test -s "$UH/.agents/self.conf" -a -s "$UH/.agents/registry.toml" -a -d "$UH/.agent-inbox"
check "A: the running server has no agent-register-hook left, the user's hook stays" bash -c "
  h=\$(runuser -u $U -- env TMUX_TMPDIR=$T/tmux-$U tmux show-hooks -g; runuser -u $U -- env TMUX_TMPDIR=$T/tmux-$U tmux show-hooks -gw)
  ! grep -q agent-register-hook <<<\"\$h\" && grep -qF 'session-created[5]' <<<\"\$h\""
check "A: a second uninstall has nothing to remove" bash -c "$(declare -f as_user); U=$U UH=$UH T=$T; as_user '$T/src/install.sh --uninstall' | grep -q 'nothing to remove'"

# ======================================================================================
echo "== B: upgrade over the bash tool (user amt$$b)"
new_user b
as_user '
  mkdir -p bin scripts .config/systemd/user .agents .agent-inbox/hub-dev-build
  for b in notify-pane agent-register-hook agent-discover agent-self-identify; do
    printf "#!/usr/bin/env bash\n# bash tool %s\nexit 0\n" "$b" > bin/$b; chmod 755 bin/$b
  done
  printf "#!/usr/bin/env bash\n# bash tool sync\necho synced\n" > scripts/sync-agent-registry.sh; chmod 755 scripts/sync-agent-registry.sh
  printf "[Unit]\nDescription=agent-mesh resync\n[Service]\nType=oneshot\nExecStart=%%h/scripts/sync-agent-registry.sh\n" > .config/systemd/user/agent-resync.service
  printf "[Timer]\nOnCalendar=*:0/5\n[Install]\nWantedBy=timers.target\n" > .config/systemd/user/agent-resync.timer
  echo hub > .agents/self.conf
  printf "hub\nworker-1\n" > .agents/peers.conf
  printf "[agents.worker-1-dev-x]\nhost = \"worker-1\"\n" > .agents/peers-note.txt
  echo "hello" > .agent-inbox/hub-dev-build/note.txt
  cat > .tmux.conf <<"EOF"
set -g history-limit 50000
# agent-mesh hooks
set-hook -g session-created  "run-shell -b '"'"'~/bin/agent-register-hook on  #{session_name}'"'"'"
set-hook -g session-closed   "run-shell -b '"'"'~/bin/agent-register-hook off #{hook_session_name}'"'"'"
set-hook -g window-linked    "run-shell -b '"'"'~/bin/agent-register-hook on  #{session_name}'"'"'"
set-hook -g window-unlinked  "run-shell -b '"'"'~/bin/agent-register-hook on  #{hook_session_name}'"'"'"
set-hook -g window-renamed   "run-shell -b '"'"'~/bin/agent-register-hook on  #{session_name}'"'"'"
set-hook -g pane-exited "set -g @user-pane-exited 1"
EOF'
check "B: the fake bash-tool ~/.tmux.conf loads (five hooks at [0])" bash -c "
  $(declare -f as_user); U=$U UH=$UH T=$T
  as_user 'tmux new-session -d -s dev -n build && tmux show-hooks -g && tmux show-hooks -gw' | grep -c '\[0\].*agent-register-hook' | grep -qx 5"
if out=$(install_as_user 2>&1); then ok "B: install.sh over the bash tool exits 0"; else fail "B: install.sh over the bash tool exits 0" "$out"; fi
check "B: ~/bin scripts replaced by the binaries, originals backed up" bash -c "
  for b in notify-pane agent-register-hook agent-discover; do
    ! head -c2 $UH/bin/\$b | grep -q '#!' && grep -q 'bash tool' $UH/.agents/bash-tool-backup/bin/\$b || exit 1
  done
  test \"\$(readlink $UH/bin/agent-self-identify)\" = agent-register-hook"
check "B: ~/.tmux.conf: the five set-hook lines replaced by one block, other lines kept" bash -c "
  ! grep -E '^[[:space:]]*set-hook.*agent-register-hook' $UH/.tmux.conf &&
  grep -qx 'set -g history-limit 50000' $UH/.tmux.conf && grep -qF 'set-hook -g pane-exited' $UH/.tmux.conf &&
  test \$(grep -c '^# >>> agent-mesh >>>' $UH/.tmux.conf) = 1 && test -f $UH/.agents/bash-tool-backup/tmux.conf"
hooks=$(as_user 'tmux show-hooks -g; tmux show-hooks -gw')
check "B: running server: old [0] agent hooks gone, ours at [73], the user's [0] hook kept" bash -c "
  h=\$(cat); ! grep -q '\[0\].*agent-register-hook' <<<\"\$h\" && grep -qF 'window-renamed[73]' <<<\"\$h\" &&
  grep -qF 'pane-exited[0]' <<<\"\$h\"" <<<"$hooks"
check "B: sync-agent-registry.sh is a shim that runs agent-discover" bash -c "
  $(declare -f as_user); U=$U UH=$UH T=$T
  grep -q 'exec .*agent-discover' $UH/scripts/sync-agent-registry.sh && as_user '~/scripts/sync-agent-registry.sh' | grep -q '^agent-discover: hub:' &&
  grep -q 'bash tool sync' $UH/.agents/bash-tool-backup/scripts/sync-agent-registry.sh"
check "B: the bash tool's units are moved to the backup (cron took over)" bash -c "
  test ! -e $UH/.config/systemd/user/agent-resync.timer && test -f $UH/.agents/bash-tool-backup/systemd/agent-resync.timer"
check "B: self.conf, peers.conf and the inbox are kept" bash -c "
  test \"\$(cat $UH/.agents/self.conf)\" = hub && grep -qx worker-1 $UH/.agents/peers.conf && test -s $UH/.agent-inbox/hub-dev-build/note.txt"
check "B: the running window stays registered through install and shim runs without a locale" \
  bash -c "grep -q '^window = \"build\"' $UH/.agents/local.toml || { cat $UH/.agents/local.toml; exit 1; }"
as_user 'tmux new-window -d -t dev -n probe2'
if ms=$(wait_registered 'probe2'); then ok "B: after the upgrade a new window is registered (${ms} ms)"
else fail "B: after the upgrade a new window is registered within 2 s" "$(cat "$UH/.agents/local.toml" 2>&1)"; fi
check "B: exactly one registration per window (no second set of hooks)" bash -c "
  test \$(grep -c 'probe2' $UH/.agents/local.toml | head -n1) -ge 1 && test \$(runuser -u $U -- env TMUX_TMPDIR=$T/tmux-$U tmux show-hooks -g window-linked | grep -c agent-register-hook) = 1"
snap1=$(snapshot_full); install_as_user >/dev/null 2>&1; snap2=$(snapshot_full)
check "B: a second run after the upgrade changes nothing" diff <(echo "$snap1") <(echo "$snap2")
as_user "$T/src/install.sh --uninstall" >/dev/null 2>&1
check "B: uninstall removes the shim and keeps the data and the backups" bash -c "
  test ! -e $UH/scripts/sync-agent-registry.sh && test \"\$(cat $UH/.agents/self.conf)\" = hub &&
  test -s $UH/.agent-inbox/hub-dev-build/note.txt && test -d $UH/.agents/bash-tool-backup"

# ======================================================================================
echo "== C: symlinked ~/.tmux.conf, --prefix ~/.local/bin, systemd branch (user amt$$c)"
new_user c
as_user 'mkdir -p dotfiles && printf "set -g status-left x\n" > dotfiles/tmux.conf && ln -s dotfiles/tmux.conf .tmux.conf'
before_trace=$(snapshot_trace)
# A stand-in systemctl: `systemctl --user` "works"; enable/disable flip a state file.
mkdir -p "$T/fakebin" "$T/fakestate"
chmod 1777 "$T/fakestate"
cat >"$T/fakebin/systemctl" <<EOF
#!/bin/sh
echo "\$*" >> "$T/fakestate/systemctl.log"
state="$T/fakestate/enabled"
case "\$*" in
  "--user show-environment") exit 0 ;;
  "--user is-enabled agent-resync.timer") if [ -e "\$state" ]; then echo enabled; else echo disabled; exit 1; fi ;;
  "--user is-active --quiet agent-resync.timer") [ -e "\$state" ] ;;
  "--user enable --now agent-resync.timer") touch "\$state" ;;
  "--user disable --now agent-resync.timer") rm -f "\$state" ;;
esac
exit 0
EOF
chmod 755 "$T/fakebin/systemctl"
export EXTRA_PATH=$T/fakebin
if out=$(install_as_user --prefix '~/.local/bin' 2>&1); then ok "C: install.sh --prefix ~/.local/bin exits 0"; else fail "C: install.sh --prefix ~/.local/bin exits 0" "$out"; fi
check "C: ~/.tmux.conf is still a symlink; its target got the block" bash -c "
  test -L $UH/.tmux.conf && grep -qx 'set -g status-left x' $UH/dotfiles/tmux.conf && grep -qF '# >>> agent-mesh >>>' $UH/dotfiles/tmux.conf"
check "C: notify-pane is on PATH in a login shell (~/.local/bin)" test "$(login_which)" = "$UH/.local/bin/notify-pane"
check "C: the installed hooks call ~/.local/bin/agent-register-hook" bash -c "
  grep -q '~/.local/bin/agent-register-hook' $UH/.agents/tmux-hooks.conf && ! grep -q '~/bin/' $UH/.agents/tmux-hooks.conf"
check "C: systemd units installed with ExecStart=%h/.local/bin/agent-discover -q" \
  grep -qx 'ExecStart=%h/.local/bin/agent-discover -q' "$UH/.config/systemd/user/agent-resync.service"
check "C: the timer was enabled, and no crontab line was added" bash -c "
  grep -qx -- '--user enable --now agent-resync.timer' $T/fakestate/systemctl.log && ! crontab -l -u $U 2>/dev/null | grep -q agent-discover"
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$T/rt-$U"; chown "$U:" "$T/rt-$U"; chmod 700 "$T/rt-$U"
  check "C: systemd-analyze --user verify accepts the installed units" runuser -u "$U" -- env -i HOME="$UH" \
    XDG_RUNTIME_DIR="$T/rt-$U" PATH=/usr/bin:/bin systemd-analyze --user verify \
    "$UH/.config/systemd/user/agent-resync.service" "$UH/.config/systemd/user/agent-resync.timer"
else
  skip "C: systemd-analyze verify on the installed units" "systemd-analyze is not installed"
fi
as_user 'tmux new-session -d -s web -n main && tmux new-window -d -t web -n probe3'
if ms=$(wait_registered 'probe3'); then ok "C: hooks live with --prefix (${ms} ms)"
else fail "C: hooks live with --prefix within 2 s" "$(cat "$UH/.agents/local.toml" 2>&1)"; fi
: >"$T/fakestate/systemctl.log"
snap1=$(snapshot_full); install_as_user --prefix '~/.local/bin' >/dev/null 2>&1; snap2=$(snapshot_full)
check "C: a second run changes nothing and does not re-enable the timer" bash -c "
  diff <(echo \"\$1\") <(echo \"\$2\") && ! grep -q -- '^--user enable' $T/fakestate/systemctl.log" _ "$snap1" "$snap2"
if out=$(as_user "$T/src/install.sh --uninstall --prefix ~/.local/bin" 2>&1); then ok "C: --uninstall --prefix exits 0"; else fail "C: --uninstall --prefix exits 0" "$out"; fi
check "C: uninstall disabled the timer" grep -qx -- '--user disable --now agent-resync.timer' "$T/fakestate/systemctl.log"
check "C: uninstall leaves no trace; the symlink and its target are as before" diff <(echo "$before_trace") <(snapshot_trace)
unset EXTRA_PATH

# ======================================================================================
echo "== D: unit files in systemd/"
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$T/verify/bin" "$T/verify/rt"; chmod 700 "$T/verify/rt"
  cp "$T/bin/agent-discover" "$T/verify/bin/"
  check "D: systemd-analyze --user verify accepts systemd/agent-resync.{service,timer}" \
    env HOME="$T/verify" XDG_RUNTIME_DIR="$T/verify/rt" systemd-analyze --user verify \
    "$REPO/systemd/agent-resync.service" "$REPO/systemd/agent-resync.timer"
  check "D: the timer runs every 5 minutes" grep -qx 'OnCalendar=\*:0/5' "$REPO/systemd/agent-resync.timer"
else
  skip "D: systemd-analyze verify" "systemd-analyze is not installed"
fi
check "D: cron/agent-resync.cron has the every-5-minutes line" grep -qx '\*/5 \* \* \* \* LC_CTYPE=C.UTF-8 ~/bin/agent-discover -q' "$REPO/cron/agent-resync.cron"
check "D: cron/notify-status.sh parses (sh -n)" sh -n "$REPO/cron/notify-status.sh"

# ======================================================================================
echo "== F: an empty home, --scheduler none, run as \`sh install.sh\` (user amt$$f)"
new_user f
if out=$(as_user "sh $T/src/install.sh --from $T/bin --scheduler none" 2>&1); then ok "F: sh install.sh --scheduler none exits 0"; else fail "F: sh install.sh --scheduler none exits 0" "$out"; fi
check "F: a new ~/.tmux.conf holds just the managed block" bash -c "
  test \"\$(head -n1 $UH/.tmux.conf)\" = '# >>> agent-mesh >>>' && test \"\$(tail -n1 $UH/.tmux.conf)\" = '# <<< agent-mesh <<<' && test \$(wc -l < $UH/.tmux.conf) = 4"
check "F: --scheduler none adds no crontab line and no units" bash -c "
  ! crontab -l -u $U 2>/dev/null | grep -q agent-discover && test ! -e $UH/.config/systemd"
as_user "$T/src/install.sh --uninstall" >/dev/null 2>&1
check "F: after uninstall only ~/.agents and ~/.agent-inbox are left" test "$(ls -A "$UH" | tr '\n' ' ')" = ".agent-inbox .agents "

# ======================================================================================
echo "== E: prerequisites and usage errors (one line each, nothing written)"
mkdir -p "$T/minpath" "$T/oldtmux" "$T/home-e"
for f in /usr/bin/* /bin/*; do
  case ${f##*/} in tmux|ssh|swift) continue ;; esac
  [ -e "$T/minpath/${f##*/}" ] || ln -s "$f" "$T/minpath/${f##*/}"
done
err=$(env -i HOME="$T/home-e" PATH="$T/minpath" bash "$T/src/install.sh" 2>&1 >/dev/null); code=$?
check "E: missing tools: exit 2" test "$code" = 2
check "E: missing tools: one line each for tmux, ssh and swift, saying how to get them" bash -c '
  grep -q "^install.sh: error: tmux is missing: .*apt-get install tmux" <<<"$1" &&
  grep -q "^install.sh: error: ssh is missing: .*apt-get install openssh-client" <<<"$1" &&
  grep -q "^install.sh: error: swift is missing: .*--from DIR" <<<"$1" && test "$(wc -l <<<"$1")" = 3' _ "$err"
check "E: --from needs no swift (only tmux/ssh reported)" bash -c '
  err=$(env -i HOME="$1/home-e" PATH="$1/minpath" bash "$1/src/install.sh" --from "$1/bin" 2>&1 >/dev/null)
  ! grep -q swift <<<"$err" && grep -q tmux <<<"$err"' _ "$T"
printf '#!/bin/sh\necho "tmux 3.1c"\n' >"$T/oldtmux/tmux"; chmod 755 "$T/oldtmux/tmux"
err=$(env -i HOME="$T/home-e" PATH="$T/oldtmux:/usr/bin:/bin" bash "$T/src/install.sh" --from "$T/bin" 2>&1 >/dev/null); code=$?
check "E: tmux 3.1 is refused with exit 2" bash -c 'test "$1" = 2 && grep -q "^install.sh: error: tmux 3.1c is too old: agent-mesh needs tmux 3.2 or newer" <<<"$2"' _ "$code" "$err"
err=$(env -i HOME="$T/home-e" PATH=/usr/bin:/bin bash "$T/src/install.sh" --bogus 2>&1); code=$?
check "E: an unknown option: exit 1, one line" bash -c 'test "$1" = 1 && test "$2" = "install.sh: error: unknown option '"'"'--bogus'"'"' (see --help)"' _ "$code" "$err"
err=$(env -i HOME="$T/home-e" PATH=/usr/bin:/bin bash "$T/src/install.sh" --from "$T/nowhere" 2>&1); code=$?
check "E: --from a missing folder: exit 1, one line" bash -c 'test "$1" = 1 && grep -qx "install.sh: error: --from .* is not a directory" <<<"$2"' _ "$code" "$err"
check "E: nothing was written to HOME by the failed runs" test -z "$(ls -A "$T/home-e")"
check "E: --help prints usage on stdout, exit 0" bash -c 'bash "$1/src/install.sh" --help | grep -q "^USAGE: install.sh"' _ "$T"

summary
