"""`swarmops mcp --http` as the container runs it: a plain process with every endpoint configured,
probed and scraped on its operations port, called by an MCP client, starting no embedded service."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from swarmops.mcpserver.server import MCP_PATH
from swarmops.services.ports import free_ports
from tests.helpers import http_get, raw_client, until_ready
from tests.swarmops.test_cli import cli_env

TOKEN = "served-process-token-0123456789"
JSON_RPC = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


async def test_the_served_process_probes_scrapes_and_counts_a_tool_call(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("served")
    mcp_port, ops_port, dead_kfp = free_ports(3)
    env = cli_env(
        tmp_path,
        s3_endpoint,
        SWARMOPS_MCP_TOKEN=TOKEN,
        SWARMOPS_KFP_HOST=f"http://127.0.0.1:{dead_kfp}",  # configured: no embedded KFP API is started
        SWARMOPS_METRICS_PORT=str(ops_port),
        SWARMOPS_MCP_ALLOWED_HOSTS="swarmops-mcp.team.svc.cluster.local",  # the Service name clients use
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "swarmops.cli", "mcp", "--http", f"127.0.0.1:{mcp_port}"],
        cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    ops = f"http://127.0.0.1:{ops_port}"
    try:
        until_ready(f"{ops}/readyz", proc)
        assert http_get(f"{ops}/healthz") == (200, '{"status": "ok"}')
        bearer = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"})
        url = f"http://127.0.0.1:{mcp_port}{MCP_PATH}"
        async with bearer as http, Client(streamable_http_client(url, http_client=http)) as client:
            listed = await client.call_tool("list_buckets", {})
        by_name = {}
        async with httpx2.AsyncClient() as raw:
            for name in ("swarmops-mcp.team.svc.cluster.local", "evil.example"):
                headers = {**JSON_RPC, "Host": f"{name}:{mcp_port}", "Authorization": f"Bearer {TOKEN}"}
                sent = await raw.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=headers)
                by_name[name] = sent.status_code
        assert not listed.is_error
        status, scraped = http_get(f"{ops}/metrics")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert by_name["evil.example"] == 421  # DNS-rebinding protection: an unknown Host is refused...
    assert by_name["swarmops-mcp.team.svc.cluster.local"] != 421  # ...the configured Service name is not
    assert status == 200
    assert 'swarmops_tool_calls_total{status="ok",tool="list_buckets"} 1.0' in scraped
    assert TOKEN not in scraped
    data = tmp_path / "data"
    assert not (data / "seaweedfs").exists() and not (data / "kfp").exists(), "no embedded service may start"
