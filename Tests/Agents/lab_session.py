"""One running agent in the lab, with the moves a test or a capture script makes on it.

Policy: every wait has a deadline and returns what it saw instead of hanging; text is handed to
tmux on stdin (load-buffer) or with `send-keys -l --`, never through a shell; a capture is saved
as data (`capture-pane -p -e` plus a meta file with cursor, size, current command and the pane's
process tree).
"""
import json
import os
import subprocess
import time
import urllib.request

import agent_lab

FIXTURES = agent_lab.FIXTURES


class Session:
    def __init__(self, agent, root, **opts):
        self.agent, self.root = agent, os.path.abspath(root)
        info = agent_lab.start(agent, self.root, **opts)
        self.sock, self.pane, self.port, self.log = info["socket"], info["pane"], info["port"], info["log"]
        self.started = info["started"]
        self.buffers = 0

    # -- tmux ---------------------------------------------------------------------------------
    def tmux(self, *args, input=None, check=True):
        r = subprocess.run([agent_lab.tmux_bin(), "-S", self.sock, *args], input=input, capture_output=True,
                           timeout=10, env={k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")})
        if check and r.returncode != 0:
            raise RuntimeError(f"tmux {args[0]}: {r.stderr.decode(errors='replace').strip()}")
        return r.stdout.decode("utf-8", "replace")

    def screen(self, ansi=False):
        return self.tmux("capture-pane", "-p", *(["-e"] if ansi else []), "-t", self.pane, check=False)

    def alive(self):
        out = self.tmux("display-message", "-p", "-t", self.pane, "#{pane_dead} #{pane_current_command}", check=False)
        return bool(out.strip()) and not out.startswith("1")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", self.pane, *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", self.pane, "-l", "--", text)

    def paste(self, text):
        """Bracketed paste of text (load-buffer from stdin, paste-buffer -p -d)."""
        if not self.alive():
            raise RuntimeError("pane is dead; not pasting (tmux 3.3a crashes on paste into a dead pane)")
        self.buffers += 1
        name = f"lab-{os.getpid()}-{self.buffers}"
        self.tmux("load-buffer", "-b", name, "-", input=text.encode())
        self.tmux("paste-buffer", "-p", "-d", "-b", name, "-t", self.pane)

    def send(self, text, gap=0.1):
        self.paste(text)
        time.sleep(gap)
        self.keys("Enter")

    # -- waits --------------------------------------------------------------------------------
    def wait(self, predicate, timeout=10.0, step=0.05):
        """Polls predicate(screen) until true or timeout; returns the last screen and the verdict."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.screen()
            if predicate(s):
                return True, s
            if time.monotonic() >= deadline:
                return False, s
            time.sleep(step)

    def is_idle(self, s):
        """The agent's own composer, idle: Claude `❯` + U+00A0 at a line start (history lines use a
        plain space, menus indent their `❯`); Codex: the last two non-blank lines are `› …` (the
        composer, maybe a dim placeholder) and its footer `  <model> … · <cwd>` (pickers end with
        "Press enter to confirm"). Neither while "esc to interrupt" shows (busy)."""
        if "esc to interrupt" in s:
            return False
        lines = [l.rstrip() for l in s.splitlines() if l.strip()]
        if self.agent == "claude":
            return any(l.startswith("❯\u00a0") or l == "❯" for l in lines)
        return len(lines) >= 2 and lines[-2].startswith("›") and lines[-1].startswith("  ") and " · " in lines[-1]

    def is_busy(self, s):
        return "esc to interrupt" in s

    def wait_idle(self, timeout=15.0):
        return self.wait(self.is_idle, timeout)

    def turns(self):
        try:
            with open(self.log, encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def wait_turns(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        while len(self.turns()) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.turns()

    def received(self, text):
        """How many turns carried text (in any text block of the last user message)."""
        return sum(1 for t in self.turns() if any(text in b for b in t.get("texts", [])))

    # -- fake model control -------------------------------------------------------------------
    def control(self, **payload):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/control", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    # -- captures -----------------------------------------------------------------------------
    def process_tree(self):
        pid = self.tmux("display-message", "-p", "-t", self.pane, "#{pane_pid}", check=False).strip()
        rows = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, timeout=5).stdout.split()
        children = {}
        for p, pp in zip(rows[0::2], rows[1::2]):
            children.setdefault(pp, []).append(p)
        pids, todo = [], [pid] if pid else []
        while todo:
            p = todo.pop()
            pids.append(p)
            todo.extend(children.get(p, []))
        if not pids:
            return ""
        r = subprocess.run(["ps", "-o", "pid,ppid,comm,args", "--forest", "-p", ",".join(pids)],
                           capture_output=True, text=True, timeout=5)
        # Paths of this lab run vary; keep them recognisable but stable.
        return r.stdout.replace(self.root, "$LAB")

    def save(self, outdir, state, tmux_version):
        os.makedirs(outdir, exist_ok=True)
        base = f"{outdir}/{state}.{tmux_version}"
        ansi = self.screen(ansi=True).replace(self.root, "$LAB")
        meta = self.tmux("display-message", "-p", "-t", self.pane,
                         "#{cursor_x} #{cursor_y} #{pane_width} #{pane_height} #{pane_current_command}", check=False)
        agent_lab.write(base + ".ansi", ansi, 0o644)
        agent_lab.write(base + ".meta", meta.strip() + "\n" + self.process_tree(), 0o644)
        return base

    def close(self):
        agent_lab.stop(self.root)
