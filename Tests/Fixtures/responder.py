#!/usr/bin/env python3
"""A scripted agent: answers every tagged message it reads with `notify-pane --reply`.

Usage: responder.py NOTIFY_PANE_BINARY [--silent]
Reads lines from its terminal (canonical mode: a submitted line at a time). For a line with
`[id:<id>]` it runs `<binary> --reply <id> "answer: <the text after the tags>"`, unless the
text holds [no-reply] or --silent is given. Prints `replied <id> <exit code>` after each."""
import re
import subprocess
import sys

binary = sys.argv[1]
silent = "--silent" in sys.argv
print("responder ready", flush=True)
for line in sys.stdin:
    m = re.search(r"\[id:([0-9a-z]{16})\]", line)
    if not m or silent or "[no-reply]" in line:
        continue
    text = re.sub(r"^\[from [^\]]*\] (\[(id|re):[0-9a-z]{16}\] |\[hop:[0-9]+\] )*", "", line.strip())
    r = subprocess.run([binary, "-q", "--reply", m.group(1), "answer: " + text], timeout=30)
    print(f"replied {m.group(1)} {r.returncode}", flush=True)
