"""Running one tool call from the graph's tools node, in a worker thread, bridged to the stream.

Tools are blocking functions (SDK calls, polling); they run in a thread so the event loop keeps
streaming. What they report from that thread (progress, a backend restarted under them) is handed
back to the loop's stream writer. Cancelling the turn sets the tool's cancel flag: the thread
cannot be killed, but tools that loop check it and return early.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from langgraph.config import get_stream_writer

from agents.registry import Specialist
from tools.base import ToolError, ToolResult, closest, describe_change, progress_to, run_tool

T = TypeVar("T")


async def in_worker(job: Callable[[], T], agent: str, call_id: str, tool: str) -> T:
    """Run `job` in a thread with its progress and status reports forwarded to the graph's stream."""
    loop = asyncio.get_running_loop()
    try:
        writer = get_stream_writer()
    except RuntimeError:  # outside a streaming run there is nobody to report to
        writer = None

    def forward(payload: dict[str, Any]) -> None:
        if writer is not None:  # tools run in a worker thread; the stream belongs to the event loop
            loop.call_soon_threadsafe(writer, payload)

    def progress(message: str) -> None:
        forward({"kind": "tool_progress", "agent": agent, "call_id": call_id, "tool": tool, "message": message})

    def status(source: str, state: str, message: str) -> None:
        forward({"kind": "status", "source": source, "state": state, "message": message})

    stop = threading.Event()

    def wrapped() -> T:
        with progress_to(progress, stop, status):
            return job()

    try:
        return await asyncio.to_thread(wrapped)
    except asyncio.CancelledError:
        stop.set()
        raise


async def preview_change(tool: Any, call: dict[str, Any], spec: Specialist) -> str:
    """The approval card's sentence, checked against the backend (which may need starting first)."""
    return await in_worker(lambda: describe_change(tool, call["args"], spec.context), spec.name, call["id"], tool.name)


async def execute(
    tool: Any, call: dict[str, Any], spec: Specialist, decision: dict[str, Any] | None, read_only: bool
) -> ToolResult:
    if tool is None:
        names = [t.name for t in spec.visible_tools(read_only)]
        return ToolResult(
            tool=call["name"],
            ok=False,
            error=ToolError(
                code="UnknownTool",
                message=f"{spec.name} has no tool '{call['name']}'.",
                suggestions=closest(call["name"], names) or names[:10],
            ),
        )
    if tool.mutating and read_only:
        return ToolResult(
            tool=tool.name,
            ok=False,
            error=ToolError(
                code="ReadOnly",
                message="swarmops is in read-only mode; nothing was changed.",
                hint="Restart without --read-only to make changes.",
            ),
        )
    if decision is not None and not decision.get("approved"):
        reason = decision.get("reason") or "rejected by the user"
        return ToolResult(
            tool=tool.name,
            ok=False,
            error=ToolError(
                code="Rejected",
                message=f"The user rejected this change ({reason}). Nothing was changed.",
                hint="Do not retry unless the user asks.",
            ),
        )
    return await in_worker(lambda: run_tool(tool, call["args"], spec.context), spec.name, call["id"], tool.name)
