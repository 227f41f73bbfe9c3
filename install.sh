#!/usr/bin/env bash
# agent-mesh installer: build (or take prebuilt) binaries, install them into ~/bin, wire the
# tmux hooks, the 5-minute resync (systemd user timer, else cron), shell completion, and run
# a first agent-discover. Idempotent: a second run changes nothing. Upgrades a host that runs
# the bash tool in place. `install.sh --help` lists the options.
#
# Policy:
# - Every file is written as temp-in-the-same-folder + rename, and only when its content
#   differs, so a running tmux hook never sees half a binary and a re-run touches nothing.
# - Files we share with the user (~/.tmux.conf, ~/.profile, ~/.bashrc, ~/.zshrc, crontab)
#   get one managed block between "# >>> agent-mesh >>>" and "# <<< agent-mesh <<<";
#   symlinked files are written through to their target; everything else in them is kept.
# - The user's data (~/.agents/*, ~/.agent-inbox) is never removed; the bash tool's files
#   that we replace are copied to ~/.agents/bash-tool-backup/ first.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi   # run as `sh install.sh`
if [ "${BASH_VERSINFO[0]}" -lt 4 ]; then
  echo "install.sh: error: bash $BASH_VERSION is too old: install bash 4 or newer (macOS: brew install bash) and run: bash install.sh" >&2
  exit 2
fi
set -euo pipefail
shopt -s lastpipe   # `producer | write_file …` runs write_file in this shell (it counts changes)

readonly PROG=install.sh

# A tmux client without a UTF-8 locale escapes what agent-discover reads back from it (it
# would see no windows): provisioning scripts and `env -i` often run without one.
case ${LC_ALL:-}${LC_CTYPE:-}${LANG:-} in
  *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) ;;
  *) unset LC_ALL; export LC_CTYPE=C.UTF-8 ;;
esac
readonly MARK_BEGIN='# >>> agent-mesh >>>'
readonly MARK_END='# <<< agent-mesh <<<'
readonly BINARIES=(notify-pane agent-register-hook agent-discover)
readonly SHIM_MARK='# agent-mesh shim'
# The bash tool's five hooks (index [0]); we remove them from a running server.
readonly OLD_HOOKS=(session-created session-closed window-linked window-unlinked window-renamed)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
readonly REPO

