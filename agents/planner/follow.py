"""Steps that come before or after a tool, declared as data rather than written per intent.

A `Before` runs first when its condition holds and feeds the main step (get_pipeline gives the
inputs that "50 trees" maps to; list_runs finds "my last two runs" or "whatever is running").
An `After` follows a step that succeeded when the request asks for more than the step gives (a
submitted run is waited for when the person wants its outcome).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agents.planner.said import Said

#: The request wants the outcome of what it starts, not just the start.
WANTS_RESULT = re.compile(
    r"\b(wait|until|finish(?:es|ed)?|done|complete[sd]?|through|outcome|result|results|how (?:it|did it) (?:go|went)|"
    r"accuracy|metrics?|scores?|f1|precision|recall|loss|auc|tell me (?:what|how|when|if|whether)|"
    r"let me know|passe?s|once it'?s)\b",
    re.I,
)
_RUNNING = re.compile(r"\b(running|still going|in progress|whatever is|what'?s running|currently|active)\b", re.I)
_PARAMS = re.compile(r"\d|=|s3a?://|\.(?:csv|json|parquet|txt)\b|\b(?:with|on|using|without)\b", re.I)


@dataclass(frozen=True)
class Before:
    tool: str  # the main step this one precedes
    when: Callable[[Said, dict[str, Any]], bool]
    step: str
    args: Callable[[Said, dict[str, Any]], dict[str, Any]]
    #: The main step's argument this step's result supplies (not asked for when missing).
    supplies: str | None = None


@dataclass(frozen=True)
class After:
    tool: str
    when: Callable[[Said, str], bool]  # (clause, whole task)
    step: str
    args: Callable[[dict[str, Any]], dict[str, Any] | None]  # from the main step's result


def _runs_wanted(said: Said, args: dict[str, Any]) -> bool:
    return len(args.get("runs") or []) < 2


def _running_wanted(said: Said, args: dict[str, Any]) -> bool:
    return args.get("run") in {None, "latest"} and _RUNNING.search(said.low) is not None


BEFORE: list[Before] = [
    Before("submit_run", lambda said, args: not args.get("pipeline"), "list_pipelines", lambda s, a: {}, "pipeline"),
    Before("get_pipeline", lambda said, args: not args.get("pipeline"), "list_pipelines", lambda s, a: {}, "pipeline"),
    Before(
        "submit_run",
        lambda said, args: bool(args.get("pipeline")) and _PARAMS.search(said.text) is not None,
        "get_pipeline",
        lambda said, args: {"pipeline": args["pipeline"]},
    ),
    Before(
        "compare_runs",
        _runs_wanted,
        "list_runs",
        lambda said, args: {
            k: v
            for k, v in {"pipeline": args.get("pipeline"), "limit": said.count_before("runs?|ones") or 2}.items()
            if v
        },
    ),
    Before("terminate_run", _running_wanted, "list_runs", lambda said, args: {"state": "RUNNING", "limit": 5}),
]

AFTER: list[After] = [
    After(
        "submit_run",
        lambda said, task: WANTS_RESULT.search(task) is not None,
        "wait_for_run",
        lambda data: {"run": data["run_id"]} if data.get("run_id") else None,
    ),
]
