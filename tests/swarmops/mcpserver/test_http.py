"""MCP over streamable HTTP: a bearer token required, Host and Origin checked, identity audited."""

from __future__ import annotations

import socket
from pathlib import Path

import anyio
import httpx2
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from swarmops.mcpserver.server import MCP_PATH, http_app
from tests.helpers import raw_client
from tests.swarmops.mcpserver.harness import audit, server_for, storage

TOKEN = "mcp-test-token-0123456789abcdef"
INIT = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_http_needs_the_token_checks_origin_and_audits_the_holder(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("over-http")
    port = _port()
    url = f"http://127.0.0.1:{port}{MCP_PATH}"
    app = http_app(server_for(tmp_path, storage(tmp_path, s3_endpoint)), "127.0.0.1", port, TOKEN)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    async with anyio.create_task_group() as group:
        group.start_soon(server.serve)
        while not server.started:
            await anyio.sleep(0.01)
        try:
            async with httpx2.AsyncClient() as raw:
                anonymous = await raw.post(url, json=INIT, headers=headers)
                wrong = await raw.post(url, json=INIT, headers={**headers, "Authorization": "Bearer nope"})
                evil = {**headers, "Authorization": f"Bearer {TOKEN}", "Origin": "http://evil.example"}
                rebinding = await raw.post(url, json=INIT, headers=evil)
            bearer = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"})
            async with bearer as http, Client(streamable_http_client(url, http_client=http)) as client:
                listed = await client.call_tool("list_buckets", {})
        finally:
            server.should_exit = True
    assert anonymous.status_code == 401 and wrong.status_code == 401
    assert rebinding.status_code == 403
    assert not listed.is_error and listed.structured_content["data"]["buckets"][0]["name"] == "over-http"
    assert audit(tmp_path)[-1]["asked_by"] == {"surface": "mcp", "user": "token-holder"}
