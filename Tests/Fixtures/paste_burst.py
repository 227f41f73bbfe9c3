#!/usr/bin/env python3
"""Paste-burst receiver: models Codex CLI's paste heuristic.

Usage: paste_burst.py SUBMISSIONS_FILE

Rule: characters arriving at most 8 ms apart form a burst once there are at least 3 of
them; an Enter arriving within 120 ms after the last character of a burst is taken as part
of a paste and inserted as a newline instead of submitting. Any other Enter submits the
input: it is appended to SUBMISSIONS_FILE as one line, newlines written as \\n.
Raw mode; no bracketed paste requested (worst case: only the enter delay can help).
The input line is redrawn as `burst> <text>`, newlines shown as `⏎`.
"""
import os
import sys
import time
import tty

BURST_GAP = 0.008
BURST_MIN = 3
ENTER_WINDOW = 0.120

fd = sys.stdin.fileno()
tty.setraw(fd)
buf = ""
run = 0            # characters in the current fast run
last_char = None   # arrival time of the last character
pending = b""


def draw():
    os.write(1, ("\r\x1b[Kburst> " + buf.replace("\n", "⏎")).encode())


os.write(1, b"burst receiver ready\r\n")
draw()
while True:
    data = os.read(fd, 65536)
    if not data:
        break
    now = time.monotonic()
    for b in data:
        if b == 13:
            in_burst = run >= BURST_MIN and last_char is not None and now - last_char <= ENTER_WINDOW
            if in_burst:
                buf += "\n"
            else:
                with open(sys.argv[1], "a", encoding="utf-8") as f:
                    f.write(buf.replace("\n", "\\n") + "\n")
                os.write(1, b"\r\n")
                buf = ""
                run = 0
            continue
        if last_char is not None and now - last_char <= BURST_GAP:
            run += 1
        else:
            run = 1
        last_char = now
        pending += bytes([b])
        try:
            buf += pending.decode()
            pending = b""
        except UnicodeDecodeError:
            pass
    draw()
