#!/usr/bin/env python3
"""Captures the real agents' screens in each state, and what Escape does on each dialog.

Usage: capture_screens.py AGENT TMUX_VERSION [SCENARIO ...]
  Runs under the tmux named by TMUX_BIN (else the one on PATH); TMUX_VERSION only names files.
  Writes Tests/Fixtures/screens/AGENT/<state>.<TMUX_VERSION>.ansi + .meta, and the facts seen
  (dismissed? exited? message after it received how often? command run? settings changed?) to
  Tests/Fixtures/screens/AGENT/observations.<TMUX_VERSION>.json.
Policy: every scenario runs in its own lab folder (fresh HOME, fresh fake server, fresh tmux
server) under $AGENT_MESH_LAB (default /work/lab or ~/.cache/agent-mesh/lab), removed after.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab_session import Session  # noqa: E402
import agent_lab  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.environ.get("AGENT_MESH_LAB") or os.path.expanduser("~/.cache/agent-mesh/lab")
FIVE_LINES = "line one\nline two\nline three\nline four\nline five"


def digest(path):
    try:
        return hashlib.sha256(open(path, "rb").read()).hexdigest()[:16]
    except FileNotFoundError:
        return None


class Run:
    def __init__(self, agent, ver):
        self.agent, self.ver = agent, ver
        self.out = f"{REPO}/Tests/Fixtures/screens/{agent}"
        self.facts = {}
        self.n = 0

    def session(self, **opts):
        self.n += 1
        root = f"{LAB}/{self.agent}-{self.ver}-{os.getpid()}-{self.n}"
        shutil.rmtree(root, ignore_errors=True)
        return Session(self.agent, root, **opts)

    def save(self, s, state):
        s.save(self.out, state, self.ver)

    def settings(self, s):
        home = f"{s.root}/home"
        if self.agent == "codex":
            return {"config.toml": digest(f"{home}/.codex/config.toml")}
        return {"settings.json": digest(f"{home}/.claude/settings.json"),
                "claude.json.keys": self.claude_keys(home)}

    @staticmethod
    def claude_keys(home):
        """The user-facing answers Claude keeps in ~/.claude.json (its own bookkeeping such as
        lastCost or numStartups changes on every run and is left out; so is `theme`, which it
        drops from the file by itself a few seconds after start)."""
        try:
            cfg = json.load(open(f"{home}/.claude.json"))
        except (OSError, ValueError):
            return None
        keys = cfg.get("customApiKeyResponses") or {}
        project = (cfg.get("projects") or {}).get(f"{os.path.dirname(home)}/work", {})
        return {"approvedKeys": keys.get("approved", []), "rejectedKeys": keys.get("rejected", []),
                "trusted": project.get("hasTrustDialogAccepted", False)}

    def escape_then_send(self, s, state, before, key="Escape", presses=1):
        """Presses key (up to `presses` times, until the composer is back) on a dialog, records
        what followed, then pastes a message + Enter and counts how often the model got it."""
        fact = {"key": key}
        for i in range(1, presses + 1):
            s.keys(key)
            time.sleep(1.0)
            self.save(s, f"{state}-after-{key.lower()}" + (f"{i}" if i > 1 else ""))
            fact["presses"] = i
            if not s.alive() or s.is_idle(s.screen()):
                break
        alive = s.alive()
        fact.update(alive_after=alive, composer_idle_after=alive and s.is_idle(s.screen()))
        if alive:
            marker = f"after {state} {key}"
            s.send(marker)
            s.wait_turns(len(s.turns()) + 1, timeout=6)
            time.sleep(0.5)
            fact["message_after_received"] = s.received(marker)
            fact["screen_tail_after_message"] = s.screen().rstrip().splitlines()[-6:]
        after = self.settings(s)
        fact["settings_unchanged"] = after == before
        if after != before:
            fact["settings_before"], fact["settings_after"] = before, after
        self.facts[state] = fact
        return fact

    # -- scenarios ----------------------------------------------------------------------------
    def basic(self):
        """just-started, idle, after a turn, busy, queued, draft, collapsed paste."""
        s = self.session()
        try:
            # Poll from the start: the two captures at 0.2 s and 0.6 s, and when the composer first shows.
            pending, first = [0.2, 0.6], None
            while pending or first is None:
                elapsed = time.time() - s.started
                if first is None and s.is_idle(s.screen()):
                    first = round(elapsed, 2)
                if pending and elapsed >= pending[0]:
                    self.save(s, f"just-started-{pending.pop(0)}s")
                if elapsed > 20:
                    break
                time.sleep(0.02)
            self.facts["composer_up_after_s"] = first
            s.wait_idle(20)
            time.sleep(0.5)
            self.save(s, "idle-fresh")
            s.send("first message")
            s.wait_turns(1)
            s.wait_idle(10)
            time.sleep(0.5)
            self.save(s, "idle-after-turn")
            s.control(push=[{"text": "slow reply", "hold": 30}])
            s.send("please work slowly")
            s.wait_turns(2)
            s.wait(s.is_busy, 5)
            time.sleep(1.0)
            self.save(s, "busy")
            s.send("queued message")
            time.sleep(1.0)
            self.save(s, "busy-queued")
            s.control(release=True)
            s.wait_turns(3, timeout=15)
            s.wait_idle(10)
            self.facts["queued_received"] = s.received("queued message")
            s.type("a human draft, not sent")
            time.sleep(0.5)
            self.save(s, "draft")
            s.keys("C-u")
            time.sleep(0.3)
            self.facts["ctrl_u_clears_draft"] = s.is_idle(s.screen()) and "human draft" not in s.screen()
            s.keys("Escape") if "human draft" in s.screen() else None
            long = FIVE_LINES if self.agent == "claude" else "x" * 1200
            s.paste(long)
            time.sleep(0.5)
            self.save(s, "paste-collapsed")
            s.keys("Enter")
            turns = s.wait_turns(4, timeout=8)
            self.facts["collapsed_paste_received_whole"] = sum(1 for t in turns if any(long in b for b in t["texts"]))
        finally:
            s.close()

    def dialogs(self):
        """Slash-command dialogs: /help, /model, /config (Claude); /model + reasoning (Codex)."""
        names = ["help", "model", "config"] if self.agent == "claude" else ["model"]
        for name in names:
            s = self.session()
            try:
                s.wait_idle(20)
                time.sleep(0.5)
                before = self.settings(s)
                s.type(f"/{name}")
                time.sleep(0.3)
                s.keys("Enter")
                time.sleep(1.5)
                self.save(s, name)
                if self.agent == "codex" and name == "model":
                    # Esc on the picker first; then a second run goes one level in for the reasoning list.
                    self.escape_then_send(s, "model", before, presses=3)
                    s.type("/model")
                    time.sleep(0.3)
                    s.keys("Enter")
                    time.sleep(1.5)
                    s.keys("Enter")  # picks the highlighted (current) model: opens the reasoning list
                    time.sleep(1.5)
                    self.save(s, "model-reasoning")
                    self.escape_then_send(s, "model-reasoning", before, presses=3)
                else:
                    self.escape_then_send(s, name, before, presses=3)
            finally:
                s.close()

    def trust(self):
        s = self.session(trust=False)
        try:
            time.sleep(4)
            self.save(s, "trust-dialog")
            self.escape_then_send(s, "trust-dialog", self.settings(s))
        finally:
            s.close()

    def api_key(self):
        s = self.session(key_approval=False)
        try:
            time.sleep(4)
            self.save(s, "api-key-question")
            self.escape_then_send(s, "api-key-question", self.settings(s))
        finally:
            s.close()

    def permission(self, mode, first_key="Escape"):
        """The model asks for a shell command outside the working folder (Claude mode default or
        auto; Codex approval_policy untrusted): capture the prompts, then what Escape does."""
        opts = {"mode": mode} if self.agent == "claude" else {"approval": "untrusted"}
        s = self.session(**opts)
        try:
            s.wait_idle(20)
            time.sleep(0.5)
            before = self.settings(s)
            flag = f"{s.root}/command-ran"
            s.control(push=[{"cmd": f"touch {flag}"}, {"text": "done"}])
            s.send("run the command please")
            s.wait_turns(1)
            time.sleep(2.5)
            state = f"permission-{mode}" if self.agent == "claude" else "approval"
            self.save(s, state)
            if "Auto mode can't check" in s.screen() and first_key == "Enter":
                s.keys("Enter")  # the lab answers it (a throwaway session) to reach the next prompt
                time.sleep(2.0)
                state = "permission-auto-proceed"
                self.save(s, state)
            fact = self.escape_then_send(s, state, before)
            time.sleep(1.0)
            fact["command_ran"] = os.path.exists(flag)
            fact["tool_result_turns"] = [t["text"][:200] for t in s.turns() if t["tool_result"]]
            fact["turns"] = len(s.turns())
        finally:
            s.close()

    def update(self):
        """Codex: a cached version.json naming a newer release, update checks on. A standalone
        binary only gets a banner; the prompt with an "Update now" action needs an install method
        Codex knows (CODEX_MANAGED_BY_NPM=1 claims npm). Nobody presses Enter on it here."""
        s = None
        root = f"{LAB}/{self.agent}-{self.ver}-{os.getpid()}-update"
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(f"{root}/home/.codex", exist_ok=True)
        agent_lab.write(f"{root}/home/.codex/version.json", json.dumps({
            "latest_version": "0.999.0", "last_checked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "dismissed_version": None}))
        try:
            s = Session(self.agent, root, update_check=True, extra_env={"CODEX_MANAGED_BY_NPM": "1"})
            time.sleep(4)
            self.save(s, "update-prompt")
            self.facts["update-prompt-seen"] = "Update now" in s.screen()
            if self.facts["update-prompt-seen"]:
                self.escape_then_send(s, "update-prompt", self.settings(s))
        finally:
            if s:
                s.close()


def main():
    agent, ver, *which = sys.argv[1:] or sys.exit(__doc__)
    seen = subprocess.run([agent_lab.tmux_bin(), "-V"], capture_output=True, text=True, timeout=5).stdout.strip()
    if seen != f"tmux {ver}":
        sys.exit(f"capture_screens: {agent_lab.tmux_bin()} is '{seen}', not tmux {ver} (set TMUX_BIN)")
    run = Run(agent, ver)
    scenarios = {"basic": run.basic, "dialogs": run.dialogs, "trust": run.trust,
                 "permission": lambda: run.permission("default")}
    if agent == "claude":
        scenarios.update(api_key=run.api_key, auto=lambda: run.permission("auto"),
                         auto_enter=lambda: run.permission("auto", "Enter"))
    else:
        scenarios.update(update=run.update)
    for name in which or list(scenarios):
        t0 = time.time()
        try:
            scenarios[name]()
        except Exception as e:  # a scenario failing must not stop the others; the error is a fact too
            run.facts[f"{name}-error"] = repr(e)
        print(f"{agent} {ver} {name}: {time.time() - t0:.1f}s", flush=True)
    path = f"{run.out}/observations.{ver}.json"
    old = json.load(open(path)) if os.path.exists(path) else {}
    old.update(run.facts)
    agent_lab.write(path, json.dumps(old, indent=2, ensure_ascii=False) + "\n", 0o644)


if __name__ == "__main__":
    main()
