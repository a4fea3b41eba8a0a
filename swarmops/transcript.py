"""A thread read back from its checkpointed messages: what was said, and a tool call's whole result.

The checkpoint is the one record every process shares (the SQLite file, or PostgreSQL for a team),
so a Slack "Result" button clicked hours later, after a restart, or on another replica finds what
the tool returned, with no cache of its own to lose.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import JsonValue

from agents.messages import text_of
from tools.masking import Masker


@dataclass
class HistoryEntry:
    role: str  # "user" | "assistant"
    agent: str
    text: str


@dataclass(frozen=True)
class RecordedResult:
    """What one tool call returned, as the model was given it (masked)."""

    tool: str
    ok: bool
    data: JsonValue  # the tool's data when ok, else its error


def said(messages: Sequence[BaseMessage], masker: Masker) -> list[HistoryEntry]:
    """User messages and agents' replies, for display."""
    out: list[HistoryEntry] = []
    for msg in messages:
        if isinstance(msg, HumanMessage):
            out.append(HistoryEntry("user", "you", masker.text(text_of(msg))))
        elif isinstance(msg, AIMessage) and text_of(msg).strip():
            out.append(HistoryEntry("assistant", msg.name or "assistant", masker.text(text_of(msg))))
    return out


def recorded_result(messages: Sequence[BaseMessage], call_id: str, masker: Masker) -> RecordedResult | None:
    """The result of tool call `call_id`, or None if the thread has no such call (or it was deleted)."""
    for msg in reversed(messages):
        if isinstance(msg, ToolMessage) and msg.tool_call_id == call_id:
            try:
                body = json.loads(text_of(msg))
            except ValueError:  # a handoff's acknowledgement is plain text, not a tool result
                return None
            if not isinstance(body, dict) or "ok" not in body:
                return None
            ok = bool(body["ok"])
            data = body.get("data") if ok else body.get("error")
            return RecordedResult(msg.name or "tool", ok, masker.data(data))
    return None
