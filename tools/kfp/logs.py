"""get_task_logs: a task's log lines from the object store (kfp.Client has no logs API)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from tools.base import ToolFailure
from tools.kfp import artifacts
from tools.kfp.common import StrictArgs, kfp_tool
from tools.kfp.context import KfpContext
from tools.kfp.resolve import display_name, match_by_name, not_found, resolve_run
from tools.kfp.runinfo import Names, failed_task, layout_name, run_pipeline_name, run_spec, task_records
from tools.kfp.spec import tasks as spec_tasks
from tools.slots import Slot


class GetTaskLogsArgs(StrictArgs):
    run: Annotated[str, Slot("run")] = Field(description="Run name (newest of that name), run id, or 'latest'.")
    task: Annotated[str | None, Slot("text")] = Field(
        default=None,
        description="Task name, e.g. 'train' (get_run lists them). Omit for the failed task, else the last task.",
    )
    tail_lines: Annotated[int, Slot("number")] = Field(
        default=100, ge=1, le=1000, description="How many of the last log lines to return."
    )


def _pick_task(args: GetTaskLogsArgs, tasks: list[dict[str, Any]], available: list[str]) -> str:
    if args.task is None:
        chosen = failed_task(tasks) or (tasks[-1]["name"] if tasks else None) or (available[-1] if available else None)
        if chosen is None:
            raise ToolFailure("NoTasks", "The run has no tasks yet (it may still be starting).", hint="Retry shortly.")
        return chosen
    hits = match_by_name(args.task, available, lambda n: n, "task")
    if hits:
        return hits[0]
    failure = not_found("task", args.task, available, f"This run's tasks: {', '.join(available) or 'none yet'}.")
    raise failure


def get_task_logs(args: GetTaskLogsArgs, ctx: KfpContext) -> dict[str, Any]:
    run = resolve_run(ctx, args.run)
    artifacts.need_store(ctx, "LogsUnavailable", "task logs")
    tasks = task_records(run)
    spec = run_spec(ctx, run)
    layout = layout_name(spec, run_pipeline_name(run, Names(ctx)))
    available = [t["name"] for t in tasks] or [t["name"] for t in spec_tasks(spec)]
    with artifacts.object_store(ctx):
        logged = artifacts.logged_tasks(ctx, layout, run.run_id) if layout else []
    available += [n for n in logged if n not in available]
    task = _pick_task(args, tasks, available)
    with artifacts.object_store(ctx):
        tail = artifacts.read_log_tail(ctx, layout, run.run_id, task, args.tail_lines) if layout else None
    state = next((t["state"] for t in tasks if t["name"] == task), "PENDING")
    out: dict[str, Any] = {
        "run": display_name(run),
        "run_id": run.run_id,
        "task": task,
        "task_state": state,
        "lines": tail[0] if tail else [],
        "truncated": bool(tail and tail[1]),
        "available_tasks": available,
    }
    if tail is None:
        out["note"] = (
            f"No log stored for task '{task}' yet (state {state})."
            if state in ("PENDING", "RUNNING")
            else f"No log was stored for task '{task}' (state {state})."
        )
    return out


GET_TASK_LOGS = kfp_tool(
    "get_task_logs",
    "Read the last lines of one task's log in a run (by default the failed task). Use it to explain why a run "
    "failed or what a task printed.",
    GetTaskLogsArgs,
    get_task_logs,
    mutating=False,
)
