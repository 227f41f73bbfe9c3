#!/usr/bin/env bash
# Multi-host test harness for agent-mesh.
#
# Simulates N "hosts" on one Linux machine. Host hK gets:
#   * network namespace  amh-hK, interface eth0 = ${AMH_SUBNET}.(10+K)/24, whose
#     veth peer (br-hK) sits on bridge br0 inside its own namespace amh-br, so the
#     root namespace's firewall/routing never sees the traffic;
#   * Unix user amhK (password '*': locked for passwords, usable with keys),
#     home $AMH_ROOT/home/amhK, shell /bin/bash;
#   * its own sshd (own host key, config, pid file, log) running inside the
#     host's net namespace plus a private UTS namespace (hostname hK) and a
#     private mount namespace with a fresh tmpfs on /tmp;
#   * an ed25519 key pair; every user trusts every other user's key, and every
#     user's ~/.ssh/config has aliases h1..hN plus a pre-filled known_hosts, so
#     `ssh h2 true` works from any host without prompts.
#
# Usage: harness.sh up N | exec HOST [--] CMD... | info HOST | hosts
#                   | down HOST | heal HOST | teardown
# Needs root; otherwise prints "skip: <reason>" and exits 77.
#
# Environment:
#   AMH_STATE   bookkeeping dir (default /tmp/amh-state). Only the harness
#               reads it, from the root namespace.
#   AMH_ROOT    files the hosts must see: sshd configs, host keys, homes
#               (default /var/lib/amh-harness). Must not be under /tmp, since
#               every host mounts its own /tmp over it.
#   AMH_SUBNET  first three octets of the private /24 (default 10.213.7); only
#               ever configured inside the harness namespaces.
#   AMH_UP_TIMEOUT  seconds `up` waits for sshd readiness (default 20).
#   TMUX_BIN    the tmux every host runs (default: the first tmux on PATH). When it
#               is not /usr/bin/tmux, a copy is bind-mounted over /usr/bin/tmux in
#               each host's mount namespace, so hooks, ssh sessions and tests on the
#               hosts all use that release.
#   AMH_KEEP_ON_FAIL=1  leave a failed `up` in place for debugging.
set -euo pipefail

AMH_STATE=${AMH_STATE:-/tmp/amh-state}
AMH_ROOT=${AMH_ROOT:-/var/lib/amh-harness}
AMH_SUBNET=${AMH_SUBNET:-10.213.7}
AMH_UP_TIMEOUT=${AMH_UP_TIMEOUT:-20}

readonly NS_PREFIX=amh-          # every namespace we create starts with this
readonly BR_NS=amh-br            # namespace holding the bridge
readonly BR_DEV=br0
readonly USER_PREFIX=amh         # host hK -> user amhK
readonly IP_BASE=10              # host hK -> ${AMH_SUBNET}.(IP_BASE+K)
# GECOS field of every user we create; teardown only deletes users carrying it.
readonly USER_MARKER="agent-mesh multihost harness"
readonly USER_PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games
# Marker saying the harness created /run/sshd (sshd's privsep dir) itself.
readonly RUN_SSHD_MARKER=/run/sshd/.amh-harness-created

SCRIPT_PATH=$(readlink -f "${BASH_SOURCE[0]}")

# Facts about one host, filled in by load_host.
H_name='' H_ip='' H_user='' H_uid='' H_gid='' H_home='' H_sshd_pid='' H_netns='' H_hostdir=''

# ---------------------------------------------------------------- helpers --

die() { echo "harness: error: $*" >&2; exit 1; }
skip() { echo "skip: $*"; exit 77; }
warn() { echo "harness: warning: $*" >&2; }

