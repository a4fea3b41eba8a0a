"""The one gate every tool call goes through, whichever surface asked for it.

The graph's tools node, and any surface that calls tools without the graph (an MCP server, a Slack
bot), ask this module the same questions and get the same answers:

- which tools may be offered (`visible`: read-only mode hides every mutating tool);
- whether a call must wait for a person (`needs_approval`) and what it will change (`assess`,
  `propose`: the sentence and the masked request a person is shown);
- and `run`, which decides for itself before anything runs, so no surface can bypass it: an unknown
  tool is answered with the closest names, a mutating tool is refused in read-only mode, refused
  without a decision ("every change needs an approval"), and not run when rejected. Whatever happens,
  the result is masked and exactly one audit record is written, saying who asked, who answered,
  what was decided and how it ended.

The gate knows nothing of agents or front ends: identities are plain values a surface fills in
(the CLI's user, a Slack user id), so the audit trail reads the same for every surface.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.audit import AuditSink
from tools.base import (
    Change,
    StatusListener,
    ToolError,
    ToolResult,
    ToolSpec,
    assess_change,
    closest,
    progress_to,
    run_tool,
)
from tools.masking import Masker

#: Where a request came from: `swarmops ask`/`chat --plain`, the terminal chat, Slack, MCP, the eval
#: harness, or a program using the session API directly.
Surface = Literal["cli", "chat", "slack", "mcp", "eval", "api"]

#: What the gate decided for one call, as the audit log records it.
GateDecision = Literal["approved", "rejected", "not_needed", "read_only", "refused", "previewed"]

REJECTED_BY_DEFAULT = "rejected by the user"


class Identity(BaseModel):
    """Who asked for a call, or who answered its approval: a user as the surface knows them."""

    model_config = ConfigDict(frozen=True)

    surface: Surface
    #: The user as the surface names them: a login name, a Slack user id, an MCP client's name.
    user: str = Field(min_length=1)


class Decision(BaseModel):
    """A person's answer to "approve this change?"; `by` is who answered (None: not known)."""

    approved: bool
    by: Identity | None = None
    reason: str | None = None


class GateCall(BaseModel):
    """One tool call as a surface hands it to the gate."""

    thread: str
    call_id: str
    tool: str
    args: dict[str, Any]
    #: The agent (or surface component) that made the call; it names the caller in error messages.
    agent: str
    asked_by: Identity


class PendingChange(BaseModel):
    """What a person is shown before a mutating call runs: masked arguments and the preview.

    Plain data, so a surface can store it (the graph keeps it in its checkpoint while it waits).
    """

    agent: str
    call_id: str
    tool: str
    args: dict[str, Any]
    preview: str
    #: None only for changes proposed before identities were recorded.
    asked_by: Identity | None = None
    #: The change replaces something that exists (an object, a local file): a surface may forbid it.
    overwrites: bool = False


class AuditRecord(BaseModel):
    """One line of the audit log: one tool call, from request to outcome."""

    #: Unix time when the gate took the call.
    ts: float
    thread: str
    #: The surface the call came through (the asker's).
    surface: Surface
    asked_by: Identity
    agent: str
    tool: str
    call_id: str
    args: dict[str, Any]
    mutating: bool
    decision: GateDecision
    #: Who answered the approval (approved or rejected it); None when nobody was asked.
    approved_by: Identity | None = None
    #: Why the change was rejected (None otherwise).
    reason: str | None = None
    ok: bool
    #: The error code when the call failed or was not run (Rejected, ReadOnly, NoSuchBucket, ...).
    error: str | None = None
    duration_ms: float


@dataclass(frozen=True)
class GateTool:
    """A tool as the gate holds it: who owns it (a specialist's name) and the context it runs with."""

    owner: str
    spec: ToolSpec[Any, Any]
    context: Any


