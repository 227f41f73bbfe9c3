#!/usr/bin/env python3
"""Real-agent lab: runs Claude Code or Codex in tmux, offline, against the fake model server.

Usage:
  agent_lab.py prepare AGENT --root DIR --port PORT [options]
      Seeds DIR/home (fresh HOME; Codex: DIR/home/.codex as CODEX_HOME), DIR/work (the cwd) and
      DIR/tmp (TMPDIR, outside /tmp), writes DIR/run.sh that starts the agent, prints its path.
  agent_lab.py start AGENT --root DIR [--port PORT] [options]
      prepare, then (without --port) starts Tests/Fixtures/fake_model_server.py logging to
      DIR/requests.jsonl, then a tmux server on the private socket DIR/tmux.sock running run.sh
      in a 120x30 window. Prints `socket=… pane=… port=… log=… server_pid=…` lines.
  agent_lab.py stop --root DIR      kills that tmux server and the fake server.
Options:
  --mode bypass|default|auto    Claude: --permission-mode bypassPermissions / default / no flag
                                (2.1.332 then starts in auto mode); default: bypass
  --approval never|untrusted    Codex approval_policy (default: never)
  --no-trust                    leave the folder-trust seed out (shows the trust dialog)
  --no-key-approval             Claude: leave the API-key approval out (shows the key question)
  --update-check                Codex: check_for_update_on_startup = true (with a cached
                                $CODEX_HOME/version.json naming a newer release: the update notice)
Env: AGENT_MESH_CLAUDE / AGENT_MESH_CODEX (binaries; else the fetch-agents.sh cache paths),
     TMUX_BIN (else the tmux first on PATH).
Policy: the agent's environment points only at 127.0.0.1; nothing from the caller's HOME, API
keys or proxies leaks in; every tmux call has a timeout.
"""
import json
import os
import shlex
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "Fixtures")
CACHE = os.environ.get("AGENT_MESH_AGENTS_CACHE", os.path.expanduser("~/.cache/agent-mesh/agents"))
VERSIONS = {"claude": "2.1.332", "codex": "0.147.0"}
API_KEY = "sk-ant-api03-agentmeshlab-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"


def binary(agent):
    env = os.environ.get("AGENT_MESH_CLAUDE" if agent == "claude" else "AGENT_MESH_CODEX")
    return env or os.path.join(CACHE, f"{agent}-{VERSIONS[agent]}", agent)


def tmux_bin():
    return os.environ.get("TMUX_BIN") or "tmux"


