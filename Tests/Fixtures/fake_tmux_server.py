#!/usr/bin/env python3
"""A fake tmux server socket for TmuxWire's failure paths.

Usage: fake_tmux_server.py SOCKET_PATH silent|version

silent:  accepts a client, reads whatever it sends, never answers (a hung server).
version: answers the first bytes with MSG_VERSION (12), as a server of another protocol
         version does, then closes.
Serves one client, then exits; exits by itself after 10 s.
"""
import os
import signal
import socket
import struct
import sys

signal.alarm(10)
path, mode = sys.argv[1], sys.argv[2]
server = socket.socket(socket.AF_UNIX)
server.bind(path)
server.listen(1)
conn, _ = server.accept()
conn.recv(65536)
if mode == "version":
    conn.sendall(struct.pack("<IHHII", 12, 16, 0, 9, 0))
    conn.close()
else:
    while conn.recv(65536):
        pass
os.unlink(path)
