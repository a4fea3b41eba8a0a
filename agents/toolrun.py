"""Running a model's tool calls from a graph's tools node, in worker threads, bridged to the stream.

Tools are blocking functions (SDK calls, polling); they run in a thread so the event loop keeps
streaming. What they report from that thread (progress, a backend restarted under them) is handed
back to the loop's stream writer. Cancelling the turn sets the tool's cancel flag: the thread
cannot be killed, but tools that loop check it and return early.

`run_round` is the whole tools node (approvals, then each call, with its events) for any agent:
a swarm specialist holding its own tools or the flat assistant holding everyone's. Each call runs
with the context of the specialist that owns the tool, whoever called it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from langchain_core.messages import AIMessage, ToolCall, ToolMessage
from langgraph.config import get_stream_writer
from langgraph.types import interrupt

from agents.modelcall import emit
from agents.registry import Specialist
from tools.base import ToolError, ToolResult, ToolSpec, closest, describe_change, progress_to, run_tool

T = TypeVar("T")

#: Deep-masks secrets in a JSON-like value (the session's Masker.data).
Redact = Callable[[Any], Any]


@dataclass(frozen=True)
class Toolbox:
    """The tools one agent may call, and which specialist owns each.

    A swarm specialist's toolbox holds only itself; the flat assistant's holds every specialist, so
    a storage tool still runs with the storage context and a KFP tool with the KFP one. When two
    specialists offer a tool of the same name, the first one listed owns it.
    """

    agent: str
    specialists: Sequence[Specialist]
    read_only: bool = False

    def owner(self, tool_name: str) -> tuple[Specialist, ToolSpec[Any, Any]] | None:
        """The specialist owning `tool_name` and its spec (hidden read-only tools included, so they
        fail as ReadOnly rather than as unknown)."""
        for spec in self.specialists:
            if (tool := spec.tool(tool_name)) is not None:
                return spec, tool
        return None

    def visible_tools(self) -> list[ToolSpec[Any, Any]]:
        """What the agent's model is offered: each name once, mutating tools hidden in read-only mode."""
        out: dict[str, ToolSpec[Any, Any]] = {}
        for spec in self.specialists:
            for tool in spec.visible_tools(self.read_only):
                out.setdefault(tool.name, tool)
        return list(out.values())


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


async def preview_change(tool: ToolSpec[Any, Any], call: ToolCall, spec: Specialist, agent: str | None = None) -> str:
    """The approval card's sentence, checked against the backend (which may need starting first).

    It runs with the owning specialist's context; progress is reported as `agent`'s (the caller).
    """
    return await in_worker(
        lambda: describe_change(tool, call["args"], spec.context), agent or spec.name, call["id"], tool.name
    )


def unknown_tool(call: ToolCall, agent: str, names: list[str]) -> ToolResult:
    """A call to a tool the agent does not have, answered with the closest names it does have."""
    return ToolResult(
        tool=call["name"],
        ok=False,
        error=ToolError(
            code="UnknownTool",
            message=f"{agent} has no tool '{call['name']}'.",
            suggestions=closest(call["name"], names) or names[:10],
        ),
    )


async def execute(
    tool: ToolSpec[Any, Any] | None,
    call: ToolCall,
    spec: Specialist,
    decision: dict[str, Any] | None,
    read_only: bool,
    agent: str | None = None,
) -> ToolResult:
    """Run one call with `spec`'s context unless read-only mode or the person's decision forbids it."""
    if tool is None:
        return unknown_tool(call, spec.name, [t.name for t in spec.visible_tools(read_only)])
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
    return await in_worker(
        lambda: run_tool(tool, call["args"], spec.context), agent or spec.name, call["id"], tool.name
    )


async def run_round(call_msg: AIMessage, box: Toolbox, redact: Redact) -> list[ToolMessage]:
    """One tools-node step: the replies to every tool call of `call_msg`, in order.

    Every approval is asked first, so nothing runs twice when the node resumes after an interrupt;
    then each call runs with its owner's context. Results are masked before they are streamed,
    shown to the model or checkpointed.
    """
    decisions: dict[str, dict[str, Any]] = {}
    for call in call_msg.tool_calls:
        found = box.owner(call["name"])
        if found is not None and found[1].mutating and not box.read_only:
            spec, tool = found
            preview = await preview_change(tool, call, spec, box.agent)
            payload = {"agent": box.agent, "call_id": call["id"], "tool": tool.name, "args": call["args"]}
            decisions[call["id"]] = interrupt(redact({**payload, "preview": preview}))
    return [await _run_one(call, box, decisions.get(call["id"]), redact) for call in call_msg.tool_calls]


async def _run_one(call: ToolCall, box: Toolbox, decision: dict[str, Any] | None, redact: Redact) -> ToolMessage:
    found = box.owner(call["name"])
    tool = found[1] if found else None
    emit(
        {
            "kind": "tool_call",
            "agent": box.agent,
            "call_id": call["id"],
            "tool": call["name"],
            "args": call["args"],
            "mutating": bool(tool and tool.mutating),
        }
    )
    if found is None:
        result = unknown_tool(call, box.agent, [t.name for t in box.visible_tools()])
    else:
        result = await execute(found[1], call, found[0], decision, box.read_only, box.agent)
    result = _redacted(result, redact)
    emit(
        {
            "kind": "tool_result",
            "agent": box.agent,
            "call_id": call["id"],
            "tool": call["name"],
            "ok": result.ok,
            "data": result.data,
            "error": result.error.model_dump() if result.error else None,
            "truncated": result.truncated,
            "duration_ms": result.duration_ms,
        }
    )
    return ToolMessage(
        content=result.to_model_text(),
        tool_call_id=call["id"],
        name=call["name"],
        status="success" if result.ok else "error",
    )


def _redacted(result: ToolResult, redact: Redact) -> ToolResult:
    if result.ok:
        return result.model_copy(update={"data": redact(result.data)})
    error = ToolError(**redact(result.error.model_dump())) if result.error else None
    return result.model_copy(update={"error": error})
