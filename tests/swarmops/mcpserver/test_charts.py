"""A tool result's charts over MCP (the SDK's in-memory client): the numbers in the structured content
as always, plus one PNG image per chart for the person looking at the host. plot_object runs for real
on a loopback S3; the real kfp charting tools are exercised in test_runs.py."""

from __future__ import annotations

import base64
import io
import struct
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import ImageContent, TextContent
from pydantic import BaseModel

from agents.registry import Specialist
from swarmops.mcpserver import hints
from swarmops.mcpserver.images import MAX_IMAGES
from tests.helpers import raw_client
from tests.swarmops.mcpserver.harness import audit, server_for, storage
from tools.base import ToolSpec
from tools.charts import Chart, Series, as_data

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HISTORY = b"epoch,loss,val_loss\n1,0.9,1.0\n2,0.6,0.8\n3,0.4,0.7\n"


def _png_size(image: ImageContent) -> tuple[int, int]:
    png = base64.b64decode(image.data, validate=True)
    assert png[:8] == PNG_MAGIC and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def test_plotting_a_csv_returns_its_numbers_and_the_chart_as_a_png(tmp_path: Path, s3_endpoint: str) -> None:
    s3 = raw_client(s3_endpoint)
    s3.make_bucket("training-runs")
    s3.put_object("training-runs", "history.csv", io.BytesIO(HISTORY), len(HISTORY))
    async with Client(server_for(tmp_path, storage(tmp_path, s3_endpoint))) as client:
        result = await client.call_tool("plot_object", {"bucket": "training-runs", "key": "history.csv", "x": "epoch"})
        plain = await client.call_tool("list_buckets", {})
    assert not result.is_error, result.content[0].text
    text, *images = result.content
    assert isinstance(text, TextContent) and '"val_loss"' in text.text
    [chart] = result.structured_content["data"]["charts"]
    assert [s["y"] for s in chart["series"]] == [[0.9, 0.6, 0.4], [1.0, 0.8, 0.7]]  # the numbers, for the model
    [image] = images  # the picture, for the person
    assert isinstance(image, ImageContent) and image.mime_type == "image/png" and _png_size(image) == (800, 500)
    assert audit(tmp_path)[0]["tool"] == "plot_object"  # through the one gate, audited
    assert [c.type for c in plain.content] == ["text"]  # a result without charts has no image


class _Args(BaseModel):
    charts: int = 1


def _many(args: _Args, ctx: object) -> dict[str, Any]:
    """A result with more charts than a host should be sent, put there the way tools do (as_data)."""
    bars = Chart(kind="bar", title="Accuracy", series=[Series(name="accuracy", x=["a", "b"], y=[0.91, 0.95])])
    return {"charts": as_data(*[bars] * args.charts)}


async def test_many_charts_are_capped_as_images_but_every_number_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(hints.HINTS, "many_charts", hints.Hints("Many charts"))  # offered like any described tool
    tool = ToolSpec("many_charts", "Many charts.", _Args, _many, "kfp", mutating=False)
    async with Client(server_for(tmp_path, [Specialist("kfp", "runs", "", [tool], None)])) as client:
        many = await client.call_tool("many_charts", {"charts": MAX_IMAGES + 3})
    assert [c.type for c in many.content] == ["text"] + ["image"] * MAX_IMAGES
    assert len(many.structured_content["data"]["charts"]) == MAX_IMAGES + 3
