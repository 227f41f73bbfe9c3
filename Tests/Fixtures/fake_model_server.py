#!/usr/bin/env python3
"""Fake model server for the real-agent tests: Anthropic Messages and OpenAI Responses, both SSE.

Usage:
  fake_model_server.py serve --log LOG.jsonl [--port-file FILE] [--text TEXT] [--hold SECONDS]
      Binds 127.0.0.1 on a free port and prints the port (one line) on stdout when ready; with
      --port-file also writes it there (atomically: temp file, fsync, rename).
  fake_model_server.py control PORT JSON
      Posts JSON to the running server's /control and prints its answer.

Policy:
- Only agent-loop requests are turns: `POST /v1/messages` carrying a non-empty `tools` list
  (Claude Code's loop always offers tools; its title/quota side requests do not), and every
  `POST /v1/responses` carrying tools. Each turn appends ONE line to LOG (flushed and fsynced
  before the reply starts): {"n", "t", "api", "text", "texts", "tool_result", "action"} where
  `text` is the text of the LAST user message / input item (for a tool-result turn, the tool's
  output), `texts` every text block of that message, `tool_result` whether it answers a tool
  call. This log is the ground truth of what the agent received.
- Side requests (titles, quota checks, HEAD /api/hello, GET /v1/models, count_tokens) are
  answered minimally and written to LOG.side, never to LOG.
- What the next turns get is scripted over `POST /control` (JSON object, any of):
    {"default": ACTION}        reply used when no action is queued (start: text "OK", hold 0)
    {"push": [ACTION, ...]}    actions for the next turns, in order, one per turn
    {"release": true}          ends every hold now
    {"reset": true}            clears the queue and restores the start default
  ACTION: {"text": "…", "hold": SECONDS} (text reply, sent after holding SECONDS: the agent is
  busy meanwhile) or {"cmd": "echo hi", "hold": SECONDS} (a shell tool call: Claude `Bash`
  tool_use, Codex `exec_command {"cmd": …}`). `GET /control` returns the state and turn count.
- During a hold the stream is open (message_start / response.created already sent) and pings
  keep it alive, so the agent shows its busy screen rather than a connection error.
"""
import http.server
import json
import os
import sys
import threading
import time
import urllib.request

START_DEFAULT = {"text": "OK", "hold": 0}


class State:
    def __init__(self, log_path, default):
        self.lock = threading.Lock()
        self.log_path = log_path
        self.start_default = dict(default)
        self.default = dict(default)
        self.queue = []
        self.turns = 0
        self.release = threading.Event()

    def next_action(self):
        with self.lock:
            self.turns += 1
            n = self.turns
            action = self.queue.pop(0) if self.queue else dict(self.default)
        return n, action

    def append(self, path, record):
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        with self.lock:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)


def block_texts(content):
    """Text blocks of an Anthropic content value (string or list), tool results flattened."""
    if isinstance(content, str):
        return [content]
    out = []
    for b in content or []:
        if not isinstance(b, dict):
            continue
        if b.get("type") == "text":
            out.append(b.get("text", ""))
        elif b.get("type") == "tool_result":
            out.extend(block_texts(b.get("content", "")))
    return out


def anthropic_turn(body):
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    last = users[-1] if users else {"content": ""}
    content = last.get("content", "")
    is_tool = isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)
    texts = block_texts(content)
    plain = [t for t in texts if not t.startswith("<system-reminder>")]
    return {"text": (plain or texts or [""])[-1], "texts": texts, "tool_result": is_tool}