usage() {
  cat <<'EOF'
USAGE: install.sh [--prefix DIR] [--from DIR | --dynamic] [--scheduler auto|systemd|cron|none]
       install.sh --uninstall [--prefix DIR]
       install.sh --print-completion bash|zsh [--prefix DIR]
       install.sh --authorize-peer ALIAS=PUBKEY-FILE | --revoke-peer ALIAS [--prefix DIR]

Installs agent-mesh for the current user: notify-pane, agent-register-hook (and the
agent-self-identify link to it) and agent-discover into ~/bin; the tmux hooks (a managed
block in ~/.tmux.conf sourcing ~/.agents/tmux-hooks.conf); a resync every 5 minutes
(systemd user timer when `systemctl --user` works, else a crontab line); bash and zsh
completion for notify-pane; ~/.agents/self.conf and peers.conf if missing; then runs
agent-discover once. Safe to re-run (after `git pull`, say): a second run changes nothing.

OPTIONS:
  --prefix DIR       install the binaries into DIR instead of ~/bin
  --from DIR         install the prebuilt binaries in DIR (no Swift needed), e.g. a copy
                     of another host's .build/release
  --dynamic          build against the shared Swift runtime instead of linking it in
                     (default is --static-swift-stdlib: binaries that run on hosts without
                     Swift, and start in about half the time)
  --scheduler WHAT   auto (default): systemd if `systemctl --user` works, else cron;
                     systemd, cron, or none
  --uninstall        remove everything install.sh added; keeps ~/.agents/* and ~/.agent-inbox
                     (give the same --prefix you installed with)
  --print-completion bash|zsh
                     print the completion script instead of installing anything (what
                     the installed notify-pane --completion prints)
  --authorize-peer ALIAS=PUBKEY-FILE
                     let that peer's ssh public key only sync and deliver messages here
                     (a restricted ~/.ssh/authorized_keys line with a forced command; the
                     key's other lines are removed). Run it again with a new key to rotate.
  --revoke-peer ALIAS
                     remove that peer's restricted line
  -h, --help         show this help

EXIT STATUS: 0 done; 1 usage; 2 a prerequisite is missing; 4 a step failed.
EOF
}

# ---------------------------------------------------------------------------------------
# Output and errors: one line each, on stderr for problems.

die() { printf '%s: error: %s\n' "$PROG" "$1" >&2; exit "${2:-4}"; }
warn() { printf '%s: warning: %s\n' "$PROG" "$1" >&2; }
say() { printf '%s\n' "$*"; }

changes=0
changed() { changes=$((changes + 1)); say "  $*"; }

TMPFILES=()
STAGE=""
cleanup() {
  [ ${#TMPFILES[@]} -eq 0 ] || rm -f "${TMPFILES[@]}"
  [ -z "$STAGE" ] || rm -rf "$STAGE"
}
trap cleanup EXIT
# One message for an unexpected failure, from the shell itself (not from each subshell).
set -E
on_error() {
  [ "$BASH_SUBSHELL" -gt 0 ] || printf '%s: error: failed at line %s: %s\n' "$PROG" "$1" "$2" >&2
  exit 4
}
trap 'on_error "$LINENO" "$BASH_COMMAND"' ERR

# ---------------------------------------------------------------------------------------
# Options

prefix=""
from=""
static=1
scheduler=auto
action=install
completion_shell=""
peer_arg=""

while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory" 1; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#*=}; shift ;;
    --from) [ $# -ge 2 ] || die "--from needs a directory" 1; from=$2; shift 2 ;;
    --from=*) from=${1#*=}; shift ;;
    --dynamic) static=0; shift ;;
    --static) static=1; shift ;;
    --scheduler) [ $# -ge 2 ] || die "--scheduler needs auto, systemd, cron or none" 1; scheduler=$2; shift 2 ;;
    --scheduler=*) scheduler=${1#*=}; shift ;;
    --uninstall) action=uninstall; shift ;;
    --print-completion)
      [ $# -ge 2 ] || die "--print-completion needs bash or zsh" 1
      action=completion; completion_shell=$2; shift 2 ;;
    --authorize-peer) [ $# -ge 2 ] || die "--authorize-peer needs ALIAS=PUBKEY-FILE" 1; action=authorize; peer_arg=$2; shift 2 ;;
    --revoke-peer) [ $# -ge 2 ] || die "--revoke-peer needs an alias" 1; action=revoke; peer_arg=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" 1 ;;
  esac
done
case $scheduler in auto|systemd|cron|none) ;; *) die "--scheduler must be auto, systemd, cron or none, not '$scheduler'" 1 ;; esac
case $completion_shell in ""|bash|zsh) ;; *) die "--print-completion takes bash or zsh, not '$completion_shell'" 1 ;; esac

[ -n "${HOME:-}" ] && [ -d "$HOME" ] || die "HOME is not set to a directory" 1
HOME=$(cd "$HOME" && pwd -P)
prefix=${prefix:-$HOME/bin}
case $prefix in
  "~") prefix=$HOME ;;
  "~/"*) prefix=$HOME/${prefix#"~/"} ;;
  /*) ;;
  *) prefix=$PWD/$prefix ;;
esac
prefix=${prefix%/}
# The path ends up inside tmux's and sh's quoting (hooks, cron, units): keep it plain.
[[ $prefix =~ ^/[A-Za-z0-9._/+@-]*$ ]] || die "--prefix '$prefix' must be a path of letters, digits and ._/+@- only" 1

# How the prefix is written where a shell or tmux expands it: ~/bin rather than /home/x/bin.
if [[ $prefix == "$HOME"/* ]]; then
  prefix_tilde="~/${prefix#"$HOME"/}"
  prefix_unit="%h/${prefix#"$HOME"/}"
else
  prefix_tilde=$prefix
  prefix_unit=$prefix
fi

readonly AGENTS=$HOME/.agents
readonly HOOKS_FILE=$AGENTS/tmux-hooks.conf
readonly BACKUP=$AGENTS/bash-tool-backup
readonly UNIT_DIR=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
readonly DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
readonly BASH_COMPLETION=$DATA_HOME/bash-completion/completions/notify-pane
readonly ZSH_COMPLETION_DIR=$DATA_HOME/zsh/site-functions
readonly ZSH_COMPLETION=$ZSH_COMPLETION_DIR/_notify-pane
readonly PROFILES_COPY=$DATA_HOME/agent-mesh/agent-profiles.toml
readonly SYNC_SCRIPT=$HOME/scripts/sync-agent-registry.sh

# ---------------------------------------------------------------------------------------
# Files: atomic, only-when-changed writes; managed blocks; backups of the bash tool's files.

# The file a path finally names (a symlinked dotfile is written through to its target).
resolve() {
  if [ -L "$1" ]; then readlink -f "$1"; else printf '%s\n' "$1"; fi
}

file_mode() { stat -c %a "$1" 2>/dev/null || stat -f %Lp "$1"; }

new_temp() { # dir -> path of a new temp file in dir (same file system, for rename)
  local t
  t=$(mktemp "$1/.agent-mesh.XXXXXX")
  TMPFILES+=("$t")
  printf '%s\n' "$t"
}

# write_file TARGET MODE LABEL < content. MODE "keep" keeps an existing file's mode (else 644).
# Writes only when the content or mode differs: the content is staged outside the target's
# folder first, so an unchanged file's folder is not touched either; a change goes through a
# temp file in the target's folder + rename.
write_file() {
  local target=$1 mode=$2 label=$3 dir tmp
  if [ -z "$STAGE" ]; then STAGE=$(mktemp -d "${TMPDIR:-/tmp}/agent-mesh-install.XXXXXX"); fi
  cat >"$STAGE/content"
  if [ "$mode" = keep ]; then
    if [ -e "$target" ]; then mode=$(file_mode "$target"); else mode=644; fi
  fi
  if [ -f "$target" ] && [ ! -L "$target" ] && cmp -s "$STAGE/content" "$target" \
     && [ "$(file_mode "$target")" = "$mode" ]; then
    return 0
  fi
  dir=$(dirname "$target")
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] \
    || die "cannot write $target: its folder is not writable (this step: $label)"
  tmp=$(new_temp "$dir")
  cat "$STAGE/content" >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$target"
  changed "$label"
}

# Copies the bash tool's version of a file we are about to replace, once.
backup_bash_tool() { # path name-in-backup
  [ -e "$1" ] || [ -L "$1" ] || return 0
  [ -e "$BACKUP/$2" ] || [ -L "$BACKUP/$2" ] && return 0
  mkdir -p "$(dirname "$BACKUP/$2")"
  chmod 700 "$BACKUP"
  cp -pP "$1" "$BACKUP/$2"
  say "  saved the bash tool's $1 as $BACKUP/$2"
}

is_script() { [ -f "$1" ] && [ "$(head -c 2 "$1" 2>/dev/null)" = '#!' ]; }

# Prints FILE with our managed block set to BLOCK (env) — replaced in place, or appended
# after one blank line — or removed when BLOCK is empty (with the one blank line before it,
# so install + uninstall gives back the same bytes). Lines matching
# DROP (env, an awk regex; may be empty) outside the block are dropped.
render_block() {
  { [ -f "$1" ] && cat "$1"; true; } | awk -v b="$MARK_BEGIN" -v e="$MARK_END" '
    function emit() { print b; printf "%s\n", ENVIRON["BLOCK"]; print e }
    $0 == b { inblk = 1; seen = 1
              if (ENVIRON["BLOCK"] != "") { for (i = 1; i <= n; i++) print kept[i]; n = 0; emit(); done = 1 }
              else if (n > 0 && kept[n] == "") n--
              next }
    inblk { if ($0 == e) inblk = 0; next }
    ENVIRON["DROP"] != "" && $0 ~ ENVIRON["DROP"] { next }
    { kept[++n] = $0 }
    END {
      for (i = 1; i <= n; i++) print kept[i]
      if (ENVIRON["BLOCK"] != "" && !done) { if (n > 0) print ""; emit() }
    }'
}

# set_block FILE LABEL BLOCK [DROP]: writes FILE (through a symlink) with the block set.
set_block() {
  local file target
  file=$1
  target=$(resolve "$file")
  BLOCK=$3 DROP=${4:-} render_block "$target" | write_file "$target" keep "$2"
}

# remove_block FILE LABEL: drops the block; deletes the file if nothing else is left in it.
remove_block() {
  local target tmp
  [ -e "$1" ] || return 0
  target=$(resolve "$1")
  grep -qxF "$MARK_BEGIN" "$target" 2>/dev/null || return 0
  tmp=$(new_temp "$(dirname "$target")")
  BLOCK='' DROP='' render_block "$target" >"$tmp"
  if ! grep -q '[^[:space:]]' "$tmp"; then
    rm -f "$target" "$tmp"
    [ "$target" = "$1" ] || rm -f "$1"
    changed "removed $1 (only our block was in it)"
  else
    write_file "$target" keep "$2" <"$tmp"
    rm -f "$tmp"
  fi
}

# The user's tmux configuration: ~/.tmux.conf, or the XDG one tmux reads when that is absent.
tmux_conf() {
  local xdg=${XDG_CONFIG_HOME:-$HOME/.config}/tmux/tmux.conf
  if [ ! -e "$HOME/.tmux.conf" ] && [ ! -L "$HOME/.tmux.conf" ] && [ -e "$xdg" ]; then
    printf '%s\n' "$xdg"
  else
    printf '%s\n' "$HOME/.tmux.conf"
  fi
}

# The login shell's startup file where PATH belongs.
login_shell() { getent passwd "$(id -un)" 2>/dev/null | cut -d: -f7 || true; }
profile_file() {
  local shell
  shell=$(login_shell)
  shell=${shell:-${SHELL:-/bin/sh}}
  case ${shell##*/} in
    zsh) printf '%s\n' "$HOME/.zprofile" ;;
    bash)
      if [ -e "$HOME/.bash_profile" ]; then printf '%s\n' "$HOME/.bash_profile"
      elif [ -e "$HOME/.bash_login" ]; then printf '%s\n' "$HOME/.bash_login"
      else printf '%s\n' "$HOME/.profile"; fi ;;
    *) printf '%s\n' "$HOME/.profile" ;;
  esac
}

