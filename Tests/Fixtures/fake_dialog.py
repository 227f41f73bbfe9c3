#!/usr/bin/env python3
"""A fake Claude Code /config dialog in front of a recorder prompt.

Usage: fake_dialog.py OUTFILE

Draws a settings dialog with the `Status  Config  Usage  Stats` tab strip. Bytes typed while
it is open are "eaten" (recorded as `ATE:<bytes>` lines). A lone Escape closes it and shows a
`> ` prompt; from then on each submitted line (Enter) is recorded as `SUBMIT:<line>`.
"""
import os
import sys
import tty

fd = sys.stdin.fileno()
tty.setraw(fd)


def rec(s):
    with open(sys.argv[1], "a", encoding="utf-8") as f:
        f.write(s + "\n")


def w(s):
    os.write(1, s.encode())


w("\x1b[2J\x1b[H")
w("╭──────────────────────────────────────────╮\r\n")
w("│ Settings                                 │\r\n")
w("│   Status   Config   Usage   Stats        │\r\n")
w("│                                          │\r\n")
w("│   Search settings…                       │\r\n")
w("│   Esc to cancel                          │\r\n")
w("╰──────────────────────────────────────────╯\r\n")
w("  search: ")
in_dialog = True
line = b""
while True:
    data = os.read(fd, 65536)
    if not data:
        break
    if in_dialog:
        if data == b"\x1b":
            in_dialog = False
            w("\x1b[2J\x1b[H> ")
        else:
            rec("ATE:" + data.decode(errors="replace"))
            w(data.decode(errors="replace"))
        continue
    for b in data:
        if b == 13:
            rec("SUBMIT:" + line.decode(errors="replace"))
            line = b""
            w("\r\n> ")
        else:
            line += bytes([b])
            os.write(1, bytes([b]))