def openai_turn(body):
    items = body.get("input", [])
    if isinstance(items, str):
        return {"text": items, "texts": [items], "tool_result": False}
    last = items[-1] if items else {}
    if last.get("type") in ("function_call_output", "custom_tool_call_output"):
        out = last.get("output", "")
        text = out if isinstance(out, str) else json.dumps(out)
        return {"text": text, "texts": [text], "tool_result": True}
    users = [i for i in items if i.get("role") == "user"]
    item = users[-1] if users else last
    content = item.get("content", "")
    texts = [content] if isinstance(content, str) else [c.get("text", "") for c in content if isinstance(c, dict)]
    return {"text": (texts or [""])[-1], "texts": texts, "tool_result": False}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set by serve()

    def log_message(self, fmt, *args):
        pass

    def side(self, body=None):
        self.state.append(self.state.log_path + ".side", {"t": time.time(), "method": self.command,
                                                          "path": self.path, "body": body})

    def send_json(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return {"_raw": raw.decode("utf-8", "replace")}

    def do_HEAD(self):
        self.side()
        self.send_json(200, {})

    def do_GET(self):
        if self.path.startswith("/control"):
            s = self.state
            with s.lock:
                self.send_json(200, {"turns": s.turns, "queue": s.queue, "default": s.default})
            return
        self.side()
        if self.path.startswith("/v1/models"):
            self.send_json(200, {"object": "list", "data": [], "models": []})
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        body = self.read_body()
        path = self.path.split("?")[0]
        if path == "/control":
            return self.control(body)
        if path == "/v1/messages" and body.get("tools"):
            return self.turn("anthropic", body, anthropic_turn(body))
        if path == "/v1/responses" and body.get("tools"):
            return self.turn("openai", body, openai_turn(body))
        self.side(body)
        if path == "/v1/messages":
            return self.anthropic(body, {"text": "Side reply"}, 0)
        if path == "/v1/responses":
            return self.openai(body, {"text": "Side reply"}, 0)
        self.send_json(404 if not path.endswith("count_tokens") else 200, {"input_tokens": 1})

    def control(self, body):
        s = self.state
        with s.lock:
            if body.get("reset"):
                s.queue.clear()
                s.default = dict(s.start_default)
            if "default" in body:
                s.default = dict(body["default"])
            s.queue.extend(body.get("push", []))
        if body.get("release"):
            s.release.set()
        self.send_json(200, {"ok": True})

    def turn(self, api, body, seen):
        n, action = self.state.next_action()
        if action.get("hold"):
            self.state.release.clear()
        record = {"n": n, "t": time.time(), "api": api, **seen, "action": action}
        self.state.append(self.state.log_path, record)
        (self.anthropic if api == "anthropic" else self.openai)(body, action, n)

    # -- SSE ----------------------------------------------------------------------------------
    def start_sse(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def event(self, name, data):
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()

    def hold(self, seconds, ping):
        deadline = time.monotonic() + float(seconds or 0)
        while time.monotonic() < deadline and not self.state.release.is_set():
            self.state.release.wait(min(1.0, max(0.0, deadline - time.monotonic())))
            if time.monotonic() < deadline and not self.state.release.is_set():
                ping()

    def anthropic(self, body, action, n):
        model = body.get("model", "claude-sonnet-4-5")
        usage = {"input_tokens": 10, "output_tokens": 1, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        if "cmd" in action:
            block = {"type": "tool_use", "id": f"toolu_{n:06d}", "name": "Bash", "input": {}}
            args = json.dumps({"command": action["cmd"], "description": "Run the requested command"})
            delta, stop = {"type": "input_json_delta", "partial_json": args}, "tool_use"
        else:
            block = {"type": "text", "text": ""}
            delta, stop = {"type": "text_delta", "text": action.get("text", "OK")}, "end_turn"
        if not body.get("stream"):
            final = dict(block)
            if "cmd" in action:
                final["input"] = json.loads(args)
            else:
                final["text"] = delta["text"]
            return self.send_json(200, {"id": f"msg_{n}", "type": "message", "role": "assistant", "model": model,
                                        "content": [final], "stop_reason": stop, "stop_sequence": None, "usage": usage})
        self.start_sse()
        self.event("message_start", {"type": "message_start", "message": {
            "id": f"msg_{n}", "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": usage}})
        self.hold(action.get("hold"), lambda: self.event("ping", {"type": "ping"}))
        self.event("content_block_start", {"type": "content_block_start", "index": 0, "content_block": block})
        self.event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
        self.event("content_block_stop", {"type": "content_block_stop", "index": 0})
        self.event("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                     "usage": {"output_tokens": 5}})
        self.event("message_stop", {"type": "message_stop"})

    def openai(self, body, action, n):
        model = body.get("model", "gpt-5.5")
        resp = {"id": f"resp_{n}", "object": "response", "created_at": int(time.time()), "model": model,
                "status": "in_progress", "output": []}
        if "cmd" in action:
            item = {"type": "function_call", "id": f"fc_{n}", "call_id": f"call_{n}", "name": "exec_command",
                    "arguments": json.dumps({"cmd": action["cmd"]}), "status": "completed"}
        else:
            item = {"type": "message", "id": f"msg_{n}", "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": action.get("text", "OK"), "annotations": []}]}
        self.start_sse()
        self.event("response.created", {"type": "response.created", "response": resp})
        self.hold(action.get("hold"), lambda: self.wfile.write(b": ping\n\n") or self.wfile.flush())
        added = dict(item, status="in_progress")
        if item["type"] == "message":
            added["content"] = []
        self.event("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": added})
        if item["type"] == "message":
            self.event("response.output_text.delta", {"type": "response.output_text.delta", "item_id": item["id"],
                                                      "output_index": 0, "content_index": 0,
                                                      "delta": item["content"][0]["text"]})
        self.event("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item})
        done = dict(resp, status="completed", output=[item], usage={
            "input_tokens": 10, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 5,
            "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 15})
        self.event("response.completed", {"type": "response.completed", "response": done})


def serve(args):
    log = args[args.index("--log") + 1]
    default = dict(START_DEFAULT)
    if "--text" in args:
        default["text"] = args[args.index("--text") + 1]
    if "--hold" in args:
        default["hold"] = float(args[args.index("--hold") + 1])
    Handler.state = State(log, default)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    if "--port-file" in args:
        path = args[args.index("--port-file") + 1]
        fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, f"{port}\n".encode())
        os.fsync(fd)
        os.close(fd)
        os.rename(path + ".tmp", path)
    print(port, flush=True)
    httpd.serve_forever()


def control(port, payload):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/control", data=payload.encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        print(r.read().decode())


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        serve(sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "control":
        control(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
