"""An offline specialist's turn: plan its part of the request, run it one call at a time, report.

Storage, pipelines and docs differ only in their tools (and in how docs words its answer); the
plan comes from the one planning loop (planning.py) over the tools the specialist owns.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessage, BaseMessage

from agents.planner.answers import describe
from agents.planner.catalog import tools
from agents.planner.conversation import Executed, current_visit, executed_between, executed_since
from agents.planner.memory import remember
from agents.planner.plan import Plan
from agents.planner.planning import plan
from agents.planner.said import Said
from agents.planner.steps import advance, with_question

_TRY = {
    "storage": '"list my buckets" or "upload train.csv to raw-data"',
    "pipelines": '"list my pipelines", "run the iris pipeline with 50 trees" or "show my last run"',
    "docs": '"how do I turn off caching for a KFP task?"',
}


def names_storage(task: str) -> bool:
    """The task names an object itself (an s3 URI or a file): a storage request, not a run's metrics."""
    said = Said.of(task)
    return bool(said.uris or said.paths)


def owned(role: str) -> set[str]:
    return {name for name, tool in tools().items() if tool.owner == role}


def plan_visit(role: str, messages: list[BaseMessage]) -> tuple[str, Plan, list[Executed]]:
    task, start = current_visit(messages)
    memory = remember(executed_between(messages, 0, start))
    done = executed_since(messages, start)
    return task, plan(task, owned(role), memory, done), done


def shown(p: Plan, done: list[Executed]) -> list[Executed]:
    """What the report repeats: not the preparatory look-ups, not a submit a wait reports on."""
    out = [e for i, e in enumerate(done) if i not in p.quiet]
    if any(e.tool == "wait_for_run" for e in out):
        out = [e for e in out if e.tool != "submit_run"]
    return out


def reply(role: str, messages: list[BaseMessage], new_id: Callable[[], str]) -> AIMessage:
    task, p, done = plan_visit(role, messages)
    if (step := advance(p, done, new_id)) is not None:
        return step
    report = "\n".join(describe(e) for e in shown(p, done))
    unclear = f'What would you like me to do with "{task.strip()[:200]}"? I can\'t tell which {role} action you mean.'
    return AIMessage(content=with_question(report, p) or f"{unclear} For example: {_TRY.get(role, '')}.")