# Whether DIR is on PATH in a fresh login shell of this user (runs the user's profile).
on_login_path() {
  local shell path
  shell=$(login_shell)
  shell=${shell:-/bin/sh}
  [ -x "$shell" ] || return 1
  path=$(cd "$HOME" && env -i HOME="$HOME" USER="$(id -un)" LOGNAME="$(id -un)" TERM=dumb PATH=/usr/bin:/bin \
         timeout 10 "$shell" -lc 'printf "%s" "$PATH"' </dev/null 2>/dev/null) || return 1
  [[ ":$path:" == *":$1:"* ]]
}

# ---------------------------------------------------------------------------------------
# Generated content

hooks_conf() {
  printf '# Installed by agent-mesh install.sh from tmux/hooks.conf (hook command: %s/agent-register-hook).\n' "$prefix_tilde"
  printf '# Sourced from the managed block in ~/.tmux.conf; install.sh --uninstall removes both.\n'
  sed "s|~/bin/agent-register-hook|$prefix_tilde/agent-register-hook|g" "$REPO/tmux/hooks.conf"
}

# Hook names set in tmux/hooks.conf (each at index [73]).
our_hooks() { sed -n "s/^set-hook -g '\([a-z-]*\)\[73\]'.*/\1/p" "$REPO/tmux/hooks.conf"; }

