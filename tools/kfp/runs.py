"""Run tools: list_runs, get_run, terminate_run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field, field_validator

from tools.base import ToolFailure
from tools.kfp.common import FINAL_STATES, SCAN_CAP, StrictArgs, kfp_tool, now, seconds_between, state_of
from tools.kfp.context import KfpContext
from tools.kfp.resolve import display_name, recent_runs, resolve_experiment, resolve_pipeline, resolve_run
from tools.kfp.runinfo import Names, details, run_pipeline_name, summary, version_ref
from tools.slots import Slot

STATES = ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELING", "CANCELED", "SKIPPED", "PAUSED")
#: The words people use for a state ("broken runs", "the ones still queued").
_STATE_WORDS = {
    "RUNNING": ("running",),
    "FAILED": ("failed", "failing", "broken", "crashed"),
    "SUCCEEDED": ("succeeded", "successful", "passed", "finished", "completed"),
    "PENDING": ("pending", "queued"),
    "CANCELED": ("canceled", "cancelled", "stopped"),
}
_RUN = Field(description="Run name (newest of that name), run id (or its first 8+ characters), or 'latest'.")


class ListRunsArgs(StrictArgs):
    state: Annotated[str | None, Slot("choice", says=_STATE_WORDS)] = Field(
        default=None,
        description="Only runs in this state: PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, SKIPPED.",
    )
    experiment: Annotated[str | None, Slot("experiment")] = Field(
        default=None, description="Only runs in this experiment (name or id)."
    )
    pipeline: Annotated[str | None, Slot("pipeline")] = Field(
        default=None, description="Only runs of this pipeline (name or id)."
    )
    limit: Annotated[int, Slot("number")] = Field(
        default=20, ge=1, le=100, description="Most runs to return, newest first (1-100)."
    )

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str | None) -> str | None:
        if value is None:
            return None
        upper = value.strip().upper()
        upper = {"CANCELLED": "CANCELED", "SUCCESS": "SUCCEEDED", "FAILURE": "FAILED", "ERROR": "FAILED"}.get(
            upper, upper
        )
        if upper not in STATES:
            raise ValueError(f"unknown state {value!r}; use one of {', '.join(STATES)}")
        return upper


def of_pipeline(pipeline: Any, names: Names) -> Callable[[Any], bool]:
    """Whether a run is of `pipeline` (a V2beta1Pipeline): by its version's pipeline id, or by name
    for a run submitted with an inline spec. Filtered here: not every server filters runs by pipeline."""
    pipeline_id, wanted = pipeline.pipeline_id, display_name(pipeline)

    def match(run: Any) -> bool:
        pid, _ = version_ref(run)
        return pid == pipeline_id or (pid is None and run_pipeline_name(run, names) == wanted)

    return match


def list_runs(args: ListRunsArgs, ctx: KfpContext) -> dict[str, Any]:
    names = Names(ctx)
    experiment_id = resolve_experiment(ctx, args.experiment).experiment_id if args.experiment else None
    wanted = of_pipeline(resolve_pipeline(ctx, args.pipeline), names) if args.pipeline else None
    picked: list[dict[str, Any]] = []
    more = False
    scanned = 0
    for run in recent_runs(ctx, experiment_id=experiment_id):
        scanned += 1
        if args.state and state_of(run) != args.state:
            continue
        if wanted is not None and not wanted(run):
            continue
        if len(picked) == args.limit:
            more = True
            break
        picked.append(summary(run, names))
    out: dict[str, Any] = {"runs": picked, "count": len(picked), "truncated": more}
    if scanned >= SCAN_CAP and not more:
        out["note"] = f"Only the newest {SCAN_CAP} runs were searched."
    return out


class GetRunArgs(StrictArgs):
    run: Annotated[str, Slot("run")] = _RUN


def get_run(args: GetRunArgs, ctx: KfpContext) -> dict[str, Any]:
    return details(ctx, resolve_run(ctx, args.run))


class TerminateRunArgs(StrictArgs):
    run: Annotated[str, Slot("run")] = _RUN


def _check_running(run: Any) -> None:
    state = state_of(run)
    if state in FINAL_STATES or state == "CANCELING":
        raise ToolFailure(
            "RunAlreadyFinished" if state != "CANCELING" else "RunAlreadyTerminating",
            f"Run '{display_name(run)}' is already {state}; there is nothing to terminate.",
            hint="Use get_run to see how it ended, or submit_run to start a new run.",
        )


def terminate_run(args: TerminateRunArgs, ctx: KfpContext) -> dict[str, Any]:
    run = resolve_run(ctx, args.run)
    _check_running(run)
    before = state_of(run)
    ctx.client.terminate_run(run.run_id)
    after = ctx.client.get_run(run.run_id)
    return {
        "run_id": run.run_id,
        "run_name": display_name(run),
        "previous_state": before,
        "state": state_of(after),
        "note": "Termination requested; the run ends as CANCELED once its running tasks are stopped."
        if state_of(after) not in FINAL_STATES
        else "Terminated.",
    }


def preview_terminate_run(args: TerminateRunArgs, ctx: KfpContext) -> str:
    run = resolve_run(ctx, args.run)
    _check_running(run)
    pipeline = run_pipeline_name(run, Names(ctx))
    age = seconds_between(run.created_at, now())
    return (
        f"Terminate run '{display_name(run)}' ({run.run_id}) of pipeline '{pipeline}', {state_of(run)} "
        f"{f'for {age:.0f} s' if age is not None else ''}: its running tasks are stopped and it ends CANCELED. "
        "This cannot be undone; outputs written so far are kept."
    )


LIST_RUNS = kfp_tool(
    "list_runs",
    "List pipeline runs, newest first, optionally only those in a state, experiment or of a pipeline. Use it to "
    "find runs by name (e.g. for compare_runs) or to see what is running.",
    ListRunsArgs,
    list_runs,
    mutating=False,
)
GET_RUN = kfp_tool(
    "get_run",
    "Show one run: state, parameters, per-task states and durations, the error and the failed task's last log "
    "lines if it failed, and its output artifacts (s3:// URIs) in the object store.",
    GetRunArgs,
    get_run,
    mutating=False,
)
TERMINATE_RUN = kfp_tool(
    "terminate_run",
    "Stop a pending or running run (it ends CANCELED). Fails with the run's state if it already finished.",
    TerminateRunArgs,
    terminate_run,
    mutating=True,
    preview=preview_terminate_run,
)
