"""`swarmops mcp` as an MCP host runs it: a stdio subprocess on the embedded backends, driven by the
SDK's client through upload (two-phase), a run of the iris pipeline, its progress and its accuracy."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from mcp import Client, StdioServerParameters

from tests.swarmops.test_cli import empty_config

ROOT = Path(__file__).resolve().parents[3]


async def _confirmed(client: Client, tool: str, args: dict) -> dict:
    preview = await client.call_tool(tool, args)
    assert not preview.is_error, preview.content[0].text
    done = await client.call_tool(tool, {**args, "confirm_token": preview.structured_content["confirm_token"]})
    assert not done.is_error, done.content[0].text
    return done.structured_content["data"]


async def test_stdio_server_uploads_runs_iris_and_reads_its_accuracy(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# shipped over MCP\n")
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR", "HF_HUB_OFFLINE"}}
    env = {
        **keep,
        "SWARMOPS_DATA_DIR": str(tmp_path / "data"),
        "SWARMOPS_CONFIG": empty_config(tmp_path),
        "SWARMOPS_EMBEDDED_IDLE_TIMEOUT": "0",
        "PYTHONPATH": str(ROOT),
    }
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "swarmops.cli", "mcp", "--allow-write"], env=env, cwd=str(tmp_path)
    )
    progress: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(message or "")

    async with Client(params, read_timeout_seconds=300) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["upload"].annotations.destructive_hint and "delete_bucket" not in tools
        await _confirmed(client, "create_bucket", {"bucket": "from-mcp"})
        await _confirmed(client, "upload", {"local_path": "README.md", "bucket": "from-mcp"})
        stat = await client.call_tool("stat_object", {"bucket": "from-mcp", "key": "README.md"})
        run = await _confirmed(client, "submit_run", {"pipeline": "iris", "parameters": {"n_estimators": 50}})
        waited = await client.call_tool("wait_for_run", {"run": run["run_id"]}, progress_callback=on_progress)
        key = f"v2/artifacts/iris/{run['run_id']}/evaluate/metrics"
        metrics = await client.call_tool("preview_object", {"bucket": "mlpipeline", "key": key})
    assert stat.structured_content["data"]["size"] == len("# shipped over MCP\n")
    assert waited.structured_content["data"]["state"] == "SUCCEEDED" and any("RUNNING" in p for p in progress)
    accuracy = json.loads(metrics.structured_content["data"]["text"])["accuracy"]
    assert 0.5 < accuracy <= 1.0
    records = [json.loads(line) for line in (tmp_path / "data" / "audit.jsonl").read_text().splitlines()]
    assert records and {r["surface"] for r in records} == {"mcp"}
    changes = [(r["tool"], r["decision"]) for r in records if r["mutating"]]
    assert changes == [(t, d) for t in ("create_bucket", "upload", "submit_run") for d in ("previewed", "approved")]
