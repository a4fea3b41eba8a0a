"""What one turn accumulates while it streams, and how the graph's events reach a front end."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TypeVar

from agents.events import (
    AssistantMessage,
    BaseEvent,
    ErrorEvent,
    Event,
    Handoff,
    ModelCall,
    Status,
    ToolCall,
    ToolProgress,
    ToolResultEvent,
)
from tools.masking import Masker

E = TypeVar("E", bound=BaseEvent)

#: The graph's events a front end is shown (approvals and TurnDone come from the session itself).
_SHOWN = (Handoff, ToolCall, ToolResultEvent, ToolProgress, AssistantMessage, ErrorEvent, Status)


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
    #: The first thing that went wrong (already masked), for TurnDone.error and exit codes.
    error: str | None = None

    def failed(self, message: str) -> None:
        self.error = self.error or message


def masked(event: E, masker: Masker) -> E:
    """A copy of `event` with secrets masked in every field (tool output, messages, arguments)."""
    return type(event).model_validate(masker.data(event.model_dump()))


def accept(event: BaseEvent, turn: Turn, masker: Masker) -> Event | None:
    """A graph event as a front end gets it: masked, and counted into the turn's figures.

    None for what is counted but not shown (model calls) and for anything a front end does not know.
    Tool calls are audited by the tool gate itself, so every surface leaves the same trail.
    """
    if isinstance(event, ModelCall):
        turn.llm_calls += 1
        turn.model_ms += event.ms
        turn.input_tokens += event.input_tokens
        turn.output_tokens += event.output_tokens
        return None
    if not isinstance(event, _SHOWN):
        return None
    shown = masked(event, masker)
    if isinstance(shown, ToolResultEvent):
        turn.tool_ms += shown.duration_ms
        if shown.error is not None and shown.error.backend_down:
            turn.failed(f"{shown.tool}: {shown.error.message}")
    elif isinstance(shown, AssistantMessage):
        turn.final_text = f"{turn.final_text}\n\n{shown.text}" if turn.final_text else shown.text
    elif isinstance(shown, ErrorEvent):
        turn.failed(shown.message)
    return shown
