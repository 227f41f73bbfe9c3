#!/usr/bin/env python3
"""Keeps a tmux client attached, as a person watching would, inside a pseudo-terminal.

Usage: attach_client.py TMUX_ARGS...   (e.g. -L sock attach -t sess)
Runs `tmux TMUX_ARGS` on a pty of 120x30 and drains its output until killed (SIGTERM).
"""
import fcntl
import os
import pty
import signal
import struct
import sys
import termios

pid, master = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execvp("tmux", ["tmux"] + sys.argv[1:])
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))


def stop(*_):
    try:
        os.kill(pid, signal.SIGTERM)
    finally:
        os._exit(0)


signal.signal(signal.SIGTERM, stop)
while True:
    try:
        if not os.read(master, 65536):
            break
    except OSError:
        break