class ToolGate:
    """Visibility, approval, execution and audit for a set of tools (see the module docstring).

    Several owners may share one gate (the flat agent holds every specialist's tools); each tool
    still runs with its owner's context. When two owners offer a tool of the same name, the first
    one listed keeps it. Read-only mode is fixed per gate: switching modes means a new gate.
    """

    def __init__(
        self,
        tools: Iterable[GateTool],
        *,
        read_only: bool = False,
        masker: Masker | None = None,
        audit: AuditSink | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tools: dict[str, GateTool] = {}
        for tool in tools:
            self._tools.setdefault(tool.spec.name, tool)
        self.read_only = read_only
        self._masker = masker or Masker()
        self._audit = audit
        self._clock = clock

    # --- what may be offered --------------------------------------------------------------------
    def visible(self, owner: str | None = None) -> list[ToolSpec[Any, Any]]:
        """The tools a model may be offered (of `owner` only, when given); read-only hides mutating ones."""
        return [
            t.spec
            for t in self._tools.values()
            if (owner is None or t.owner == owner) and not (self.read_only and t.spec.mutating)
        ]

    def spec(self, tool: str) -> ToolSpec[Any, Any] | None:
        """The tool called `tool`, hidden or not; None when there is none."""
        found = self._tools.get(tool)
        return found.spec if found is not None else None

    def is_mutating(self, tool: str) -> bool:
        """Whether `tool` changes state; hidden tools included (in read-only mode they fail as ReadOnly)."""
        found = self._tools.get(tool)
        return bool(found and found.spec.mutating)

    def needs_approval(self, tool: str) -> bool:
        """True when a call to `tool` must wait for a person (in read-only mode it is refused instead)."""
        return self.is_mutating(tool) and not self.read_only

    # --- what a person is shown -----------------------------------------------------------------
    def assess(
        self,
        tool: str,
        args: dict[str, Any],
        *,
        progress: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        status: StatusListener | None = None,
    ) -> Change:
        """What `tool` will change (masked sentence, and whether it overwrites), checked against the backend."""
        found = self._tools.get(tool)
        if found is None:
            return Change(f"{tool}: no such tool; it will fail and change nothing.")
        with _reporting(progress, cancel, status):
            change = assess_change(found.spec, args, found.context)
        return Change(self._masker.text(change.text), change.overwrites)

    def propose(
        self,
        call: GateCall,
        *,
        progress: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        status: StatusListener | None = None,
    ) -> PendingChange:
        """The masked request a person answers before `call` may run (arguments, preview, asker)."""
        change = self.assess(call.tool, call.args, progress=progress, cancel=cancel, status=status)
        return PendingChange(
            agent=call.agent,
            call_id=call.call_id,
            tool=call.tool,
            args=self._masker.data(call.args),
            preview=change.text,
            asked_by=call.asked_by,
            overwrites=change.overwrites,
        )

    # --- running ----------------------------------------------------------------------------------
    def run(
        self,
        call: GateCall,
        decision: Decision | None,
        *,
        progress: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        status: StatusListener | None = None,
    ) -> ToolResult:
        """Decide, run (when allowed), mask and audit one call; never raises for a tool's failure.

        `decision` is the person's answer for a mutating call; a mutating call without one is refused.
        A rejection is honoured for any tool. The result's data and error are masked.
        """
        started = self._clock()
        found = self._tools.get(call.tool)
        mutating = bool(found and found.spec.mutating)
        verdict, refusal = self._judge(call, found, decision)
        if refusal is not None:
            result = ToolResult(tool=call.tool, ok=False, error=refusal)
        else:
            assert found is not None
            with _reporting(progress, cancel, status):
                result = run_tool(found.spec, call.args, found.context)
            result = self._masked(result)
        self._write_audit(call, started, mutating, verdict, decision, result)
        return result

    def note_preview(self, call: GateCall, change: Change) -> None:
        """Audit a change that was shown and not run (a surface's first phase: preview, then confirm)."""
        found = self._tools.get(call.tool)
        result = ToolResult(tool=call.tool, ok=True, data={"preview": change.text})
        self._write_audit(call, self._clock(), bool(found and found.spec.mutating), "previewed", None, result)

    def _write_audit(
        self,
        call: GateCall,
        started: float,
        mutating: bool,
        verdict: GateDecision,
        decision: Decision | None,
        result: ToolResult,
    ) -> None:
        if self._audit is None:
            return
        self._audit.write(
            AuditRecord(
                ts=round(started, 3),
                thread=call.thread,
                surface=call.asked_by.surface,
                asked_by=call.asked_by,
                agent=call.agent,
                tool=call.tool,
                call_id=call.call_id,
                args=call.args,  # masked by the log, signatures included
                mutating=mutating,
                decision=verdict,
                approved_by=decision.by if decision is not None else None,
                reason=decision.reason if decision is not None and not decision.approved else None,
                ok=result.ok,
                error=result.error.code if result.error else None,
                duration_ms=round(result.duration_ms, 1),
            )
        )

    def _judge(
        self, call: GateCall, found: GateTool | None, decision: Decision | None
    ) -> tuple[GateDecision, ToolError | None]:
        """What the gate decides for `call`, and the error that answers it when it must not run."""
        if found is None:
            names = [t.name for t in self.visible()]
            return "not_needed", ToolError(
                code="UnknownTool",
                message=f"{call.agent} has no tool '{call.tool}'.",
                suggestions=closest(call.tool, names) or names[:10],
            )
        if found.spec.mutating and self.read_only:
            return "read_only", ToolError(
                code="ReadOnly",
                message="swarmops is in read-only mode; nothing was changed.",
                hint="Restart without --read-only to make changes.",
            )
        if decision is not None and not decision.approved:
            reason = decision.reason or REJECTED_BY_DEFAULT
            return "rejected", ToolError(
                code="Rejected",
                message=f"The user rejected this change ({reason}). Nothing was changed.",
                hint="Do not retry unless the user asks.",
            )
        if found.spec.mutating and decision is None:
            return "refused", ToolError(
                code="NotApproved",
                message=f"{call.tool} was not run: every change needs an approval. Nothing was changed.",
                hint="Ask the user to approve the change first.",
            )
        return ("approved" if decision is not None else "not_needed"), None

    def _masked(self, result: ToolResult) -> ToolResult:
        """Tool output may quote a credential (an object's content, a log line): mask it before anyone sees it."""
        if result.ok:
            return result.model_copy(update={"data": self._masker.data(result.data)})
        if result.error is None:
            return result
        return result.model_copy(update={"error": ToolError(**self._masker.data(result.error.model_dump()))})


@contextlib.contextmanager
def _reporting(
    progress: Callable[[str], None] | None, cancel: threading.Event | None, status: StatusListener | None
) -> Iterator[None]:
    """Route the tool's progress, status and cancel checks to the caller; with none given, leave
    whatever the caller set up itself in force."""
    if progress is None and cancel is None and status is None:
        yield
        return
    with progress_to(progress or _ignore, cancel, status):
        yield


def _ignore(_: str) -> None:
    pass