service_unit() { sed "s|%h/bin/agent-discover|$prefix_unit/agent-discover|g" "$REPO/systemd/agent-resync.service"; }

cron_line() {
  local line tmux_dir
  line=$(grep -v '^#' "$REPO/cron/agent-resync.cron" | grep -m1 'agent-discover')
  line=${line//"~/bin/agent-discover"/"$prefix_tilde/agent-discover"}
  tmux_dir=$(dirname "$(command -v tmux)")
  case $tmux_dir in
    /usr/bin|/bin) ;;
    *) line=$(printf '%s' "$line" | sed "s|^\(\([^ ]* \)\{5\}\)|\1PATH=$tmux_dir:/usr/bin:/bin |") ;;
  esac
  printf '%s\n' "$line"
}

shim_script() {
  cat <<EOF
#!/bin/sh
$SHIM_MARK: the bash tool's registry sync is now agent-discover (same job, same exit
# codes). Kept for the cron lines and tools that still call this path; install.sh wrote it
# and install.sh --uninstall removes it. The bash tool's original is in $BACKUP.
# Cron runs it without a locale; tmux needs a UTF-8 one for agent-discover to read it.
case \${LC_ALL:-}\${LC_CTYPE:-}\${LANG:-} in
  *[Uu][Tt][Ff]-8*|*[Uu][Tt][Ff]8*) ;;
  *) unset LC_ALL; LC_CTYPE=C.UTF-8; export LC_CTYPE ;;
esac
exec $prefix/agent-discover "\$@"
EOF
}

# The completion scripts come from notify-pane itself (`notify-pane --completion bash|zsh`,
# generated from its option table), so they always match the binary's options: the installed
# one, or before an install this checkout's release build, run under the installed name
# (the script names the binary it was run as). A script at that path is the bash tool's
# notify-pane, which must not be handed arguments it would take for a message.
completion_script() { # bash|zsh
  local bin=$prefix/notify-pane b
  if [ ! -x "$bin" ] || is_script "$bin"; then
    bin=""
    for b in "$REPO/.build-static/release/notify-pane" "$REPO/.build/release/notify-pane"; do
      if [ -x "$b" ]; then bin=$b; break; fi
    done
    [ -n "$bin" ] || die "no notify-pane to ask for the completion: install first, or swift build -c release" 2
  fi
  (exec -a "$prefix/notify-pane" "$bin" --completion "$1")
}

if [ "$action" = completion ]; then
  completion_script "$completion_shell"
  exit 0
fi
if [ "$action" = authorize ] || [ "$action" = revoke ]; then
  [ -x "$prefix/agent-discover" ] || die "agent-discover is not installed in $prefix: run install.sh first" 2
  flag=--authorize-peer; [ "$action" = revoke ] && flag=--revoke-peer
  "$prefix/agent-discover" "$flag" "$peer_arg" || die "agent-discover $flag failed" 4
  exit 0
fi

# ---------------------------------------------------------------------------------------
# Prerequisites

tmux_version_ok() { # "tmux 3.3a" / "tmux next-3.4" / "tmux master" -> >= 3.2?
  local v major minor
  v=$(tmux -V 2>/dev/null | sed -n 's/^tmux [^0-9]*\([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p')
  [ -n "$v" ] || return 0   # master / unknown: assume new
  read -r major minor <<<"$v"
  [ "$major" -gt 3 ] || { [ "$major" -eq 3 ] && [ "$minor" -ge 2 ]; }
}

