#!/usr/bin/env python3
"""Raw byte recorder: proves exactly which bytes reached the pane's program.

Usage: raw_recorder.py OUTFILE [--ignore-enter] [--ghost] [--busy SECONDS] [--slow-echo MS]

Puts the terminal in raw mode (no echo, no line editing, no signals), appends every byte it
reads to OUTFILE (unbuffered, as read), and draws a simple prompt `rec> ` so a sender's
verify step can observe submission: printable input is echoed on the input line; a CR
(Enter) moves to a new line and draws a fresh, empty prompt. With --ignore-enter a CR is
recorded but does nothing on screen (models a program that cannot be submitted to).
With --ghost a dim suggestion is drawn after the prompt, cursor left before it (ghost text).
With --busy N it reads nothing for N seconds after showing its prompt (a program busy with a
command or waiting for its model): input waits in the pty, unechoed.
With --slow-echo MS it pauses MS milliseconds after echoing each byte (a program that redraws
slowly): a sender's verify step then sees the echo half done.
"""
import os
import sys
import time
import tty

out_path = sys.argv[1]
ignore_enter = "--ignore-enter" in sys.argv
ghost = "--ghost" in sys.argv
slow_echo = float(sys.argv[sys.argv.index("--slow-echo") + 1]) / 1000 if "--slow-echo" in sys.argv else 0
fd = sys.stdin.fileno()
tty.setraw(fd)
out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)


def w(s):
    os.write(1, s.encode() if isinstance(s, str) else s)


def prompt():
    w("rec> ")
    if ghost:
        w("\x1b[2mtry: make test\x1b[0m\x1b[14D")


w("recorder ready\r\n")
prompt()
if "--busy" in sys.argv:
    time.sleep(float(sys.argv[sys.argv.index("--busy") + 1]))
typed = False
while True:
    data = os.read(fd, 65536)
    if not data:
        break
    os.write(out, data)
    for b in data:
        if b == 13:
            if ignore_enter:
                continue
            w("\r\n")
            typed = False
            prompt()
        else:
            if ghost and not typed:
                w("\x1b[K")
            typed = True
            w(bytes([b]))
            if slow_echo:
                time.sleep(slow_echo)
