"""The operations endpoint of a long-running swarmops: `/metrics` (Prometheus text), `/healthz`
(liveness: the process answers) and `/readyz` (readiness: the assistant is open and can take turns).

Served on its own port (`SWARMOPS_METRICS_PORT`) so probes and scrapes never pass through the Slack
signature check or the MCP bearer token, and so a cluster can keep that port off the ingress. It
runs in the serving command's event loop (aiohttp), whichever server that command runs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

log = logging.getLogger(__name__)


def ops_app(ready: Callable[[], str | None]) -> web.Application:
    """`ready()` returns None when ready, else why not (shown in the 503 body)."""

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        why = ready()
        if why is None:
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "not ready", "reason": why}, status=503)

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


async def serve_ops(host: str, port: int, ready: Callable[[], str | None]) -> web.AppRunner:
    """Start the endpoint; the caller cleans the returned runner up when it stops."""
    runner = web.AppRunner(ops_app(ready), access_log=None, shutdown_timeout=2)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("metrics and health on http://%s:%d (/metrics, /healthz, /readyz)", host, port)
    return runner


@contextlib.asynccontextmanager
async def ops_endpoint(host: str, port: int | None, ready: Callable[[], str | None]) -> AsyncIterator[None]:
    """The endpoint while the block runs, when a port is configured; nothing otherwise."""
    if port is None:
        yield
        return
    runner = await serve_ops(host, port, ready)
    try:
        yield
    finally:
        await runner.cleanup()
