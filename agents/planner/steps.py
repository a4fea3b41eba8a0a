"""The loop every offline specialist shares: run a plan one tool call per model call.

A specialist recomputes its plan from the thread on each call; this decides what that call
returns: a report of the failure that ends the plan, the next planned tool call, or nothing
(the plan is done and the specialist writes its answer).
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessage

from agents.planner.answers import describe
from agents.planner.conversation import Executed
from agents.planner.plan import Plan

#: Set in the metadata of a planned call that is the plan's last (peers may hand over with it).
LAST_STEP = "swarmops_last_step"


def advance(plan: Plan, done: list[Executed], new_id: Callable[[], str]) -> AIMessage | None:
    """The next call of `plan`, a failure report, or None when done. A call known to be the plan's
    last is marked (LAST_STEP); one of a plan still waiting on results (`pending`) is not."""
    retried = len(done) < len(plan.steps) and plan.steps[len(done)].retry
    if done and not done[-1].ok and not retried:
        # Stop at the first failure: report it (with its suggestions) rather than guess; only a
        # retry the plan made from the error itself (Step.retry) goes on.
        return AIMessage(content="\n".join(describe(e) for e in done))
    if len(done) < len(plan.steps):
        step = plan.steps[len(done)]
        last = len(done) == len(plan.steps) - 1 and not plan.question and not plan.pending
        return AIMessage(
            content="",
            tool_calls=[{"name": step.tool, "args": step.args, "id": new_id()}],
            response_metadata={LAST_STEP: last},
        )
    return None


def with_question(report: str, plan: Plan) -> str:
    """The report, followed by the plan's clarifying question when a value was missing."""
    if not plan.question:
        return report
    return f"{report}\n{plan.question}" if report else plan.question