check_prerequisites() {
  local missing=()
  if ! command -v tmux >/dev/null; then
    missing+=("tmux is missing: install tmux 3.2 or newer (Debian/Ubuntu: apt-get install tmux; Fedora: dnf install tmux; macOS: brew install tmux)")
  elif ! tmux_version_ok; then
    missing+=("$(tmux -V) is too old: agent-mesh needs tmux 3.2 or newer (indexed hooks, #{q:}); install it from your distribution's backports or build it from github.com/tmux/tmux")
  fi
  command -v ssh >/dev/null || missing+=("ssh is missing: install the OpenSSH client (Debian/Ubuntu: apt-get install openssh-client; Fedora: dnf install openssh-clients)")
  if [ -z "$from" ]; then
    if ! command -v swift >/dev/null; then
      missing+=("swift is missing: install Swift 6 (https://www.swift.org/install) and put its usr/bin on PATH, or install prebuilt binaries with --from DIR")
    else
      local sv
      sv=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\).*/\1/p' | head -n1)
      if [ -n "$sv" ] && [ "$sv" -lt 6 ]; then
        missing+=("swift $sv is too old: agent-mesh needs Swift 6 (https://www.swift.org/install), or install prebuilt binaries with --from DIR")
      fi
    fi
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    local m
    for m in "${missing[@]}"; do printf '%s: error: %s\n' "$PROG" "$m" >&2; done
    exit 2
  fi
}

# ---------------------------------------------------------------------------------------
# tmux server

tmux_running() { tmux list-sessions >/dev/null 2>&1; }

# Unsets HOOK[INDEX] in the running server if it calls agent-register-hook.
unset_hook_if_ours() { # hook index
  local line
  line=$(tmux show-hooks -g "$1" 2>/dev/null | grep -F "$1[$2] " || true)
  case $line in
    *agent-register-hook*) tmux set-hook -gu "$1[$2]" && changed "tmux server: removed hook $1[$2]" ;;
  esac
}

# ---------------------------------------------------------------------------------------
# Scheduler: systemd user timer, or a crontab line

systemd_user_works() {
  command -v systemctl >/dev/null && systemctl --user show-environment >/dev/null 2>&1
}

crontab_text() { crontab -l 2>/dev/null || true; }

set_crontab_block() { # block text ("" removes)
  local current rendered tmp
  command -v crontab >/dev/null || return 0
  current=$(crontab_text)
  tmp=$(new_temp "${TMPDIR:-/tmp}")
  printf '%s\n' "$current" >"$tmp"
  [ -n "$current" ] || : >"$tmp"
  if [ -z "$1" ] && ! grep -qxF "$MARK_BEGIN" "$tmp"; then return 0; fi
  rendered=$(BLOCK=$1 DROP='' render_block "$tmp")
  [ "$rendered" != "$current" ] || return 0
  if [ -z "${rendered//[[:space:]]/}" ]; then
    crontab -r || { warn "could not remove your crontab (crontab -r failed)"; return 0; }
    changed "crontab: removed (only our line was in it)"
  else
    if ! printf '%s\n' "$rendered" | crontab - 2>/dev/null; then
      warn "could not write your crontab (crontab - failed; cron.allow?): add this line yourself: $(cron_line)"
      return 0
    fi
    if [ -n "$1" ]; then changed "crontab: resync every 5 minutes"; else changed "crontab: removed our resync line"; fi
  fi
}

# Ours: the service runs agent-discover (the bash tool's ran its sync script); the timer is
# ours when it is the one in systemd/ or sits next to our service.
unit_is_ours() {
  case $1 in
    *.timer) cmp -s "$1" "$REPO/systemd/agent-resync.timer" || unit_is_ours "${1%.timer}.service" ;;
    *) [ -f "$1" ] && grep -q 'agent-discover' "$1" ;;
  esac
}

remove_units() { # also the bash tool's, when cron takes over
  local u was=0
  for u in agent-resync.timer agent-resync.service; do   # the timer first: it asks about the service
    [ -e "$UNIT_DIR/$u" ] || continue
    if unit_is_ours "$UNIT_DIR/$u"; then rm -f "$UNIT_DIR/$u"; else backup_bash_tool "$UNIT_DIR/$u" "systemd/$u"; rm -f "$UNIT_DIR/$u"; fi
    was=1
    changed "removed $UNIT_DIR/$u"
  done
  rm -f "$UNIT_DIR/timers.target.wants/agent-resync.timer"
  rmdir "$UNIT_DIR/timers.target.wants" "$UNIT_DIR" "$(dirname "$UNIT_DIR")" 2>/dev/null || true
  if [ $was = 1 ] && systemd_user_works; then systemctl --user daemon-reload || true; fi
}