def write(path, text, mode=0o600):
    """Atomic write: temp file beside it, fsync, rename."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def seed_claude(home, work, trust, key_approval):
    ver = VERSIONS["claude"]
    project = {"hasTrustDialogAccepted": True, "hasCompletedProjectOnboarding": True} if trust else {}
    cfg = {"hasCompletedOnboarding": True, "lastOnboardingVersion": ver, "theme": "dark", "numStartups": 1,
           "lastReleaseNotesSeen": ver, "bypassPermissionsModeAccepted": True,
           "customApiKeyResponses": {"approved": [API_KEY[-20:]] if key_approval else [], "rejected": []},
           "projects": {work: project}}
    write(f"{home}/.claude.json", json.dumps(cfg, indent=2))
    write(f"{home}/.claude/settings.json", json.dumps({"skipDangerousModePermissionPrompt": True}))


def seed_codex(codex_home, work, port, approval, trust, update_check=False):
    sandbox = "danger-full-access" if approval == "never" else "workspace-write"
    lines = [
        'model = "gpt-5.5"', 'model_provider = "fake"', f'approval_policy = "{approval}"',
        f'sandbox_mode = "{sandbox}"', f"check_for_update_on_startup = {str(update_check).lower()}", "",
        "[model_providers.fake]", 'name = "fake"', f'base_url = "http://127.0.0.1:{port}/v1"',
        'env_key = "OPENAI_API_KEY"', 'wire_api = "responses"', "request_max_retries = 0",
        "stream_max_retries = 0", "", "[notice]", "hide_full_access_warning = true", "",
        "[analytics]", "enabled = false", "", "[tui]", "show_tooltips = false", "",
    ]
    if trust:
        lines += [f'[projects.{json.dumps(work)}]', 'trust_level = "trusted"', ""]
    write(f"{codex_home}/config.toml", "\n".join(lines))


def prepare(agent, root, port, mode="bypass", approval="never", trust=True, key_approval=True,
            update_check=False, extra_env=None):
    root = os.path.abspath(root)
    home, work, tmp = f"{root}/home", f"{root}/work", f"{root}/tmp"
    for d in (home, work, tmp):
        os.makedirs(d, exist_ok=True)
    # DIR/bin comes first on PATH: an `npm` there records its arguments to DIR/npm-called and
    # fails, so an update prompt answered by mistake cannot install anything on this machine.
    write(f"{root}/bin/npm", f'#!/bin/sh\necho "$@" >> {shlex.quote(root)}/npm-called\nexit 1\n', 0o755)
    env = {"HOME": home, "TMPDIR": tmp, "PATH": f"{root}/bin:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    if agent == "claude":
        seed_claude(home, work, trust, key_approval)
        env.update(ANTHROPIC_BASE_URL=f"http://127.0.0.1:{port}", ANTHROPIC_API_KEY=API_KEY,
                   CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_AUTOUPDATER="1",
                   DISABLE_TELEMETRY="1", DISABLE_ERROR_REPORTING="1")
        args = [binary(agent)]
        if mode == "bypass":
            env["IS_SANDBOX"] = "1"  # root needs it for bypass mode
            args += ["--permission-mode", "bypassPermissions"]
        elif mode == "default":
            args += ["--permission-mode", "default"]
        # mode "auto": no flag; 2.1.332's own default is auto mode (a server-side classifier).
    else:
        codex_home = f"{home}/.codex"
        seed_codex(codex_home, work, port, approval, trust, update_check)
        env.update(CODEX_HOME=codex_home, OPENAI_API_KEY="sk-agentmeshlab")
        args = [binary(agent)]
    env.update(extra_env or {})  # a value of None removes that variable
    env = {k: v for k, v in env.items() if v is not None}
    # run.sh keeps TERM/COLORTERM from the pane (tmux sets them) and drops everything else.
    keep = 'env -i TERM="${TERM:-tmux-256color}" ${COLORTERM:+COLORTERM="$COLORTERM"} '
    script = ("#!/bin/sh\n# Written by agent_lab.py: starts the agent offline.\ncd " + shlex.quote(work) + " || exit 1\n"
              + "exec " + keep + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " "
              + " ".join(shlex.quote(a) for a in args) + "\n")
    write(f"{root}/run.sh", script, 0o700)
    return f"{root}/run.sh"


def tmux(sock, *args, timeout=10, check=True):
    r = subprocess.run([tmux_bin(), "-S", sock, "-f", "/dev/null", *args], capture_output=True, text=True,
                       timeout=timeout, env={k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")})
    if check and r.returncode != 0:
        raise RuntimeError(f"tmux {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def start_server(root):
    log = f"{root}/requests.jsonl"
    p = subprocess.Popen([sys.executable, f"{FIXTURES}/fake_model_server.py", "serve", "--log", log],
                         stdout=subprocess.PIPE, text=True, start_new_session=True)
    line = p.stdout.readline().strip()
    if not line.isdigit():
        p.kill()
        raise RuntimeError("fake model server did not print its port")
    write(f"{root}/server.pid", str(p.pid))
    return int(line), log, p.pid


def start(agent, root, port=None, width=120, height=30, **opts):
    root = os.path.abspath(root)
    os.makedirs(root, exist_ok=True)
    log, pid = None, None
    if port is None:
        port, log, pid = start_server(root)
    run = prepare(agent, root, port, **opts)
    sock = f"{root}/tmux.sock"
    pane = tmux(sock, "new-session", "-d", "-P", "-F", "#{pane_id}", "-s", "lab", "-n", agent,
                "-x", str(width), "-y", str(height), run).strip()
    return {"socket": sock, "pane": pane, "port": port, "log": log, "server_pid": pid, "started": time.time()}


def stop(root):
    root = os.path.abspath(root)
    tmux(f"{root}/tmux.sock", "kill-server", check=False)
    try:
        os.kill(int(open(f"{root}/server.pid").read()), signal.SIGTERM)
    except (OSError, ValueError):
        pass


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[0]
    def opt(name, default=None):
        return argv[argv.index(name) + 1] if name in argv else default
    root = opt("--root") or sys.exit("--root DIR is required")
    if cmd == "stop":
        return stop(root)
    agent = argv[1]
    if agent not in VERSIONS:
        sys.exit(f"unknown agent {agent}")
    opts = dict(mode=opt("--mode", "bypass"), approval=opt("--approval", "never"),
                trust="--no-trust" not in argv, key_approval="--no-key-approval" not in argv,
                update_check="--update-check" in argv)
    port = opt("--port")
    if cmd == "prepare":
        print(prepare(agent, root, int(port or sys.exit("--port is required")), **opts))
    elif cmd == "start":
        for k, v in start(agent, root, int(port) if port else None, **opts).items():
            print(f"{k}={v}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
