"""The offline storage specialist: plan the task's tool calls, run them one by one, report."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessage, BaseMessage

from agents.planner.answers import describe
from agents.planner.conversation import current_visit, earlier_tool_args, executed_since
from agents.planner.storage_intents import Memory, plan_storage

_BUCKET_ARGS = ("bucket", "dst_bucket", "src_bucket")
_KEY_ARGS = ("key", "dst_key", "src_key")


def memory_from(calls: list[tuple[str, dict]]) -> Memory:
    """Most recent bucket, key and local path mentioned by earlier tool calls in the thread."""
    memory = Memory()
    for _tool, args in calls:
        bucket = next((args[a] for a in _BUCKET_ARGS if args.get(a)), None)
        key = next((args[a] for a in _KEY_ARGS if args.get(a)), None)
        if bucket:
            memory.bucket = str(bucket)
        if key:
            memory.key = str(key)
        if args.get("local_path"):
            memory.local_path = str(args["local_path"])
    return memory


def reply(messages: list[BaseMessage], new_id: Callable[[], str]) -> AIMessage:
    task, start = current_visit(messages)
    plan = plan_storage(task, memory_from(earlier_tool_args(messages, start)))
    done = executed_since(messages, start)
    if done and not done[-1].ok:
        # Stop at the first failure: report it (with its suggestions) rather than guess.
        return AIMessage(content="\n".join(describe(e) for e in done))
    if len(done) < len(plan.steps):
        step = plan.steps[len(done)]
        return AIMessage(content="", tool_calls=[{"name": step.tool, "args": step.args, "id": new_id()}])
    report = "\n".join(describe(e) for e in done)
    if plan.question:
        report = f"{report}\n{plan.question}" if report else plan.question
    return AIMessage(
        content=report
        or "I couldn't work out which storage action you want. Try e.g. "
        '"list my buckets" or "upload train.csv to raw-data".'
    )
