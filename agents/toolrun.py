"""The graph's tools node: a model's tool calls through the tool gate, in worker threads, reported.

Everything about a call that is not graph plumbing is decided by the gate (tools.gate): which tools
an agent is offered, which calls wait for a person and what they are shown, whether a call runs,
masking, and the audit record. This module adds what only a graph can do: pausing with `interrupt()`
for an approval, and reporting each call to the session as typed events.

Tools are blocking functions (SDK calls, polling); they run in a thread so the event loop keeps
streaming. What they report from that thread (progress, a backend restarted under them) is handed
back to the loop's stream writer. Cancelling the turn sets the tool's cancel flag: the thread
cannot be killed, but tools that loop check it and return early.

`run_round` is the whole tools node (approvals, then each call, with its events) for any agent: a
swarm specialist holding its own tools or the flat assistant holding everyone's (one gate, several
owners: each call runs with the context of the specialist that owns the tool, whoever called it).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from langchain_core.messages import AIMessage, ToolCall, ToolMessage
from langgraph.config import get_config, get_stream_writer
from langgraph.types import interrupt

from agents.events import BaseEvent, Status, ToolProgress, ToolResultEvent
from agents.events import ToolCall as ToolCallEvent
from agents.modelcall import emit
from agents.registry import Specialist
from tools.audit import AuditSink
from tools.base import StatusListener
from tools.gate import Decision, GateCall, GateTool, Identity, ToolGate
from tools.masking import Masker

T = TypeVar("T")

#: The run config key (under "configurable") holding the Identity of whoever asked for the turn.
ASKED_BY = "asked_by"
#: Whom a call is attributed to when the run was started without an identity (a bare graph invoke).
UNKNOWN_ASKER = Identity(surface="api", user="unknown")


def make_gate(
    specialists: Sequence[Specialist], *, read_only: bool, masker: Masker | None, audit: AuditSink | None
) -> ToolGate:
    """The gate for an agent holding `specialists`' tools (one specialist in the swarm, all in the flat graph)."""
    return ToolGate(
        [GateTool(s.name, tool, s.context) for s in specialists for tool in s.tools],
        read_only=read_only,
        masker=masker,
        audit=audit,
    )


@dataclass(frozen=True)
class Reporters:
    """Where a tool in a worker thread reports: its progress, the machinery's status, and whether to stop."""

    progress: Callable[[str], None]
    status: StatusListener
    cancel: threading.Event


async def in_worker(job: Callable[[Reporters], T], agent: str, call_id: str, tool: str) -> T:
    """Run `job` in a thread with its progress and status reports forwarded to the graph's stream."""
    loop = asyncio.get_running_loop()
    try:
        writer = get_stream_writer()
    except RuntimeError:  # outside a streaming run there is nobody to report to
        writer = None

    def forward(event: BaseEvent) -> None:
        if writer is not None:  # tools run in a worker thread; the stream belongs to the event loop
            loop.call_soon_threadsafe(writer, event)

    def progress(message: str) -> None:
        forward(ToolProgress(agent=agent, call_id=call_id, tool=tool, message=message))

    def status(source: str, state: str, message: str) -> None:
        forward(Status.model_validate({"source": source, "state": state, "message": message}))

    reporters = Reporters(progress, status, threading.Event())
    try:
        return await asyncio.to_thread(job, reporters)
    except asyncio.CancelledError:
        reporters.cancel.set()
        raise


def _asker() -> tuple[str, Identity]:
    """The thread and the identity of whoever asked, from the run config the session passed."""
    try:
        configurable = get_config().get("configurable", {})
    except RuntimeError:  # called outside a run (tests)
        configurable = {}
    asked_by = configurable.get(ASKED_BY)
    return str(configurable.get("thread_id", "")), asked_by if isinstance(asked_by, Identity) else UNKNOWN_ASKER


async def run_round(
    call_msg: AIMessage, gate: ToolGate, agent: str, only: Sequence[ToolCall] | None = None
) -> list[ToolMessage]:
    """One tools-node step: the replies to every tool call of `call_msg` (or those in `only`), in order.

    Every approval is asked first, so nothing runs twice when the node resumes after an interrupt;
    the interrupt's payload is the gate's masked PendingChange and its resume value a Decision (as
    plain data: both are checkpointed). Then each call goes through the gate with its decision.
    """
    thread, asked_by = _asker()
    calls = [_gate_call(call, thread, agent, asked_by) for call in (call_msg.tool_calls if only is None else only)]
    decisions: dict[str, Decision] = {}
    for call in calls:
        if gate.needs_approval(call.tool):
            pending = await in_worker(
                lambda r, c=call: gate.propose(c, progress=r.progress, status=r.status, cancel=r.cancel),
                agent,
                call.call_id,
                call.tool,
            )
            answer = interrupt(pending.model_dump(mode="json"))
            decisions[call.call_id] = Decision.model_validate(answer)
    return [await _run_one(call, gate, decisions.get(call.call_id)) for call in calls]


def _gate_call(call: ToolCall, thread: str, agent: str, asked_by: Identity) -> GateCall:
    return GateCall(
        thread=thread, call_id=call["id"] or "", tool=call["name"], args=call["args"], agent=agent, asked_by=asked_by
    )


async def _run_one(call: GateCall, gate: ToolGate, decision: Decision | None) -> ToolMessage:
    emit(
        ToolCallEvent(
            agent=call.agent,
            call_id=call.call_id,
            tool=call.tool,
            args=call.args,
            mutating=gate.is_mutating(call.tool),
        )
    )
    result = await in_worker(
        lambda r: gate.run(call, decision, progress=r.progress, status=r.status, cancel=r.cancel),
        call.agent,
        call.call_id,
        call.tool,
    )
    emit(
        ToolResultEvent(
            agent=call.agent,
            call_id=call.call_id,
            tool=call.tool,
            ok=result.ok,
            data=result.data,
            error=result.error,
            truncated=result.truncated,
            duration_ms=result.duration_ms,
        )
    )
    return ToolMessage(
        content=result.to_model_text(),
        tool_call_id=call.call_id,
        name=call.tool,
        status="success" if result.ok else "error",
    )
