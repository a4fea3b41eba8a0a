"""wait_for_run: poll until a run ends, returning within the time asked for whatever happens.

kfp.Client.wait_for_run_completion is not used: it does not treat CANCELED as final (a terminated
run would be waited on until the timeout) and it raises on timeout, losing the last known state.
A failed poll is retried (a blip must not lose the run), but a server that keeps failing ends the
wait within seconds with an error: connection refused for seconds on end is not a passing glitch,
and waiting out the whole timeout would hang the turn for nothing.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from pydantic import Field

from tools.base import ToolFailure, cancelled, report_progress
from tools.kfp.common import FINAL_STATES, StrictArgs, kfp_tool, state_of
from tools.kfp.context import KfpContext
from tools.kfp.errors import DOCTOR, is_transport, map_api_error, unreachable
from tools.kfp.resolve import display_name, resolve_run
from tools.kfp.runinfo import details
from tools.slots import Slot


class WaitForRunArgs(StrictArgs):
    run: Annotated[str, Slot("run")] = Field(description="Run name (newest of that name), run id, or 'latest'.")
    timeout_seconds: Annotated[int, Slot("duration")] = Field(
        default=600,
        ge=1,
        le=3600,
        description="Give up waiting after this many seconds (1-3600) and report the state reached so far; "
        "the run itself keeps going.",
    )
    poll_seconds: Annotated[float, Slot("duration")] = Field(
        default=2.0, ge=0.2, le=60, description="Seconds between status checks (0.2-60)."
    )


def wait_for_run(args: WaitForRunArgs, ctx: KfpContext) -> dict[str, Any]:
    start = time.monotonic()
    deadline = start + args.timeout_seconds
    run = resolve_run(ctx, args.run)
    seen_at = time.monotonic()  # when `run` was last observed
    failures, poll_errors = 0, 0
    last_said = ""
    while state_of(run) not in FINAL_STATES and not cancelled():
        said = _progress_line(run, time.monotonic() - start)
        if said.split(" (")[0] != last_said.split(" (")[0]:
            report_progress(said)
            last_said = said
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        time.sleep(min(args.poll_seconds if not failures else RETRY_POLL_S, remaining))
        try:
            run, seen_at, failures = ctx.client.get_run(run.run_id), time.monotonic(), 0
        except Exception as exc:  # a blip while polling must not lose the run; a dead server must not hang us
            if not is_transport(exc) and not _is_server_error(exc):
                raise
            failures, poll_errors = failures + 1, poll_errors + 1
            if _server_gone(failures, time.monotonic() - seen_at):
                raise _lost_server(ctx, run, exc, failures, time.monotonic() - seen_at) from exc
            report_progress(f"the KFP API did not answer ({type(exc).__name__}); checking again")
    try:
        out = details(ctx, run)
    except Exception as exc:  # the server went away at the end: still report what was last seen
        if not is_transport(exc) and not _is_server_error(exc):
            raise
        out = {"id": run.run_id, "name": display_name(run), "state": state_of(run), "error": None}
        out["note_server"] = (
            f"The KFP API stopped answering ({type(exc).__name__}); the state is the one observed "
            f"{time.monotonic() - seen_at:.0f} s ago."
        )
    out["waited_s"] = round(time.monotonic() - start, 1)
    out["timed_out"] = state_of(run) not in FINAL_STATES
    if out["timed_out"]:
        ago = time.monotonic() - seen_at
        out["note"] = (
            f"Still {state_of(run)} when last checked ({ago:.0f} s ago), after waiting {args.timeout_seconds} s. "
            "Call wait_for_run again to keep waiting."
        )
    if poll_errors:
        out["poll_errors"] = poll_errors  # failed checks the wait recovered from
    return out


#: After a failed poll, check again sooner: either it was a blip, or we want to say so quickly.
RETRY_POLL_S = 1.0
#: Consecutive failed polls, spanning at least GIVE_UP_MIN_S, mean the server is gone, not hiccuping.
GIVE_UP_FAILURES = 3
GIVE_UP_MIN_S = 4.0
#: However few polls failed (each may take a read timeout), stop once nothing was heard for this long.
GIVE_UP_SILENCE_S = 8.0


def _server_gone(failures: int, silent_s: float) -> bool:
    return (failures >= GIVE_UP_FAILURES and silent_s >= GIVE_UP_MIN_S) or silent_s >= GIVE_UP_SILENCE_S


def _lost_server(ctx: KfpContext, run: Any, exc: Exception, failures: int, silent_s: float) -> ToolFailure:
    """The wait ends: say what was observed, and that the state now is unknown, never a guess."""
    down = unreachable(ctx, exc) if is_transport(exc) else map_api_error(exc, ctx)
    return ToolFailure(
        "KfpUnreachable",
        f"Stopped waiting for run '{display_name(run)}': {down.message} {failures} checks over "
        f"{silent_s:.0f} s failed. The run was last seen {state_of(run)} {silent_s:.0f} s ago; "
        "its state now is unknown.",
        hint="Ask for the run's status again in a moment: an embedded KFP API is started again on the next "
        "request and reports what became of the run (a run whose server stopped is marked FAILED). " + DOCTOR,
        backend_down=True,
    )


def _is_server_error(exc: Exception) -> bool:
    status = getattr(exc, "status", None)
    return isinstance(status, int) and status >= 500


WAIT_FOR_RUN = kfp_tool(
    "wait_for_run",
    "Wait until a run finishes (SUCCEEDED, FAILED, CANCELED or SKIPPED) and return its full details, like "
    "get_run. Never hangs: after timeout_seconds it returns the last known state with timed_out=true.",
    WaitForRunArgs,
    wait_for_run,
    mutating=False,
)


def _progress_line(run: Any, elapsed: float) -> str:
    """'RUNNING: prepare-data SUCCEEDED, train RUNNING (12 s)' for a person watching the wait."""
    tasks = getattr(getattr(run, "run_details", None), "task_details", None) or []
    parts = [f"{t.display_name} {t.state}" for t in tasks if getattr(t, "display_name", None)]
    return f"{state_of(run)}" + (f": {', '.join(parts)}" if parts else "") + f" ({elapsed:.0f} s)"
