#!/usr/bin/env python3
"""Delivery into the real Claude Code and Codex, timed at the fake model server (agents.sh runs it).

Usage: agents_bench.py BIN_DIR [agent ...]      (N=20 trials by default, env N)
Per agent, in one lab (Tests/Agents/lab_session.py: private tmux server, fresh HOME, the fake
model answering "OK" at once):
1. latency: from the start of `notify-pane <addr> <msg>` to the server logging the turn that
   carries it (the log's own timestamp), median of N; interleaved with the same message sent
   as tmux-agent-comms does (`send-keys -l`, sleep 0.4 s, `send-keys Enter`), same clock.
2. enter delay: the smallest delay at which N of N submit on the first Enter, per mode:
   "paste" = notify-pane with AGENT_MESH_ENTER_DELAY=<d> (bracketed paste, Enter after d in the
   server; a trial fails when its trace shows the second Enter or the model did not get the text
   exactly once), "send-keys" = `send-keys -l`, sleep d, `send-keys Enter` (fails when the model
   did not get the text exactly once, unchanged). A level stops at its first failure; after a
   failure the agent is restarted so the next trial starts clean.
Prints a table; asserts nothing. Every wait is bounded.
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, f"{REPO}/Tests/Agents")
from lab_session import Session  # noqa: E402

N = int(os.environ.get("N", "20"))
LAB = os.environ.get("AGENT_MESH_LAB") or os.path.expanduser("~/.cache/agent-mesh/lab")
DELAYS = [0, 0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3, 0.5]


class Bench:
    def __init__(self, agent, bin_dir):
        self.agent, self.bin = agent, bin_dir
        self.root = f"{LAB}/bench-{agent}-{os.getpid()}"
        subprocess.run(["rm", "-rf", self.root], timeout=30)
        self.s = Session(agent, self.root)
        self.home = f"{self.root}/mesh-home"
        os.makedirs(f"{self.home}/.agents", exist_ok=True)
        with open(f"{self.home}/.agents/self.conf", "w") as f:
            f.write("bhost\n")
        self.env = {"HOME": self.home, "TMUX_SOCKET": self.s.sock, "PATH": os.environ["PATH"], "AGENT_NAME": "bench"}
        self.n = 0
        if not self.s.wait_idle(45)[0]:
            raise RuntimeError(f"{agent}: no idle composer:\n{self.s.screen()}")
        time.sleep(1.0)
        subprocess.run([f"{bin_dir}/agent-register-hook", "on", "lab"], env=self.env, timeout=30, check=True)
        self.address = f"bhost-lab-{agent}"

    def marker(self, what):
        self.n += 1
        return f"bench {what} {self.n} {os.getpid()}"

    def arrival(self, text, timeout=15.0):
        """The server's timestamp of the first turn carrying text, and how many turns carry it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hits = [t for t in self.s.turns() if any(text in b for b in t.get("texts", []))]
            if hits:
                time.sleep(0.3)
                hits = [t for t in self.s.turns() if any(text in b for b in t.get("texts", []))]
                return hits[0]["t"], len(hits), hits[0]["texts"]
            time.sleep(0.01)
        return None, 0, []

    def settle(self):
        ok, _ = self.s.wait_idle(15)
        time.sleep(0.3)
        return ok

    def notify(self, text, delay=None, trace=False):
        env = dict(self.env)
        if delay is not None:
            env["AGENT_MESH_ENTER_DELAY"] = str(delay)
        if trace:
            env["AGENT_MESH_TRACE"] = "1"
        return subprocess.run([f"{self.bin}/notify-pane", "-q", self.address, text], env=env, timeout=60,
                              capture_output=True, text=True)

    def keys(self, text, gap):
        self.s.type(text)
        time.sleep(gap)
        self.s.keys("Enter")

    def restart(self):
        self.s.tmux("respawn-pane", "-k", "-t", self.s.pane, f"{self.root}/run.sh")
        self.s.wait_idle(45)
        time.sleep(1.0)

    def latency(self):
        ours, theirs, lost = [], [], {"notify-pane": 0, "send-keys": 0}
        for _ in range(N):
            m = self.marker("latency")
            t0 = time.time()
            r = self.notify(m)
            t, count, _ = self.arrival(m)
            if t and count == 1 and r.returncode == 0:
                ours.append(t - t0)
            else:
                lost["notify-pane"] += 1
            self.settle()
            m = self.marker("latency")
            tag = f"[from bench @ {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}] {m}"
            t0 = time.time()
            self.keys(tag, 0.4)
            t, count, _ = self.arrival(m)
            if t and count == 1:
                theirs.append(t - t0)
            else:
                lost["send-keys"] += 1
                self.restart()
            self.settle()
        return ours, theirs, lost

    def trial(self, mode, delay):
        m = self.marker(f"{mode} {delay}")
        if mode == "paste":
            r = self.notify(m, delay=delay, trace=True)
            _, count, texts = self.arrival(m, timeout=8)
            ok = r.returncode == 0 and "second Enter" not in r.stderr and count == 1
        else:
            self.keys(m, delay)
            _, count, texts = self.arrival(m, timeout=5)
            ok = count == 1 and any(b == m for b in texts)
        if ok:
            ok = self.settle()
        if not ok:
            self.restart()
        return ok

    def smallest_delay(self, mode):
        levels = []
        for d in DELAYS:
            good = 0
            for _ in range(N):
                if not self.trial(mode, d):
                    break
                good += 1
            levels.append(f"{int(d * 1000)}ms:{good}")
            if good == N:
                return d, levels
        return None, levels

    def close(self):
        self.s.close()
        subprocess.run(["rm", "-rf", self.root], timeout=30)


def ms(x):
    return f"{x * 1000:.0f}"


def main():
    bin_dir, *agents = sys.argv[1:] or sys.exit(__doc__)
    rows = []
    for agent in agents or ["claude", "codex"]:
        b = Bench(agent, bin_dir)
        try:
            t0 = time.time()
            ours, theirs, lost = b.latency()
            paste, paste_levels = b.smallest_delay("paste")
            keys, keys_levels = b.smallest_delay("send-keys")
            rows.append((agent, ours, theirs, lost, paste, paste_levels, keys, keys_levels, time.time() - t0))
        finally:
            b.close()
    print(f"\nreal agents, N={N}, load {open('/proc/loadavg').read().split()[:3]}")
    print(f"{'agent':8} {'notify-pane median':>19} {'send-keys+0.4s+Enter':>21} {'ratio':>6}  lost (np/sk)")
    for agent, ours, theirs, lost, *_ in rows:
        mo = statistics.median(ours) if ours else float("nan")
        mt = statistics.median(theirs) if theirs else float("nan")
        print(f"{agent:8} {ms(mo):>16} ms {ms(mt):>18} ms {mo / mt:>6.2f}  {lost['notify-pane']}/{lost['send-keys']}"
              f"   (notify-pane min {ms(min(ours)) if ours else '-'} max {ms(max(ours)) if ours else '-'} ms)")
    print(f"\nsmallest enter delay with {N}/{N} submitted on the first Enter")
    for agent, _, _, _, paste, pl, keys, kl, took in rows:
        fmt = lambda d: "none ≤ 500 ms" if d is None else f"{int(d * 1000)} ms"
        print(f"{agent:8} bracketed paste (notify-pane): {fmt(paste):>14}   [{' '.join(pl)}]")
        print(f"{'':8} send-keys -l + Enter:          {fmt(keys):>14}   [{' '.join(kl)}]   ({took:.0f} s)")


if __name__ == "__main__":
    main()
