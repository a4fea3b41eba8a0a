"""Two `swarmops mcp --http` processes on one PostgreSQL database behind one "Service": a client's
session outlives the replica it started on, a change previewed by one is confirmed through the
other and runs once, and both write to the one audit table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx2
import psycopg
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from swarmops.mcpserver.pgtokens import PgTokens
from swarmops.mcpserver.policy import Policy
from swarmops.mcpserver.server import MCP_PATH, build_server, make_tools
from swarmops.pgaudit import PgAuditLog
from swarmops.services.ports import free_ports
from swarmops.settings import Settings
from tests.helpers import raw_client, until_ready
from tests.plugins.postgres import PgServer, new_database
from tests.swarmops.mcpserver.harness import storage
from tests.swarmops.test_cli import cli_env
from tools.masking import Masker

TOKEN = "replica-test-token-0123456789"


class Balancer(httpx2.AsyncBaseTransport):
    """What a Service balancing per request does, steered: each request goes to the replica `to` names."""

    def __init__(self, to: int) -> None:
        self.to = to
        self._inner = httpx2.AsyncHTTPTransport()
        self.served: list[int] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.served.append(self.to)
        request.url = request.url.copy_with(port=self.to)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _replica(tmp_path: Path, s3_endpoint: str, pg_url: str, name: str, port: int, ops: int) -> subprocess.Popen[str]:
    (tmp_path / name).mkdir()
    env = cli_env(tmp_path / name, s3_endpoint, SWARMOPS_MCP_TOKEN=TOKEN, SWARMOPS_DATABASE_URL=pg_url,
                  SWARMOPS_KFP_HOST="http://127.0.0.1:9", SWARMOPS_METRICS_PORT=str(ops))  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "swarmops.cli", "mcp", "--allow-write", "--http", f"127.0.0.1:{port}"],
        cwd=tmp_path / name, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.parametrize("mode", ["auto", "legacy"])  # the 2026 protocol, and a handshake-era client with a session
async def test_one_client_across_two_replicas_confirms_a_change_once(
    tmp_path: Path, s3_endpoint: str, pg_url: str, mode: str
) -> None:
    port_a, ops_a, port_b, ops_b = free_ports(4)  # each replica's MCP port and operations port
    replicas = [_replica(tmp_path, s3_endpoint, pg_url, *r) for r in (("a", port_a, ops_a), ("b", port_b, ops_b))]
    balancer = Balancer(port_a)
    try:
        for proc, ops in zip(replicas, (ops_a, ops_b), strict=True):
            until_ready(f"http://127.0.0.1:{ops}/readyz", proc)
        http = httpx2.AsyncClient(transport=balancer, headers={"Authorization": f"Bearer {TOKEN}"})
        url = f"http://127.0.0.1:{port_a}{MCP_PATH}"
        async with http, Client(streamable_http_client(url, http_client=http), mode=mode) as client:
            preview = await client.call_tool("create_bucket", {"bucket": "across-replicas"})
            token = preview.structured_content["confirm_token"]
            balancer.to = port_b  # the confirming call reaches the other pod
            done = await client.call_tool("create_bucket", {"bucket": "across-replicas", "confirm_token": token})
            balancer.to = port_a  # and a replay, the first one again
            again = await client.call_tool("create_bucket", {"bucket": "across-replicas", "confirm_token": token})
    finally:
        for proc in replicas:
            proc.terminate()
            proc.wait(timeout=30)
    assert set(balancer.served) == {port_a, port_b}
    assert not preview.is_error and "across-replicas" in preview.structured_content["preview"]
    assert not done.is_error, done.content
    assert again.is_error and "already used" in again.content[0].text
    assert raw_client(s3_endpoint).bucket_exists("across-replicas")
    with psycopg.connect(pg_url, connect_timeout=10) as conn:
        rows = conn.execute("SELECT entry FROM swarmops_audit ORDER BY id").fetchall()
        stored = conn.execute("SELECT key FROM swarmops_confirm_tokens").fetchall()
    assert [(r[0]["tool"], r[0]["decision"]) for r in rows] == [("create_bucket", "previewed"),
                                                               ("create_bucket", "approved")]  # fmt: skip
    assert token not in str(stored), "only a token's hash is stored"


async def test_the_database_going_away_is_a_tool_error_naming_it_and_calls_work_once_it_is_back(
    tmp_path: Path, s3_endpoint: str, pg_own_server: PgServer
) -> None:
    url = new_database(pg_own_server.url).replace("postgres@", "postgres:pw-not-shown-7@")  # trust ignores it
    tokens, audit = PgTokens(url), PgAuditLog(url, Masker())
    settings = Settings(data_dir=tmp_path / "data")
    tools = make_tools(storage(tmp_path, s3_endpoint), settings, Policy(allow_write=True), Masker(), audit,
                       tokens=tokens)  # fmt: skip
    try:
        async with Client(build_server(tools, "alice")) as client:
            pg_own_server.stop()
            down = await client.call_tool("create_bucket", {"bucket": "after-outage"})
            pg_own_server.start()
            preview = await client.call_tool("create_bucket", {"bucket": "after-outage"})
            token = preview.structured_content["confirm_token"]
            done = await client.call_tool("create_bucket", {"bucket": "after-outage", "confirm_token": token})
    finally:
        tokens.close()
        audit.close()
    said = down.content[0].text
    assert down.is_error and said.startswith("DatabaseUnavailable") and f"127.0.0.1:{pg_own_server.port}/" in said
    assert "pw-not-shown-7" not in said
    assert not done.is_error and raw_client(s3_endpoint).bucket_exists("after-outage")
