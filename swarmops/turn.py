"""What one turn accumulates while it streams, and how graph payloads become typed events."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from swarmops.audit import AuditLog
from swarmops.events import (
    AssistantMessage,
    ErrorEvent,
    Event,
    Handoff,
    Status,
    ToolCall,
    ToolProgress,
    ToolResultEvent,
)
from swarmops.masking import Masker


@dataclass
class Turn:
    """Figures accumulated while one turn streams."""

    thread_id: str
    start: float = field(default_factory=time.perf_counter)
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    model_ms: float = 0.0
    tool_ms: float = 0.0
    approval_wait_ms: float = 0.0
    #: Every agent message of the turn, in order: the whole answer the user saw.
    final_text: str = ""
    streamed: set[str] = field(default_factory=set)
    calls: dict[str, ToolCall] = field(default_factory=dict)
    #: The first thing that went wrong (already masked), for TurnDone.error and exit codes.
    error: str | None = None

    def failed(self, message: str) -> None:
        self.error = self.error or message


def translate(raw: dict[str, Any], turn: Turn, masker: Masker, audit: AuditLog | None) -> Event | None:
    """One custom-stream payload from the graph as a typed, masked event (None: counted, not shown).

    Tool results are audit-logged here, with the arguments of their call, so every surface that
    streams a turn leaves the same trail.
    """
    kind = raw.get("kind")
    body = {k: v for k, v in raw.items() if k != "kind"}
    if kind == "model_call":
        turn.llm_calls += 1
        turn.model_ms += body["ms"]
        turn.input_tokens += body["input_tokens"]
        turn.output_tokens += body["output_tokens"]
        return None
    body = masker.data(body)
    if kind == "handoff":
        return Handoff(**body)
    if kind == "tool_call":
        event = ToolCall(**body)
        turn.calls[event.call_id] = event
        return event
    if kind == "tool_result":
        result = ToolResultEvent(**body)
        turn.tool_ms += result.duration_ms
        if result.error and result.error.get("backend_down"):
            turn.failed(f"{result.tool}: {result.error.get('message')}")
        call = turn.calls.get(result.call_id)
        if audit is not None:
            audit.record(
                thread=turn.thread_id,
                agent=result.agent,
                tool=result.tool,
                args=call.args if call else None,
                mutating=call.mutating if call else None,
                ok=result.ok,
                error=(result.error or {}).get("code"),
                duration_ms=round(result.duration_ms, 1),
            )
        return result
    if kind == "tool_progress":
        return ToolProgress(**body)
    if kind == "message":
        turn.final_text = f"{turn.final_text}\n\n{body['text']}" if turn.final_text else body["text"]
        return AssistantMessage(**body)
    if kind == "error":
        error = ErrorEvent(**body)
        turn.failed(error.message)
        return error
    if kind == "status":
        return Status(**body)
    return None
