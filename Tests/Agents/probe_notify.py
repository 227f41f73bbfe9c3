#!/usr/bin/env python3
"""Probes the built notify-pane against a real agent in each blocking state; prints facts as JSON.

Usage: probe_notify.py AGENT [STATE ...]    (states: idle help model config permission auto
                                             approval trust api-key reasoning update just-started)
For each state: a fresh lab (agent_lab.py), the window registered with the built
agent-register-hook, the state brought up, then one `notify-pane <address> <marker>`; records
its exit code and stderr, whether the fake model received the marker (and how often), whether
the dialog is still up, whether the agent's settings changed and whether the requested command
ran. Binaries: .build/debug/{notify-pane,agent-register-hook}. Every wait is bounded.
"""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab_session import Session  # noqa: E402
from capture_screens import REPO, LAB, Run  # noqa: E402

BUILD = f"{REPO}/.build/debug"


def tool_env(s, home):
    return {"HOME": home, "TMUX_SOCKET": s.sock, "PATH": os.environ["PATH"], "AGENT_NAME": "tester",
            "TMUX_BIN": os.environ.get("TMUX_BIN", "")}


def probe(agent, state):
    run = Run(agent, "probe")
    opts = {}
    if state == "permission":
        opts = {"mode": "default"}
    elif state == "auto":
        opts = {"mode": "auto"}
    elif state == "approval":
        opts = {"approval": "untrusted"}
    elif state == "trust":
        opts = {"trust": False}
    elif state == "api-key":
        opts = {"key_approval": False}
    elif state == "update":
        opts = {"update_check": True, "extra_env": {"CODEX_MANAGED_BY_NPM": "1"}}
    root = f"{LAB}/probe-{agent}-{state}"
    shutil.rmtree(root, ignore_errors=True)
    if state == "update":
        os.makedirs(f"{root}/home/.codex", exist_ok=True)
        with open(f"{root}/home/.codex/version.json", "w") as f:
            json.dump({"latest_version": "0.999.0", "last_checked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, f)
    s = Session(agent, root, **opts)
    mhome = f"{root}/mesh-home"
    os.makedirs(f"{mhome}/.agents", exist_ok=True)
    with open(f"{mhome}/.agents/self.conf", "w") as f:
        f.write("testhost\n")
    env = tool_env(s, mhome)
    fact = {"agent": agent, "state": state}
    try:
        subprocess.run([f"{BUILD}/agent-register-hook", "on", "lab"], env=env, timeout=20, capture_output=True)
        flag = f"{root}/command-ran"
        if state not in ("trust", "api-key", "update", "just-started"):
            s.wait_idle(20)
            time.sleep(0.8)
        before = run.settings(s)
        if state in ("help", "model", "config", "reasoning"):
            s.type("/model" if state == "reasoning" else f"/{state}")
            time.sleep(0.3)
            s.keys("Enter")
            time.sleep(1.5)
            if state == "reasoning":
                s.keys("Enter")
                time.sleep(1.5)
        elif state in ("permission", "approval", "auto"):
            s.control(push=[{"cmd": f"touch {flag}"}, {"text": "done"}])
            s.send("run the command please")
            s.wait_turns(1)
            time.sleep(2.5)
        elif state in ("trust", "api-key", "update"):
            time.sleep(4)
        fact["screen_before"] = [l for l in s.screen().splitlines() if l.strip()][-6:]
        turns_before = len(s.turns())
        marker = f"probe {agent} {state} marker"
        t0 = time.time()
        r = subprocess.run([f"{BUILD}/notify-pane", f"testhost-lab-{agent}", marker], env=env, timeout=60,
                           capture_output=True, text=True)
        fact.update(exit=r.returncode, stderr=r.stderr.strip(), stdout=r.stdout.strip(), seconds=round(time.time() - t0, 2))
        s.wait_turns(turns_before + 1, timeout=8)
        time.sleep(1.0)
        fact["model_received"] = s.received(marker)
        fact["alive_after"] = s.alive()
        fact["screen_after"] = [l for l in s.screen().splitlines() if l.strip()][-6:]
        after = run.settings(s)
        fact["settings_unchanged"] = after == before
        if after != before:
            fact["settings_before"], fact["settings_after"] = before, after
        if state in ("permission", "approval", "auto"):
            fact["command_ran"] = os.path.exists(flag)
        if os.path.exists(f"{root}/npm-called"):
            fact["npm_called_with"] = open(f"{root}/npm-called").read().strip()
    finally:
        s.close()
    return fact


def main():
    agent, *states = sys.argv[1:] or sys.exit(__doc__)
    for st in states or ["idle", "help", "model", "config", "permission", "trust", "api-key"]:
        print(json.dumps(probe(agent, st), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
