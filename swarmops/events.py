"""The typed events every front end consumes from `Assistant.astream`.

Front ends (CLI, terminal chat, Slack, evals) render these and nothing else; they never look
inside the graph. Each event serialises to one JSON object with a `type` field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, PrivateAttr


class _Event(BaseModel):
    def to_json(self) -> str:
        return self.model_dump_json()


class Handoff(_Event):
    type: Literal["handoff"] = "handoff"
    from_agent: str
    to_agent: str
    task: str


class ToolCall(_Event):
    type: Literal["tool_call"] = "tool_call"
    agent: str
    call_id: str
    tool: str
    args: dict[str, Any]
    mutating: bool = False


class ToolResultEvent(_Event):
    type: Literal["tool_result"] = "tool_result"
    agent: str
    call_id: str
    tool: str
    ok: bool
    data: Any = None
    error: dict[str, Any] | None = None
    truncated: bool = False
    duration_ms: float


class ToolProgress(_Event):
    """A long-running tool saying how it is going (e.g. a run's task states while waiting)."""

    type: Literal["tool_progress"] = "tool_progress"
    agent: str
    call_id: str
    tool: str
    message: str


class ApprovalRequest(_Event):
    """A mutating tool call waiting for a person. Call `approve()` or `reject()` before
    asking the stream for its next event; leaving it unanswered ends the turn with the
    approval still pending (answer it later with `Assistant.astream(thread, resume=...)`)."""

    type: Literal["approval_request"] = "approval_request"
    agent: str
    call_id: str
    tool: str
    args: dict[str, Any]
    preview: str
    #: True when this change was left waiting earlier (the thread was reopened) and is shown again.
    asked_before: bool = False
    _decision: dict[str, Any] | None = PrivateAttr(default=None)

    def approve(self) -> None:
        self._decision = {"approved": True}

    def reject(self, reason: str = "rejected by the user") -> None:
        self._decision = {"approved": False, "reason": reason}

    @property
    def decision(self) -> dict[str, Any] | None:
        return self._decision


class ApprovalResult(_Event):
    type: Literal["approval_result"] = "approval_result"
    call_id: str
    tool: str
    approved: bool
    reason: str | None = None


class AssistantText(_Event):
    """A streamed piece of an agent's reply."""

    type: Literal["text"] = "text"
    agent: str
    delta: str


class AssistantMessage(_Event):
    """An agent's complete reply, after its deltas."""

    type: Literal["message"] = "message"
    agent: str
    text: str


class ErrorEvent(_Event):
    type: Literal["error"] = "error"
    message: str
    where: str = "assistant"


class Status(_Event):
    """Something about swarmops' own machinery rather than the conversation: a model call being
    retried, a backend found down, restarted or recovered. Front ends show it (a status line, the
    status bar) so a slow or failing turn is never silent."""

    type: Literal["status"] = "status"
    source: str  # "model", "storage", "pipelines", "docs"
    state: Literal["retrying", "down", "restarting", "recovered", "failed"]
    message: str


class TurnDone(_Event):
    type: Literal["turn_done"] = "turn_done"
    thread_id: str
    #: All agent messages of the turn joined: the whole answer the user saw.
    final_text: str
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    wall_ms: float = 0.0
    model_ms: float = 0.0
    tool_ms: float = 0.0
    approval_wait_ms: float = 0.0
    pending_approval: bool = False
    #: The first error of the turn (an `error` event, or a tool whose backend was down), masked;
    #: None when the turn ended well. `swarmops ask` exits non-zero when it is set.
    error: str | None = None

    @property
    def overhead_ms(self) -> float:
        """Time spent in swarmops itself: not the model, the tools, or a person deciding."""
        return self.wall_ms - self.model_ms - self.tool_ms - self.approval_wait_ms


Event = Annotated[
    Handoff
    | ToolCall
    | ToolResultEvent
    | ToolProgress
    | ApprovalRequest
    | ApprovalResult
    | AssistantText
    | AssistantMessage
    | ErrorEvent
    | Status
    | TurnDone,
    Field(discriminator="type"),
]
