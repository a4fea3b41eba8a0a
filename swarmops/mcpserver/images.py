"""A tool result's charts as MCP image content, next to the numbers.

Tools return charts as data (tools/charts.py); the numbers already reach the host in the result's
structured content, where a model can read them. A person looking at the host sees pictures, so
each chart is also sent as an `ImageContent` (a base64 PNG drawn by swarmops/charts/png.py, the
same module Slack and eval reports use). The gate has masked the result before it gets here, so the
labels drawn are masked too.
"""

from __future__ import annotations

import base64
from typing import Any

import anyio.to_thread
from mcp.types import ImageContent

from tools.charts import Chart, charts_in

#: At most this many images per result: each costs a host's context or screen, and the numbers are all there.
MAX_IMAGES = 6
MIME = "image/png"


async def chart_images(data: Any) -> list[ImageContent]:
    """One PNG image per chart of a result (none when it has no charts), drawn off the event loop."""
    charts = charts_in(data)[:MAX_IMAGES]
    if not charts:
        return []
    return await anyio.to_thread.run_sync(_draw, charts)


def _draw(charts: list[Chart]) -> list[ImageContent]:
    from swarmops.charts.png import drawn

    return [
        ImageContent(type="image", data=base64.b64encode(content).decode("ascii"), mime_type=MIME)
        for _, content in drawn(charts)
    ]
