"""wait_for_run: poll until a run ends, returning within the time asked for whatever happens.

kfp.Client.wait_for_run_completion is not used: it does not treat CANCELED as final (a terminated
run would be waited on until the timeout) and it raises on timeout, losing the last known state.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import Field

from tools.base import cancelled, report_progress
from tools.kfp.common import FINAL_STATES, StrictArgs, kfp_tool, state_of
from tools.kfp.context import KfpContext
from tools.kfp.errors import is_transport
from tools.kfp.resolve import display_name, resolve_run
from tools.kfp.runinfo import details


class WaitForRunArgs(StrictArgs):
    run: str = Field(description="Run name (newest of that name), run id, or 'latest'.")
    timeout_seconds: int = Field(
        default=600,
        ge=1,
        le=3600,
        description="Give up waiting after this many seconds (1-3600) and report the state reached so far; "
        "the run itself keeps going.",
    )
    poll_seconds: float = Field(default=2.0, ge=0.2, le=60, description="Seconds between status checks (0.2-60).")


def wait_for_run(args: WaitForRunArgs, ctx: KfpContext) -> dict[str, Any]:
    start = time.monotonic()
    deadline = start + args.timeout_seconds
    run = resolve_run(ctx, args.run)
    poll_errors = 0
    last_said = ""
    while state_of(run) not in FINAL_STATES and not cancelled():
        said = _progress_line(run, time.monotonic() - start)
        if said.split(" (")[0] != last_said.split(" (")[0]:
            report_progress(said)
            last_said = said
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        time.sleep(min(args.poll_seconds, remaining))
        try:
            run = ctx.client.get_run(run.run_id)
        except Exception as exc:  # a blip while polling must not lose the run: keep the last state
            if not is_transport(exc) and not _is_server_error(exc):
                raise
            poll_errors += 1
    try:
        out = details(ctx, run)
    except Exception as exc:  # the server went away at the end: still report what was last seen
        if not is_transport(exc) and not _is_server_error(exc):
            raise
        out = {"id": run.run_id, "name": display_name(run), "state": state_of(run), "error": None}
        out["note_server"] = f"The KFP API stopped answering ({type(exc).__name__}); details are from the last poll."
    out["waited_s"] = round(time.monotonic() - start, 1)
    out["timed_out"] = state_of(run) not in FINAL_STATES
    if out["timed_out"]:
        out["note"] = (
            f"Still {state_of(run)} after {args.timeout_seconds} s; the run continues. "
            "Call wait_for_run again to keep waiting."
        )
    if poll_errors:
        out["poll_errors"] = poll_errors
    return out


def _is_server_error(exc: Exception) -> bool:
    status = getattr(exc, "status", None)
    return isinstance(status, int) and status >= 500


WAIT_FOR_RUN = kfp_tool(
    "wait_for_run",
    "Wait until a run finishes (SUCCEEDED, FAILED, CANCELED or SKIPPED) and return its full details, like "
    "get_run. Never hangs: after timeout_seconds it returns the last known state with timed_out=true.",
    WaitForRunArgs,
    wait_for_run,
    examples=["wait for my run to finish", "what accuracy did the run get?"],
)


def _progress_line(run: Any, elapsed: float) -> str:
    """'RUNNING: prepare-data SUCCEEDED, train RUNNING (12 s)' for a person watching the wait."""
    tasks = getattr(getattr(run, "run_details", None), "task_details", None) or []
    parts = [f"{t.display_name} {t.state}" for t in tasks if getattr(t, "display_name", None)]
    return f"{state_of(run)}" + (f": {', '.join(parts)}" if parts else "") + f" ({elapsed:.0f} s)"
