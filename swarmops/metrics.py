"""Prometheus figures of a long-running swarmops (the Slack bot, the MCP server): what operators of a
team deployment watch, counted from the typed events every turn yields and from raw MCP tool calls.

The figures live in prometheus-client's process registry, so any number of assistants in one process
add to the same series; `swarmops.opsserver` serves them. Labels are bounded (tool names, surfaces,
outcomes), never a user, thread or argument: a label per thread would grow without limit and could
carry what people typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import Counter, Gauge, Histogram

from agents.events import ApprovalRequest, ApprovalResult, Event, ToolResultEvent, TurnDone

#: Seconds: a turn spans a planner's milliseconds to a model's and a pipeline's minutes.
_TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)
_TOOL_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

TURNS = Counter(
    "swarmops_turns", "Turns finished, by surface and outcome (ok, error, waiting).", ["surface", "outcome"]
)
TURN_SECONDS = Histogram(
    "swarmops_turn_seconds", "Wall time of a turn, approvals excluded.", ["surface"], buckets=_TURN_BUCKETS
)
TOOL_CALLS = Counter("swarmops_tool_calls", "Tool calls, by tool and status (ok, error).", ["tool", "status"])
TOOL_SECONDS = Histogram("swarmops_tool_seconds", "Time a tool call took.", ["tool"], buckets=_TOOL_BUCKETS)
MODEL_CALLS = Counter("swarmops_model_calls", "Model (or offline planner) calls, by surface.", ["surface"])
MODEL_TOKENS = Counter("swarmops_model_tokens", "Tokens sent to and received from the model.", ["surface", "kind"])
APPROVALS = Counter(
    "swarmops_approvals", "Changes decided by a person, by decision (approved, rejected).", ["decision"]
)
APPROVALS_PENDING = Gauge(
    "swarmops_approvals_pending", "Changes this process left waiting for a person and nobody has decided yet."
)


def tool_call(tool: str, ok: bool, seconds: float) -> None:
    """One tool call, from a turn or straight through the tool gate (MCP)."""
    TOOL_CALLS.labels(tool=tool, status="ok" if ok else "error").inc()
    TOOL_SECONDS.labels(tool=tool).observe(max(0.0, seconds))


@dataclass
class TurnMetrics:
    """Counts one turn's events as they pass; `Assistant.astream` makes one per turn."""

    surface: str
    _asked: bool = False

    def see(self, event: Event) -> None:
        if isinstance(event, ToolResultEvent):
            tool_call(event.tool, event.ok, event.duration_ms / 1000)
        elif isinstance(event, ApprovalRequest):
            self._asked = self._asked or not event.asked_before  # shown again after a restart: not new
        elif isinstance(event, ApprovalResult):
            APPROVALS.labels(decision="approved" if event.approved else "rejected").inc()
            if not self._asked:  # decided before anything was asked this turn: a change left waiting earlier
                _decided_one()
        elif isinstance(event, TurnDone):
            self._done(event)

    def _done(self, done: TurnDone) -> None:
        outcome = "error" if done.error else "waiting" if done.pending_approval else "ok"
        TURNS.labels(surface=self.surface, outcome=outcome).inc()
        TURN_SECONDS.labels(surface=self.surface).observe(max(0.0, done.wall_ms - done.approval_wait_ms) / 1000)
        MODEL_CALLS.labels(surface=self.surface).inc(done.llm_calls)
        MODEL_TOKENS.labels(surface=self.surface, kind="prompt").inc(done.input_tokens)
        MODEL_TOKENS.labels(surface=self.surface, kind="completion").inc(done.output_tokens)
        if done.pending_approval and self._asked:
            APPROVALS_PENDING.inc()


def _decided_one() -> None:
    """Never below zero: the change may have been left waiting by a process that has since gone."""
    if APPROVALS_PENDING._value.get() > 0:  # noqa: SLF001 - prometheus-client has no public getter
        APPROVALS_PENDING.dec()
