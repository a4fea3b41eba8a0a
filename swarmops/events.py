"""The typed events every front end consumes from `Assistant.astream`, and the identities and
decisions they carry.

Front ends import them from here; they are defined once, below the graph (agents.events and
tools.gate), because the graph's nodes emit them. `ModelCall` is internal to the session and not
exported.
"""

from __future__ import annotations

from agents.events import (
    ApprovalRequest,
    ApprovalResult,
    AssistantMessage,
    AssistantText,
    BaseEvent,
    ErrorEvent,
    Event,
    Handoff,
    Status,
    ToolCall,
    ToolProgress,
    ToolResultEvent,
    TurnDone,
)
from tools.base import ToolError
from tools.gate import Decision, Identity, Surface

__all__ = [
    "ApprovalRequest",
    "ApprovalResult",
    "AssistantMessage",
    "AssistantText",
    "BaseEvent",
    "Decision",
    "ErrorEvent",
    "Event",
    "Handoff",
    "Identity",
    "Status",
    "Surface",
    "ToolCall",
    "ToolError",
    "ToolProgress",
    "ToolResultEvent",
    "TurnDone",
]