# Refuse obviously dangerous values: teardown runs `rm -rf` on these dirs.
check_dirs() {
    local d
    for d in "$AMH_STATE" "$AMH_ROOT"; do
        [[ $d == /* ]] || die "directory '$d' must be absolute"
        [[ $(basename -- "$d") == *amh* ]] ||
            die "directory '$d' must have 'amh' in its last component (it gets rm -rf'd)"
    done
    case "$AMH_ROOT/" in
        /tmp/*) die "AMH_ROOT ($AMH_ROOT) must not be under /tmp: hosts get a private /tmp" ;;
    esac
    [[ $AMH_SUBNET =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] ||
        die "AMH_SUBNET must look like 10.213.7 (got '$AMH_SUBNET')"
}

# Exit 77 unless we can do the job: root, the tools, and network namespaces.
require_env() {
    [[ $EUID -eq 0 ]] || skip "must run as root (euid $EUID)"
    local tool
    for tool in ip nsenter unshare setpriv ssh ssh-keygen /usr/sbin/sshd \
                useradd userdel flock hostname ss; do
        command -v "$tool" >/dev/null 2>&1 || skip "required tool '$tool' not installed"
    done
    if [[ ${1-} == probe ]]; then
        local probe="${NS_PREFIX}probe-$$"
        ip netns add "$probe" 2>/dev/null || skip "cannot create network namespaces (ip netns add failed)"
        ip netns del "$probe" 2>/dev/null || true
    fi
}

# Serialise mutating subcommands across concurrent harness invocations.
# The lock is on the script file itself, so no lock file is left behind.
# Every long-lived child must be started with 9<&- so it does not hold it.
take_lock() {
    exec 9<"$SCRIPT_PATH"
    flock -w 120 9 || die "could not get the harness lock within 120 s"
}

host_index() {              # h7 -> 7
    [[ $1 =~ ^h([0-9]+)$ ]] || die "bad host name '$1' (expected h1, h2, ...)"
    echo "${BASH_REMATCH[1]}"
}
host_user() { echo "${USER_PREFIX}$(host_index "$1")"; }
host_ip() { echo "${AMH_SUBNET}.$((IP_BASE + $(host_index "$1")))"; }
host_dir() { echo "$AMH_ROOT/hosts/$1"; }
user_home() { echo "$AMH_ROOT/home/$1"; }

# Load a host's recorded facts (written by `up`) into H_* variables.
load_host() {
    local host=$1 f="$AMH_STATE/hosts/$1.env" key value
    [[ -f $f ]] || die "unknown host '$host' (no harness state in $AMH_STATE; did you run 'up'?)"
    while IFS='=' read -r key value; do
        case "$key" in
            name|ip|user|uid|gid|home|sshd_pid|netns|hostdir) printf -v "H_$key" '%s' "$value" ;;
        esac
    done <"$f"
}

# Is $1 still the sshd we started for host dir $2? (guards against pid reuse)
sshd_alive() {
    local pid=$1
    local -a argv=()
    [[ -n $pid ]] || return 1
    mapfile -d '' -t argv 2>/dev/null <"/proc/$pid/cmdline" || return 1
    [[ "${argv[*]-}" == *"$2/sshd_config"* ]]
}

# Is process $1 still running (not gone, not a zombie)? While it execs its way through
# setsid/nsenter/unshare/sh to sshd, /proc/$1/cmdline can read empty for a moment, so startup
# is judged by the process's state, not its command line.
proc_running() {
    local pid=$1 stat
    [[ -n $pid ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# Run "$@" as host $1's user inside that host's namespaces (net, uts, mnt),
# from its home directory, with a clean login-like environment.
run_as_host() {
    local host=$1; shift
    load_host "$host"
    sshd_alive "$H_sshd_pid" "$H_hostdir" || die "sshd of host $host (pid $H_sshd_pid) is not running"
    local -a envv=(HOME="$H_home" USER="$H_user" LOGNAME="$H_user" SHELL=/bin/bash PATH="$USER_PATH")
    [[ -n ${TERM-} ]] && envv+=(TERM="$TERM")
    [[ -n ${LANG-} ]] && envv+=(LANG="$LANG")
    exec nsenter -t "$H_sshd_pid" -n -u -m --wd="$H_home" -- \
        setpriv --reuid "$H_user" --regid "$H_user" --init-groups -- \
        env -i "${envv[@]}" "$@"
}

# Users created by the harness (name:uid), identified by the GECOS marker.
harness_users() {
    awk -F: -v m="$USER_MARKER" '$5 == m { print $1 ":" $3 }' /etc/passwd
}

# Pids of every live process belonging to the harness: processes inside any
# amh-* network namespace, processes run by harness users, and sshds using a
# config under $AMH_ROOT (covers an sshd whose netns name is already gone).
harness_pids() {
    local -A ns_inodes=() uids=()
    local ns ino entry pid link uid state key val rest
    local -a argv
    while read -r ns _; do
        [[ $ns == "$NS_PREFIX"* ]] || continue
        ino=$(stat -L -c %i "/run/netns/$ns" 2>/dev/null) && ns_inodes["net:[$ino]"]=1
    done < <(ip netns list 2>/dev/null)
    while IFS=: read -r _ uid; do uids[$uid]=1; done < <(harness_users)
    # Builtins only in this loop: it runs over every process on the machine.
    for entry in /proc/[0-9]*; do
        pid=${entry#/proc/}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        state='' uid=''
        while read -r key val rest; do
            case "$key" in
                State:) state=$val ;;
                Uid:) uid=$val; break ;;
            esac
        done 2>/dev/null <"$entry/status" || continue
        # Zombies are already dead; they only wait for PID 1 to reap them.
        [[ -z $state || $state == Z ]] && continue
        if [[ -n ${uids[$uid]-} ]]; then echo "$pid"; continue; fi
        link=$(readlink "$entry/ns/net" 2>/dev/null) || link=
        if [[ -n $link && -n ${ns_inodes[$link]-} ]]; then echo "$pid"; continue; fi
        argv=()
        mapfile -d '' -t argv <"$entry/cmdline" 2>/dev/null || continue
        [[ "${argv[*]-}" == *sshd*"$AMH_ROOT/hosts/"* ]] && echo "$pid"
    done
    return 0
}

# --------------------------------------------------------------- teardown --

# Remove everything the harness may have created, whether or not `up`
# finished: processes, namespaces (and with them the veths/bridge), users,
# directories. Safe to run when nothing exists.
teardown_all() {
    local pids deadline ns user
    # 1. Kill processes; repeat because tmux servers etc. may fork meanwhile.
    deadline=$((SECONDS + 10))
    while pids=$(harness_pids) && [[ -n $pids ]]; do
        # shellcheck disable=SC2086  # word splitting of the pid list is intended
        kill -KILL $pids 2>/dev/null || true
        if ((SECONDS >= deadline)); then
            warn "processes still alive after SIGKILL: $(tr '\n' ' ' <<<"$pids")"
            break
        fi
        sleep 0.05
    done
    # 2. Namespaces. Deleting the name drops the last reference once no
    #    process is inside; veth pairs and the bridge vanish with them.
    while read -r ns _; do
        [[ $ns == "$NS_PREFIX"* ]] && { ip netns del "$ns" 2>/dev/null || warn "could not delete netns $ns"; }
    done < <(ip netns list 2>/dev/null)
    # 3. Users (userdel also drops the per-user group).
    while IFS=: read -r user _; do
        userdel "$user" 2>/dev/null || userdel -f "$user" 2>/dev/null || warn "could not delete user $user"
    done < <(harness_users)
    # 4. Files.
    rm -rf -- "$AMH_ROOT" "$AMH_STATE"
    if [[ -e $RUN_SSHD_MARKER ]]; then
        rm -f -- "$RUN_SSHD_MARKER"
        rmdir /run/sshd 2>/dev/null || true
    fi
}

# --------------------------------------------------------------------- up --

# Per-host work that can run in parallel with other hosts: network plumbing,
# host key, user key, home directory. Runs after the user exists.
setup_host_parallel() {
    local host=$1 user ip ns hd home
    user=$(host_user "$host"); ip=$(host_ip "$host"); ns="${NS_PREFIX}$host"
    hd=$(host_dir "$host"); home=$(user_home "$user")

    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # eth0 inside the host, its peer br-hK created directly in the bridge ns:
    # nothing ever appears in the root namespace.
    ip -n "$ns" link add eth0 type veth peer name "br-$host" netns "$BR_NS"
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$BR_NS" link set "br-$host" master "$BR_DEV"
    ip -n "$BR_NS" link set "br-$host" up

    mkdir -m 0700 "$hd"
    ssh-keygen -q -t ed25519 -N '' -C "sshd@$host" -f "$hd/ssh_host_ed25519_key"

    mkdir -m 0700 "$home" "$home/.ssh"
    ssh-keygen -q -t ed25519 -N '' -C "$user@$host" -f "$home/.ssh/id_ed25519"
    cat >"$hd/sshd_config" <<EOF
# sshd for harness host $host (user $user)
Port 22
ListenAddress $ip
AddressFamily inet
HostKey $hd/ssh_host_ed25519_key
PidFile $hd/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $user
AuthorizedKeysFile $home/.ssh/authorized_keys
StrictModes yes
Subsystem sftp internal-sftp
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AcceptEnv LANG LC_*
# Tests may open many concurrent connections (ControlMaster-less fan-out).
MaxStartups 200:30:400
MaxSessions 64
LogLevel INFO
EOF
}

# Start host $1's sshd in its namespaces; prints the sshd pid.
# The tmux the hosts run, copied where every host user can run it; empty when it is
# /usr/bin/tmux itself (nothing to mount).
host_tmux() {
    local want
    want=$(readlink -f "${TMUX_BIN:-$(command -v tmux)}")
    [[ $want == "$(readlink -f /usr/bin/tmux)" ]] && return 0
    install -m 0755 "$want" "$AMH_ROOT/tmux" && echo "$AMH_ROOT/tmux"
}

start_sshd() {
    local host=$1 ns hd pid
    ns="${NS_PREFIX}$host"; hd=$(host_dir "$host")
    # nsenter, unshare, sh and setsid all exec (no fork: we are not a process
    # group leader), so $! ends up being the sshd itself. The new mount
    # namespace is private so the /tmp tmpfs stays invisible outside.
    # stdio goes to the log so callers capturing our output never wait on
    # sshd; fd 9 (the harness lock) is closed for the same reason.
    # shellcheck disable=SC2016  # $1/$2 expand in the inner sh
    setsid nsenter --net="/run/netns/$ns" -- \
        unshare --uts --mount --propagation private -- \
        sh -c 'hostname "$1" && mount -t tmpfs -o mode=1777,size=256m amh-tmp /tmp && { [ -z "$3" ] || mount --bind "$3" /usr/bin/tmux; } && exec /usr/sbin/sshd -D -f "$2/sshd_config" -E "$2/sshd.log"' \
        amh-sshd "$host" "$hd" "$(host_tmux)" \
        </dev/null >>"$hd/sshd.log" 2>&1 9<&- &
    pid=$!
    echo "$pid"
}

cmd_up() {
    local n=${1-}
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "usage: harness.sh up N   (N >= 1)"
    ((n <= 200)) || die "at most 200 hosts"
    require_env probe
    check_dirs
    take_lock
    teardown_all             # stale leftovers from an earlier run

    if [[ ${AMH_KEEP_ON_FAIL-} != 1 ]]; then
        trap 'rc=$?; if ((rc != 0)); then echo "harness: up failed; tearing down" >&2; teardown_all; fi' EXIT
    fi

    local -a hosts=() pids=()
    local i host user pid home hd ip uid gid
    for ((i = 1; i <= n; i++)); do hosts+=("h$i"); done

    mkdir -p "$(dirname -- "$AMH_ROOT")" "$(dirname -- "$AMH_STATE")"
    mkdir -m 0755 "$AMH_ROOT" "$AMH_ROOT/home" "$AMH_ROOT/hosts"
    mkdir -m 0700 "$AMH_STATE" "$AMH_STATE/hosts"
    # sshd refuses to start without its privilege separation directory.
    if [[ ! -d /run/sshd ]]; then
        mkdir -m 0755 /run/sshd && : >"$RUN_SSHD_MARKER"
    fi

    # Bridge namespace.
    ip netns add "$BR_NS"
    ip -n "$BR_NS" link set lo up
    ip -n "$BR_NS" link add "$BR_DEV" type bridge stp_state 0 forward_delay 0
    ip -n "$BR_NS" link set "$BR_DEV" up

    # Users: useradd locks /etc/passwd, so these run one at a time.
    # --system avoids subuid/subgid ranges and mail spools (fewer traces).
    for host in "${hosts[@]}"; do
        user=$(host_user "$host")
        useradd --system --user-group --no-create-home \
            --home-dir "$(user_home "$user")" --shell /bin/bash \
            --comment "$USER_MARKER" --password '*' "$user" ||
            die "useradd $user failed"
    done

    # Network, keys and config per host, in parallel.
    pids=()
    for host in "${hosts[@]}"; do
        setup_host_parallel "$host" 9<&- &
        pids+=("$!")
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || die "setting up host ${hosts[$i]} failed"
    done

    # Mesh-wide files: everyone trusts every user key and knows every host key.
    local auth="$AMH_STATE/authorized_keys" known="$AMH_STATE/known_hosts" cfg="$AMH_STATE/ssh_config"
    : >"$auth"; : >"$known"
    {
        echo "# agent-mesh harness hosts"
        echo "Host *"
        echo "    IdentityFile ~/.ssh/id_ed25519"
        echo "    IdentitiesOnly yes"
        echo "    StrictHostKeyChecking yes"
        echo "    UserKnownHostsFile ~/.ssh/known_hosts"
        echo "    GlobalKnownHostsFile /dev/null"
        echo "    BatchMode yes"
        echo "    PasswordAuthentication no"
        echo "    GSSAPIAuthentication no"
    } >"$cfg"
    local cfg_hosts=""
    for host in "${hosts[@]}"; do
        user=$(host_user "$host"); ip=$(host_ip "$host"); hd=$(host_dir "$host")
        cat "$(user_home "$user")/.ssh/id_ed25519.pub" >>"$auth"
        # Both the alias and the IP are listed, so `ssh h2` and `ssh <ip>` verify.
        echo "$host,$ip $(cut -d' ' -f1,2 "$hd/ssh_host_ed25519_key.pub")" >>"$known"
        # Per-host blocks go before `Host *` (ssh uses the first value it sees).
        cfg_hosts+=$'\n'"Host $host $ip"$'\n'"    HostName $ip"$'\n'"    User $user"$'\n'
    done
    { echo "$cfg_hosts"; cat "$cfg"; } >"$cfg.new" && mv "$cfg.new" "$cfg"

    for host in "${hosts[@]}"; do
        user=$(host_user "$host"); home=$(user_home "$user")
        install -m 0600 "$auth" "$home/.ssh/authorized_keys"
        install -m 0644 "$known" "$home/.ssh/known_hosts"
        install -m 0600 "$cfg" "$home/.ssh/config"
        chmod 0700 "$home"
        chown -R "$user:$user" "$home"
    done

    # Start every sshd, then record what tests need to know.
    : >"$AMH_STATE/hosts.list"
    for host in "${hosts[@]}"; do
        user=$(host_user "$host"); hd=$(host_dir "$host")
        pid=$(start_sshd "$host")
        uid=$(id -u "$user"); gid=$(id -g "$user")
        cat >"$AMH_STATE/hosts/$host.env" <<EOF
name=$host
ip=$(host_ip "$host")
user=$user
uid=$uid
gid=$gid
home=$(user_home "$user")
sshd_pid=$pid
netns=${NS_PREFIX}$host
hostdir=$hd
EOF
        echo "$host" >>"$AMH_STATE/hosts.list"
    done

    wait_ready "${hosts[@]}"
    verify_mesh "${hosts[@]}"
    trap - EXIT
}

# Poll until every sshd listens on its address (bounded by AMH_UP_TIMEOUT).
wait_ready() {
    local -a pending=("$@") still=()
    local deadline=$((SECONDS + AMH_UP_TIMEOUT)) host
    while ((${#pending[@]})); do
        still=()
        for host in "${pending[@]}"; do
            load_host "$host"
            if ! sshd_alive "$H_sshd_pid" "$H_hostdir"; then
                # Still in the launch chain (slow under load): not an exit.
                if proc_running "$H_sshd_pid"; then
                    still+=("$host"); continue
                fi
                die "sshd of $host exited during startup; log $H_hostdir/sshd.log:
$(tail -n 20 "$H_hostdir/sshd.log" 2>/dev/null)"
            fi
            if [[ -z $(nsenter --net="/run/netns/$H_netns" -- ss -Hltn "src $H_ip:22" 2>/dev/null) ]]; then
                still+=("$host")
            fi
        done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]})) || break
        ((SECONDS < deadline)) || die "sshd not listening after ${AMH_UP_TIMEOUT}s on: ${pending[*]}"
        sleep 0.05
    done
}

# End-to-end check over a ring h1 -> h2 -> ... -> hN -> h1: every sshd
# accepts a login and every host's client config/keys/known_hosts work,
# with only N connections (ssh handshakes dominate `up` time).
verify_mesh() {
    local -a hosts=("$@") jobs=() what=()
    local i from to
    for i in "${!hosts[@]}"; do
        from=${hosts[$i]}; to=${hosts[$(((i + 1) % ${#hosts[@]}))]}
        (run_as_host "$from" ssh -o ConnectTimeout=10 "$to" true </dev/null >/dev/null 2>&1) 9<&- &
        jobs+=("$!"); what+=("$from->$to")
    done
    local failed=()
    for i in "${!jobs[@]}"; do
        wait "${jobs[$i]}" || failed+=("${what[$i]}")
    done
    if ((${#failed[@]})); then
        # Re-run one failing connection verbosely for the error message.
        from=${failed[0]%%->*}; to=${failed[0]##*->}
        die "ssh check failed for: ${failed[*]}
$( (run_as_host "$from" ssh -v -o ConnectTimeout=5 "$to" true </dev/null) 2>&1 | tail -n 15)"
    fi
}

# ------------------------------------------------------------ subcommands --

cmd_exec() {
    local host=${1-}
    [[ -n $host ]] || die "usage: harness.sh exec HOST [--] COMMAND..."
    shift
    [[ ${1-} == -- ]] && shift
    (($#)) || die "usage: harness.sh exec HOST [--] COMMAND..."
    [[ $EUID -eq 0 ]] || skip "must run as root (euid $EUID)"
    run_as_host "$host" "$@"
}

cmd_info() {
    local host=${1-}
    [[ -n $host ]] || die "usage: harness.sh info HOST"
    load_host "$host"
    local alive=no
    sshd_alive "$H_sshd_pid" "$H_hostdir" && alive=yes
    # Link state as set by down/heal: flags of the bridge-side veth end.
    local link flags linkstate=unknown
    if link=$(ip -n "$BR_NS" -o link show "br-$host" 2>/dev/null); then
        flags=${link#*<}; flags=${flags%%>*}
        case ",$flags," in *,UP,*) linkstate=up ;; *) linkstate=down ;; esac
    fi
    cat <<EOF
name=$H_name
ip=$H_ip
user=$H_user
uid=$H_uid
gid=$H_gid
home=$H_home
shell=/bin/bash
sshd_pid=$H_sshd_pid
sshd_alive=$alive
sshd_log=$H_hostdir/sshd.log
netns=$H_netns
link=$linkstate
EOF
}

cmd_hosts() {
    [[ -f $AMH_STATE/hosts.list ]] || return 0
    cat "$AMH_STATE/hosts.list"
}

# down: take the bridge-side end of the host's veth down. Frames to and from
# the host are then silently discarded (no RST, no ICMP): connections hang and
# connects time out, like a pulled cable. The host-side eth0 stays
# administratively up (it only loses carrier), so its routes and addresses
# remain and its own sends also vanish instead of failing with ENETUNREACH.
cmd_link() {
    local state=$1 host=${2-}
    [[ -n $host ]] || die "usage: harness.sh $([[ $state == down ]] && echo down || echo heal) HOST"
    require_env
    load_host "$host"
    ip -n "$BR_NS" link set "br-$host" "$state" || die "could not set link of $host $state"
}

cmd_teardown() {
    require_env
    check_dirs
    take_lock
    teardown_all
}

usage() {
    cat >&2 <<'EOF'
usage: harness.sh up N              create hosts h1..hN (tears down leftovers first)
       harness.sh exec HOST [--] CMD...  run CMD as HOST's user inside HOST
       harness.sh info HOST          key=value facts (ip, user, uid, home, sshd_pid, ...)
       harness.sh hosts              list host names
       harness.sh down HOST          silently drop all of HOST's traffic
       harness.sh heal HOST          undo down
       harness.sh teardown           remove everything the harness created
EOF
    exit 2
}

main() {
    local cmd=${1-}
    (($#)) && shift
    case "$cmd" in
        up) cmd_up "$@" ;;
        exec) cmd_exec "$@" ;;
        info) cmd_info "$@" ;;
        hosts) cmd_hosts ;;
        down) cmd_link down "$@" ;;
        heal) cmd_link up "$@" ;;
        teardown) cmd_teardown ;;
        *) usage ;;
    esac
}

main "$@"