install_scheduler() {
  local mode=$scheduler
  if [ "$mode" = auto ]; then
    if systemd_user_works; then mode=systemd; else mode=cron; fi
  fi
  case $mode in
    systemd)
      systemd_user_works || die "--scheduler systemd: \`systemctl --user\` does not reach a user manager here (try --scheduler cron)"
      local before=$changes u
      for u in agent-resync.timer agent-resync.service; do
        unit_is_ours "$UNIT_DIR/$u" || backup_bash_tool "$UNIT_DIR/$u" "systemd/$u"
      done
      service_unit | write_file "$UNIT_DIR/agent-resync.service" 644 "$UNIT_DIR/agent-resync.service"
      write_file "$UNIT_DIR/agent-resync.timer" 644 "$UNIT_DIR/agent-resync.timer" <"$REPO/systemd/agent-resync.timer"
      [ "$changes" = "$before" ] || systemctl --user daemon-reload
      if [ "$(systemctl --user is-enabled agent-resync.timer 2>/dev/null)" != enabled ] \
         || ! systemctl --user is-active --quiet agent-resync.timer; then
        systemctl --user enable --now agent-resync.timer 2>/dev/null \
          || die "systemctl --user enable --now agent-resync.timer failed"
        changed "systemd: agent-resync.timer enabled and started"
      fi
      set_crontab_block ""
      scheduled="systemd user timer agent-resync.timer (every 5 minutes)"
      ;;
    cron)
      remove_units
      if ! command -v crontab >/dev/null; then
        warn "no crontab command, so no 5-minute resync: install cron (Debian/Ubuntu: apt-get install cron) and re-run install.sh"
        scheduled="nothing (no crontab command)"
        return 0
      fi
      set_crontab_block "$(cron_line)"
      scheduled="crontab line (every 5 minutes)"
      if command -v pgrep >/dev/null && ! pgrep -x cron >/dev/null && ! pgrep -x crond >/dev/null; then
        warn "no cron daemon seems to be running; the crontab line runs once cron is started"
      fi
      ;;
    none) scheduled="nothing (--scheduler none)" ;;
  esac
}

# ---------------------------------------------------------------------------------------
# Install

build_binaries() { # -> sets bin_dir
  if [ -n "$from" ]; then
    bin_dir=$(cd "$from" 2>/dev/null && pwd -P) || die "--from '$from' is not a directory" 1
    return 0
  fi
  # Static builds get their own scratch folder, so they and a plain `swift build -c release`
  # do not relink each other's products back and forth.
  local flags=(-c release)
  [ $static = 0 ] || flags+=(--static-swift-stdlib --scratch-path "$REPO/.build-static")
  say "building (swift build ${flags[*]/#"$REPO/"/}) in $REPO ..."
  (cd "$REPO" && swift build "${flags[@]}" >&2) \
    || die "swift build ${flags[*]} failed (see above)$( [ $static = 1 ] && printf '; if the static Swift runtime is missing from your toolchain, try --dynamic')"
  bin_dir=$(cd "$REPO" && swift build "${flags[@]}" --show-bin-path)
}

check_binaries() {
  local b
  for b in "${BINARIES[@]}"; do
    [ -f "$bin_dir/$b" ] && [ -x "$bin_dir/$b" ] || die "$bin_dir/$b is missing or not executable"
    "$bin_dir/$b" --version >/dev/null 2>&1 \
      || die "$bin_dir/$b does not run here (built against a Swift runtime this host lacks? rebuild without --dynamic)"
  done
}

install_binaries() {
  local b
  mkdir -p "$prefix"
  for b in "${BINARIES[@]}"; do
    if [ -L "$prefix/$b" ] || is_script "$prefix/$b"; then backup_bash_tool "$prefix/$b" "bin/$b"; fi
    write_file "$prefix/$b" 755 "$prefix/$b" <"$bin_dir/$b"
  done
  # agent-self-identify: the bash tool's name for `agent-register-hook identify` (argv[0] dispatch).
  local link=$prefix/agent-self-identify
  if [ "$(readlink "$link" 2>/dev/null)" != agent-register-hook ]; then
    if [ -e "$link" ] || [ -L "$link" ]; then backup_bash_tool "$link" bin/agent-self-identify; fi
    local tmp
    tmp=$(new_temp "$prefix"); rm -f "$tmp"
    ln -s agent-register-hook "$tmp"
    mv -fT "$tmp" "$link"
    changed "$link -> agent-register-hook"
  fi
}

