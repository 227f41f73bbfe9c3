#!/usr/bin/env python3
"""A prompt_toolkit PromptSession: records each submitted line to OUTFILE.

Usage: ptk_prompt.py OUTFILE
"""
import sys

from prompt_toolkit import PromptSession

session = PromptSession()
while True:
    try:
        text = session.prompt("ptk> ")
    except KeyboardInterrupt:
        continue
    except EOFError:
        break
    with open(sys.argv[1], "a", encoding="utf-8") as f:
        f.write(text + "\n")
