"""Runs over MCP: submit (two-phase), wait with progress notifications, cancel a wait, a run's plots as
images. The embedded KFP API runs real pipelines; SeaweedFS holds their artifacts."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.types import ImageContent

from tests.helpers import seaweed_kfp_specialists
from tests.swarmops.mcpserver.harness import audit, server_for


async def _submit(client: Client, trees: int) -> str:
    args = {"pipeline": "iris", "parameters": {"n_estimators": trees}}
    preview = await client.call_tool("submit_run", args)
    assert not preview.is_error, preview.content[0].text
    done = await client.call_tool("submit_run", {**args, "confirm_token": preview.structured_content["confirm_token"]})
    assert not done.is_error, done.content[0].text
    return done.structured_content["data"]["run_id"]


async def test_a_run_is_submitted_waited_for_with_progress_and_its_plots_come_as_images(
    kfp_host: str, seaweed_endpoint: Any, tmp_path: Path
) -> None:
    seen: list[str] = []

    async def progress(value: float, total: float | None, message: str | None) -> None:
        seen.append(message or "")

    server = server_for(tmp_path, seaweed_kfp_specialists(kfp_host, seaweed_endpoint, tmp_path), allow_write=True)
    async with Client(server) as client:
        run_id = await _submit(client, 50)
        waited = await client.call_tool("wait_for_run", {"run": run_id}, progress_callback=progress)
        plots = await client.call_tool("get_run_plots", {"run": run_id, "plot": "all"})
    assert not waited.is_error and waited.structured_content["data"]["state"] == "SUCCEEDED"
    assert seen and any("RUNNING" in m for m in seen)  # the run moving, as notifications
    assert [r["decision"] for r in audit(tmp_path) if r["tool"] == "submit_run"] == ["previewed", "approved"]
    # The plots' numbers in the structured content, and each chart drawn as a PNG image beside them.
    assert not plots.is_error, plots.content[0].text
    charts = plots.structured_content["data"]["charts"]
    images = [c for c in plots.content if isinstance(c, ImageContent)]
    assert {c["kind"] for c in charts} == {"heatmap", "line", "bar"} and len(images) == len(charts)
    pngs = [base64.b64decode(i.data, validate=True) for i in images]
    assert all(i.mime_type == "image/png" for i in images)
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") and len(p) > 5000 for p in pngs)


async def test_a_cancelled_wait_stops_and_the_server_keeps_serving(
    kfp_host: str, seaweed_endpoint: Any, tmp_path: Path
) -> None:
    server = server_for(tmp_path, seaweed_kfp_specialists(kfp_host, seaweed_endpoint, tmp_path), allow_write=True)
    async with Client(server) as client:
        run_id = await _submit(client, 400)
        first = anyio.Event()

        async def progress(value: float, total: float | None, message: str | None) -> None:
            first.set()

        async def wait() -> None:
            await client.call_tool("wait_for_run", {"run": run_id}, progress_callback=progress)

        async with anyio.create_task_group() as group:
            group.start_soon(wait)
            with anyio.fail_after(60):
                await first.wait()
            group.cancel_scope.cancel()  # the person gave up waiting
        after = await client.call_tool("get_run", {"run": run_id})
        with anyio.fail_after(30):  # the tool sees its cancel flag at its next poll and returns
            while not (waits := [r for r in audit(tmp_path) if r["tool"] == "wait_for_run"]):
                await anyio.sleep(0.1)
    assert not after.is_error and after.structured_content["data"]["id"] == run_id
    assert len(waits) == 1