seed_config() {
  mkdir -p "$AGENTS" "$HOME/.agent-inbox"
  chmod 700 "$AGENTS"
  local host
  host=$(hostname -s 2>/dev/null || uname -n)
  host=${host%%.*}
  if [ ! -e "$AGENTS/self.conf" ]; then
    printf '%s\n' "$host" | write_file "$AGENTS/self.conf" 644 "$AGENTS/self.conf (this host's alias: $host)"
  fi
  if [ ! -e "$AGENTS/peers.conf" ]; then
    printf '# agent-mesh peers: one ssh alias per line, this host included. Same file on every host.\n%s\n' "$host" \
      | write_file "$AGENTS/peers.conf" 644 "$AGENTS/peers.conf (this host only)"
  fi
}

install_path() {
  if on_login_path "$prefix"; then return 0; fi
  local file
  file=$(profile_file)
  set_block "$file" "$file: $prefix_tilde on PATH" \
"# Managed by agent-mesh install.sh: puts notify-pane & co on PATH. --uninstall removes it.
case \":\$PATH:\" in *\":$prefix:\"*) ;; *) PATH=\"$prefix:\$PATH\"; export PATH ;; esac"
}

install_tmux() {
  local conf
  hooks_conf | write_file "$HOOKS_FILE" 644 "$HOOKS_FILE"
  conf=$(tmux_conf)
  if [ -e "$conf" ] && grep -qE '^[[:space:]]*set-hook[[:space:]].*agent-register-hook' "$conf"; then
    backup_bash_tool "$(resolve "$conf")" tmux.conf
    say "  replacing the bash tool's set-hook lines in $conf"
  fi
  set_block "$conf" "$conf: hooks block (source-file ${HOOKS_FILE/#"$HOME"/"~"})" \
"# Managed by agent-mesh install.sh: tmux hooks that register every window. --uninstall removes it.
source-file -q ${HOOKS_FILE/#"$HOME"/"~"}" \
    '^[[:space:]]*set-hook[[:space:]].*agent-register-hook'
  if tmux_running; then
    local h
    for h in "${OLD_HOOKS[@]}" $(our_hooks); do unset_hook_if_ours "$h" 0; done
    local before
    before=$(tmux show-hooks -g 2>/dev/null | grep -F '[73]' || true)
    tmux source-file "$HOOKS_FILE" || die "tmux source-file $HOOKS_FILE failed"
    [ "$before" = "$(tmux show-hooks -g 2>/dev/null | grep -F '[73]' || true)" ] \
      || changed "tmux server: hooks loaded"
  fi
}

install_completion() {
  completion_script bash | write_file "$BASH_COMPLETION" 644 "$BASH_COMPLETION"
  completion_script zsh | write_file "$ZSH_COMPLETION" 644 "$ZSH_COMPLETION"
  # bash-completion loads the file above on demand; without it, ~/.bashrc sources it.
  if [ ! -r /usr/share/bash-completion/bash_completion ] && [ ! -r /etc/bash_completion ]; then
    set_block "$HOME/.bashrc" "$HOME/.bashrc: notify-pane completion" \
"# Managed by agent-mesh install.sh: notify-pane completion. --uninstall removes it.
[ -r ${BASH_COMPLETION/#"$HOME"/"~"} ] && . ${BASH_COMPLETION/#"$HOME"/"~"}"
  fi
  local shell
  shell=$(login_shell)
  if [ -e "$HOME/.zshrc" ] || [ "${shell##*/}" = zsh ]; then
    set_block "$HOME/.zshrc" "$HOME/.zshrc: notify-pane completion" \
"# Managed by agent-mesh install.sh: notify-pane completion. --uninstall removes it.
fpath=(${ZSH_COMPLETION_DIR/#"$HOME"/"~"} \$fpath)
autoload -Uz _notify-pane && (( \$+functions[compdef] )) && compdef _notify-pane notify-pane"
  fi
}

# The agent profiles compiled into the binaries, as a file to read and copy from (the
# binaries never read it: overrides go in ~/.agents/agent-profiles.toml). Taken from the
# installed notify-pane with an empty HOME, so it is exactly what that binary uses.
install_profiles() {
  if [ -z "$STAGE" ]; then STAGE=$(mktemp -d "${TMPDIR:-/tmp}/agent-mesh-install.XXXXXX"); fi
  mkdir -p "$STAGE/empty-home" "$(dirname "$PROFILES_COPY")"
  HOME=$STAGE/empty-home "$prefix/notify-pane" --profiles >"$STAGE/profiles"
  write_file "$PROFILES_COPY" 644 "$PROFILES_COPY" <"$STAGE/profiles"
}

install_shim() {
  [ -e "$SYNC_SCRIPT" ] || [ -L "$SYNC_SCRIPT" ] || return 0
  grep -qF "$SHIM_MARK" "$SYNC_SCRIPT" 2>/dev/null || backup_bash_tool "$SYNC_SCRIPT" scripts/sync-agent-registry.sh
  shim_script | write_file "$SYNC_SCRIPT" 755 "$SYNC_SCRIPT (shim: exec agent-discover)"
}

do_install() {
  check_prerequisites
  build_binaries
  check_binaries
  say "installing agent-mesh from $bin_dir into $prefix ..."
  scheduled="" path_note=""
  install_binaries
  seed_config
  install_path
  install_shim
  install_tmux
  install_scheduler
  install_completion
  install_profiles
  if [ "$changes" = 0 ]; then say "  already installed: nothing changed"; fi
  if [[ ":$PATH:" != *":$prefix:"* ]]; then
    path_note="open a new login shell (or: . $(profile_file)) to get $prefix_tilde on PATH here"
  fi
  say "first registry build:"
  "$prefix/agent-discover" || warn "agent-discover failed (exit $?); the hooks and the timer retry on their own"
  cat <<EOF

agent-mesh is installed. Next steps:
  ${path_note:-notify-pane is on PATH: try  notify-pane --list}
  - this host's alias is $(head -n1 "$AGENTS/self.conf") (~/.agents/self.conf); every tmux window is addressable
  - more hosts: list their ssh aliases in ~/.agents/peers.conf (same file on every host),
    make \`ssh <alias>\` work without prompts both ways, then run agent-discover
  - send:  notify-pane <address> "message"     list:  notify-pane --list
  - resync: $scheduled
  - run the tests: bash .ci/run   (as root it also runs the install and multi-host tests)
EOF
}

# ---------------------------------------------------------------------------------------
# Uninstall

do_uninstall() {
  say "uninstalling agent-mesh from $prefix (keeping ~/.agents/* and ~/.agent-inbox) ..."
  local b f h
  for b in "${BINARIES[@]}"; do
    f=$prefix/$b
    if [ -f "$f" ] && ! [ -L "$f" ] && ! is_script "$f"; then rm -f "$f"; changed "removed $f"; fi
  done
  if [ "$(readlink "$prefix/agent-self-identify" 2>/dev/null)" = agent-register-hook ]; then
    rm -f "$prefix/agent-self-identify"; changed "removed $prefix/agent-self-identify"
  fi
  remove_block "$(tmux_conf)" "$(tmux_conf): hooks block removed"
  if [ -f "$HOOKS_FILE" ]; then rm -f "$HOOKS_FILE"; changed "removed $HOOKS_FILE"; fi
  if command -v tmux >/dev/null && tmux_running; then
    for h in $(our_hooks); do unset_hook_if_ours "$h" 73; done
  fi
  for f in "$HOME/.profile" "$HOME/.bash_profile" "$HOME/.bash_login" "$HOME/.zprofile" "$HOME/.bashrc" "$HOME/.zshrc"; do
    remove_block "$f" "$f: our block removed"
  done
  if unit_is_ours "$UNIT_DIR/agent-resync.timer" || unit_is_ours "$UNIT_DIR/agent-resync.service"; then
    if systemd_user_works; then systemctl --user disable --now agent-resync.timer 2>/dev/null || true; fi
    for f in agent-resync.timer agent-resync.service; do
      if unit_is_ours "$UNIT_DIR/$f"; then rm -f "$UNIT_DIR/$f"; changed "removed $UNIT_DIR/$f"; fi
    done
    rm -f "$UNIT_DIR/timers.target.wants/agent-resync.timer"
    if systemd_user_works; then systemctl --user daemon-reload || true; fi
  fi
  set_crontab_block ""
  for f in "$BASH_COMPLETION" "$ZSH_COMPLETION" "$PROFILES_COPY"; do
    if [ -f "$f" ]; then rm -f "$f"; changed "removed $f"; fi
  done
  if grep -qF "$SHIM_MARK" "$SYNC_SCRIPT" 2>/dev/null; then
    rm -f "$SYNC_SCRIPT"; changed "removed $SYNC_SCRIPT (our shim)"
    rmdir "$(dirname "$SYNC_SCRIPT")" 2>/dev/null || true
  fi
  # Folders we may have created, if nothing else is in them.
  for f in "$prefix" "$UNIT_DIR/timers.target.wants" "$UNIT_DIR" "$(dirname "$UNIT_DIR")" \
           "$(dirname "$BASH_COMPLETION")" "$(dirname "$(dirname "$BASH_COMPLETION")")" \
           "$ZSH_COMPLETION_DIR" "$(dirname "$ZSH_COMPLETION_DIR")" "$(dirname "$PROFILES_COPY")" \
           "$DATA_HOME" "$HOME/.local" \
           "${XDG_CONFIG_HOME:-$HOME/.config}"; do
    rmdir "$f" 2>/dev/null || true
  done
  if [ "$changes" = 0 ]; then say "  nothing to remove"; fi
  [ ! -d "$BACKUP" ] || say "the bash tool's replaced files are kept in $BACKUP"
  say "done; your data is kept in ~/.agents and ~/.agent-inbox"
}

case $action in
  install) do_install ;;
  uninstall) do_uninstall ;;
esac
