"""A scripted OpenAI-compatible server on loopback, to test the real langchain-openai path.

It answers /v1/chat/completions (streamed as server-sent events, or as one JSON body) from a
script of replies and records every request, so tests can check what swarmops sent (tools,
parallel_tool_calls, the messages) through the same graph the offline planner drives.

Faults are scripted the same way: `fail(429, retry_after=1)` answers one request with an HTTP
error, `hang()` accepts a request and never answers it (until the test ends).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class OpenAIStub:
    url: str
    script: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: time.monotonic() of each request's arrival, parallel to `requests`.
    arrived: list[float] = field(default_factory=list)
    #: Set when the fixture ends, so hung handlers let go.
    released: threading.Event = field(default_factory=threading.Event)
    #: What GET /models answers (e.g. 401 to play an endpoint that rejects the key).
    models_status: int = 200

    def say(self, text: str) -> None:
        self.script.append({"content": text})

    def call(self, name: str, **args: Any) -> None:
        self.script.append({"tool": name, "args": args})

    def fail(self, status: int, *, retry_after: float | None = None, times: int = 1, message: str = "") -> None:
        """Answer the next `times` requests with HTTP `status` (and a Retry-After header when given)."""
        for _ in range(times):
            self.script.append({"status": status, "retry_after": retry_after, "message": message or f"HTTP {status}"})

    def hang(self) -> None:
        """Accept the next request and never answer it: a hung server, not a missing one."""
        self.script.append({"hang": True})


def _chunks(reply: dict[str, Any], n: int) -> list[dict[str, Any]]:
    base = {"id": f"chatcmpl-{n}", "object": "chat.completion.chunk", "created": 0, "model": "stub-model"}
    if "tool" in reply:
        delta = {
            "role": "assistant",
            "tool_calls": [
                {
                    "index": 0,
                    "id": f"call_{n}",
                    "type": "function",
                    "function": {"name": reply["tool"], "arguments": json.dumps(reply["args"])},
                }
            ],
        }
        finish = "tool_calls"
        deltas = [delta]
    else:
        words = reply["content"].split(" ")
        deltas = [{"role": "assistant", "content": ""}] + [
            {"content": w + (" " if i < len(words) - 1 else "")} for i, w in enumerate(words)
        ]
        finish = "stop"
    out = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    out.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    out.append({**base, "choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}})
    return out


def _make_handler(stub: OpenAIStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _json(self, body: Any, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.endswith("/models") and stub.models_status != 200:
                self._json({"error": {"message": f"HTTP {stub.models_status}"}}, stub.models_status)
            elif self.path.endswith("/models"):
                self._json({"object": "list", "data": [{"id": "stub-model", "object": "model"}]})
            else:
                self._json({"error": "not found"}, 404)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            body["_auth"] = self.headers.get("Authorization")
            stub.requests.append(body)
            stub.arrived.append(time.monotonic())
            if not stub.script:
                self._json({"error": {"message": "script exhausted"}}, 500)
                return
            reply = stub.script.pop(0)
            if reply.get("hang"):
                stub.released.wait(600)
                return
            if "status" in reply:
                data = json.dumps({"error": {"message": reply["message"], "type": "stub_error"}}).encode()
                self.send_response(reply["status"])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if reply["retry_after"] is not None:
                    self.send_header("Retry-After", f"{reply['retry_after']:g}")
                self.end_headers()
                self.wfile.write(data)
                return
            chunks = _chunks(reply, len(stub.requests))
            if not body.get("stream"):
                msg: dict[str, Any] = {"role": "assistant", "content": reply.get("content")}
                if "tool" in reply:
                    msg["tool_calls"] = chunks[0]["choices"][0]["delta"]["tool_calls"]
                    msg["tool_calls"][0].pop("index")
                self._json(
                    {
                        "id": "x",
                        "object": "chat.completion",
                        "created": 0,
                        "model": "stub-model",
                        "choices": [
                            {"index": 0, "message": msg, "finish_reason": chunks[-2]["choices"][0]["finish_reason"]}
                        ],
                        "usage": chunks[-1]["usage"],
                    }
                )
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for chunk in chunks:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)  # type: ignore[arg-type]
    stub = OpenAIStub(url=f"http://127.0.0.1:{server.server_address[1]}/v1")
    server.RequestHandlerClass = _make_handler(stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stub
    stub.released.set()
    server.shutdown()
    server.server_close()
