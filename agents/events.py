"""The typed events a turn produces, from the graph's nodes to every front end.

Graph nodes emit these objects through LangGraph's custom stream (agents.modelcall.emit); the
session masks them, keeps its figures and yields them (swarmops.session). Front ends (CLI, terminal
chat, Slack, evals) render them and nothing else, and import them from `swarmops.events`: they never
look inside the graph, and never parse an error's text (a tool error arrives as a `ToolError` with
its code, hint, suggestions and `backend_down`). Each event serialises to one JSON object with a
`type` field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, PrivateAttr

from tools.base import ToolError
from tools.gate import REJECTED_BY_DEFAULT, Decision, Identity


class BaseEvent(BaseModel):
    """Every event, shown or internal: what the session accepts from the graph's custom stream."""

    def to_json(self) -> str:
        return self.model_dump_json()


class Handoff(BaseEvent):
    type: Literal["handoff"] = "handoff"
    from_agent: str
    to_agent: str
    task: str


class ToolCall(BaseEvent):
    type: Literal["tool_call"] = "tool_call"
    agent: str
    call_id: str
    tool: str
    args: dict[str, Any]
    mutating: bool = False


class ToolResultEvent(BaseEvent):
    type: Literal["tool_result"] = "tool_result"
    agent: str
    call_id: str
    tool: str
    ok: bool
    data: Any = None
    #: Why the call failed: code, message, hint, suggestions, and whether the backend was down.
    error: ToolError | None = None
    truncated: bool = False
    duration_ms: float


class ToolProgress(BaseEvent):
    """A long-running tool saying how it is going (e.g. a run's task states while waiting)."""

    type: Literal["tool_progress"] = "tool_progress"
    agent: str
    call_id: str
    tool: str
    message: str


class ApprovalRequest(BaseEvent):
    """A mutating tool call waiting for a person. Call `approve()` or `reject()` before asking the
    stream for its next event; leaving it unanswered ends the turn with the approval still pending
    (answer it later with `Assistant.astream(thread, resume=Decision(...))`).

    `by` is who answered (a Slack user clicking Approve, say); when not given, the session records
    the identity the turn was streamed for.
    """

    type: Literal["approval_request"] = "approval_request"
    agent: str
    call_id: str
    tool: str
    args: dict[str, Any]
    preview: str
    #: Who asked for the change (None for changes proposed before identities were recorded).
    asked_by: Identity | None = None
    #: True when this change was left waiting earlier (the thread was reopened) and is shown again.
    asked_before: bool = False
    _decision: Decision | None = PrivateAttr(default=None)

    def approve(self, by: Identity | None = None) -> None:
        self._decision = Decision(approved=True, by=by)

    def reject(self, reason: str = REJECTED_BY_DEFAULT, by: Identity | None = None) -> None:
        self._decision = Decision(approved=False, by=by, reason=reason)

    @property
    def decision(self) -> Decision | None:
        return self._decision


class ApprovalResult(BaseEvent):
    type: Literal["approval_result"] = "approval_result"
    call_id: str
    tool: str
    approved: bool
    reason: str | None = None
    #: Who answered.
    by: Identity | None = None


class AssistantText(BaseEvent):
    """A streamed piece of an agent's reply."""

    type: Literal["text"] = "text"
    agent: str
    delta: str


class AssistantMessage(BaseEvent):
    """An agent's complete reply, after its deltas."""

    type: Literal["message"] = "message"
    agent: str
    text: str


class ErrorEvent(BaseEvent):
    type: Literal["error"] = "error"
    message: str
    where: str = "assistant"


class Status(BaseEvent):
    """Something about swarmops' own machinery rather than the conversation: a model call being
    retried, a backend found down, restarted or recovered. Front ends show it (a status line, the
    status bar) so a slow or failing turn is never silent."""

    type: Literal["status"] = "status"
    source: str  # "model", "storage", "pipelines", "docs", "conversations"
    state: Literal["retrying", "down", "restarting", "recovered", "failed", "waiting"]
    message: str


class ModelCall(BaseEvent):
    """One model attempt, for the turn's figures (calls, model time, tokens). Internal: the session
    counts it and never yields it, so front ends never see it."""

    type: Literal["model_call"] = "model_call"
    agent: str
    ms: float
    input_tokens: int = 0
    output_tokens: int = 0


class TurnDone(BaseEvent):
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


#: What front ends receive from `Assistant.astream` (ModelCall is not among them).
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
