"""The offline storage specialist: plan the task's tool calls, run them one by one, report."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from langchain_core.messages import AIMessage, BaseMessage

from agents.planner import specialist
from agents.planner.answers import describe
from agents.planner.conversation import Executed, current_visit, executed_between, executed_since
from agents.planner.memory import ThreadMemory, remember
from agents.planner.plan import Plan, Step
from agents.planner.steps import advance

#: "what's its accuracy?", "show me the metrics", "how well did it do?"
#: A word, never part of a name ("fraud-scores" is a bucket, not a question about scores).
METRICS = re.compile(
    r"(?<![\w./-])(accuracy|accurate|metrics?|scores?|f1|precision|recall|loss|auc|rmse|how (?:well|good) did)"
    r"(?![\w/-]|\.\w)",
    re.I,
)


def metrics_plan(task: str, memory: ThreadMemory) -> Plan | None:
    """Reading a run's Metrics artifact, when the thread has one in play."""
    if not METRICS.search(task) or specialist.names_storage(task):
        return None
    if not memory.metrics_uri:
        return Plan(
            steps=[],
            question="Which run's metrics do you mean? I haven't seen a finished run in this conversation; "
            "ask me to wait for a run (or name one) first.",
        )
    bucket, _, key = memory.metrics_uri.removeprefix("s3://").partition("/")
    return Plan(steps=[Step("preview_object", {"bucket": bucket, "key": key})])


def describe_metrics(task: str, e: Executed) -> str:
    """A metrics artifact as values, the one the user asked about first."""
    uri = f"s3://{e.args.get('bucket')}/{e.args.get('key')}"
    try:
        values = json.loads((e.data or {}).get("text") or "")
    except (TypeError, ValueError):
        return describe(e)
    if not isinstance(values, dict):
        return describe(e)
    asked = [k for k in values if re.search(rf"\b{re.escape(k.split('_')[0])}", task, re.I)]
    lines = [f"{k}: {values[k]}" for k in asked] or []
    lines += [f"{k}: {v}" for k, v in values.items() if k not in asked]
    head = f"The run's {asked[0]} is {values[asked[0]]}." if asked else "The run's metrics:"
    return f"{head}\n" + "\n".join(f"  • {line}" for line in lines) + f"\n(read from {uri})"


def reply(messages: list[BaseMessage], new_id: Callable[[], str]) -> AIMessage:
    task, start = current_visit(messages)
    metrics = metrics_plan(task, remember(executed_between(messages, 0, start)))
    if metrics is None:
        return specialist.reply("storage", messages, new_id)
    done = executed_since(messages, start)
    if (step := advance(metrics, done, new_id)) is not None:
        return step
    if done:
        return AIMessage(content=describe_metrics(task, done[-1]))
    return AIMessage(content=metrics.question or "")
