"""Helpers for the KFP tool tests (fixtures stay in each module so they remain explicit)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tools.base import ToolError, ToolResult, ToolSpec, describe_change, run_tool
from tools.kfp import KFP_TOOLS, KfpContext, make_kfp_client
from tools.storage import StorageContext, make_minio_client

TOOLS: dict[str, ToolSpec] = {spec.name: spec for spec in KFP_TOOLS}


def kfp_ctx(host: str, s3: Any | None, workdir: Path, *, timeout: float = 10.0) -> KfpContext:
    """A context as the app builds it: real kfp.Client over HTTP, SeaweedFS for artifacts and logs."""
    storage = None
    if s3 is not None:
        storage = StorageContext(
            client_factory=lambda: make_minio_client(s3.endpoint, s3.access_key, s3.secret_key),
            endpoint=s3.endpoint,
            workdir=workdir,
        )
    return KfpContext(
        client_factory=lambda: make_kfp_client(host, timeout=timeout), host=host, storage=storage, workdir=workdir
    )


def call(ctx: KfpContext, tool: str, **args: Any) -> ToolResult:
    return run_tool(TOOLS[tool], args, ctx)


def ok(ctx: KfpContext, tool: str, **args: Any) -> dict[str, Any]:
    result = call(ctx, tool, **args)
    assert result.ok, result.error
    assert isinstance(result.data, dict)
    return result.data


def fail(ctx: KfpContext, tool: str, **args: Any) -> ToolError:
    result = call(ctx, tool, **args)
    assert not result.ok, result.data
    assert result.error is not None
    return result.error


def preview(ctx: KfpContext, tool: str, **args: Any) -> str:
    return describe_change(TOOLS[tool], args, ctx)


def run_count(ctx: KfpContext) -> int:
    return int(ctx.client.list_runs(page_size=1).total_size or 0)


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def silent_listener() -> Iterator[str]:
    """A host that accepts TCP connections (kernel backlog) but never reads or answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@contextlib.contextmanager
def healthy_then_silent(seen: list[str] | None = None) -> Iterator[str]:
    """Answers /healthz like KFP, then hangs on every other request until the test ends.

    Every request's path is appended to `seen` when given.
    """
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            if seen is not None:
                seen.append(self.path)
            if self.path.endswith("/healthz"):
                _answer_json(self, b'{"multi_user": false}')
                return
            release.wait(30)

        def log_message(self, *args: Any) -> None:
            pass

    with _serving(Handler) as host:
        try:
            yield host
        finally:
            release.set()  # before the server shuts down: no handler left hanging


@contextlib.contextmanager
def closes_a_reused_connection(method: str) -> Iterator[tuple[str, list[str]]]:
    """A KFP-like server over HTTP/1.1 keep-alive that, once, closes a reused connection on a request.

    The first `method` request arriving on a connection that already served one gets no answer: the
    socket is closed, as a server does when its keep-alive timeout fires at the moment the client
    sends. Every other request is answered with an empty JSON object. Yields the host and the
    "METHOD path" of every request received.
    """
    seen: list[str] = []
    dropped = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        served = 0

        def _handle(self) -> None:
            seen.append(f"{self.command} {self.path}")
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.command == method and self.served and not dropped.is_set():
                dropped.set()
                self.close_connection = True
                return
            self.served += 1
            _answer_json(self, b"{}")

        do_GET = do_POST = _handle  # noqa: N815 - http.server API

        def log_message(self, *args: Any) -> None:
            pass

    with _serving(Handler) as host:
        yield host, seen


def _answer_json(handler: BaseHTTPRequestHandler, body: bytes) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextlib.contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` served on a loopback port in a thread, until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
