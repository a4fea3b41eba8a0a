"""Child process that executes one run with kfp.local: `python -m swarmops.services.kfp_server.runner RUN_DIR`.

One process per run because kfp.local's configuration is process-global and it writes to sys.stdout;
in a child of its own session, terminate can kill the run with every task process it started.
Reads RUN_DIR/spec.json and params.json (already validated and coerced by the server), writes
RUN_DIR/logs/<task>.log (ANSI stripped), RUN_DIR/runner.log, RUN_DIR/root (kfp pipeline_root) and
keeps RUN_DIR/run.json (state, per-task state/times/outputs/error) current for the server to poll.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_EXC_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b.*)$")


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def exception_line(log_text: str) -> str | None:
    """The exception line of the last traceback in a task log ("ValueError: boom"), for run.error."""
    lines = log_text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip().startswith("Traceback (most recent call last)")]
    if starts:
        first = lines[starts[-1]]
        indent = len(first) - len(first.lstrip())
        for line in lines[starts[-1] + 1 :]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                return line.strip()
    for line in reversed(lines):
        match = _EXC_LINE.match(line)
        if match:
            return match.group(1).strip()
    return None


class _ThreadRoutedStdout(io.TextIOBase):
    """sys.stdout replacement: writes go to the current thread's task log, else the runner log.

    kfp.local streams each task's output through print/logging from the thread running the task, so
    routing by thread keeps logs of parallel tasks (ParallelFor) apart.
    """

    def __init__(self, default: io.TextIOBase) -> None:
        self.default, self.local = default, threading.local()

    def write(self, s: str) -> int:
        target = getattr(self.local, "file", None) or self.default
        target.write(ANSI.sub("", s))
        target.flush()
        return len(s)

    def flush(self) -> None:
        self.default.flush()


def _watch_parent(parent: int) -> None:
    """Die with the server: a run nobody monitors could never be reported, terminated or published."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os.killpg(os.getpgrp(), signal.SIGKILL)


def _artifact_view(value: Any) -> Any:
    if isinstance(value, list):
        return [_artifact_view(v) for v in value]
    if hasattr(value, "uri"):
        return {
            "uri": value.uri,
            "metadata": dict(value.metadata or {}),
            "type": type(value).__name__,
            "schema_title": getattr(value, "schema_title", ""),
        }
    return value


def main(run_dir: Path) -> int:
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    logs = run_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    spec_path = run_dir / "spec.json"
    params = json.loads((run_dir / "params.json").read_text())
    runner_log = open(run_dir / "runner.log", "a", buffering=1)  # noqa: SIM115 - lives as long as the process
    router = _ThreadRoutedStdout(runner_log)
    sys.stdout = router  # before kfp.local creates its logging handlers, which capture sys.stdout
    sys.stderr = router

    from google.protobuf import json_format
    from kfp import local
    from kfp.local import pipeline_orchestrator, task_dispatcher
    from kfp.local.orchestrator import task_executor
    from kfp.pipeline_spec import pipeline_spec_pb2

    from swarmops.services.kfp_server.installs import skip_satisfied_installs
    from swarmops.services.kfp_server.spec import with_defaults

    tasks: dict[str, dict[str, Any]] = {}
    run: dict[str, Any] = {"state": "RUNNING", "started_at": now_iso(), "pid": os.getpid(), "tasks": []}
    lock = threading.Lock()

    def dump() -> None:
        with lock:
            run["tasks"] = list(tasks.values())
            tmp = run_dir / "run.json.tmp"
            tmp.write_text(json.dumps(run, indent=1, default=str))
            os.replace(tmp, run_dir / "run.json")

    original = task_executor.execute_single_task

    def traced(*, task_name: str, task_spec: Any, **kwargs: Any) -> Any:
        key = task_name
        with lock:
            n = 2
            while key in tasks:  # the same task name in two sub-DAGs or loop iterations
                key, n = f"{task_name}-{n}", n + 1
            record = tasks[key] = {
                "task_name": key,
                "display_name": key,
                "state": "RUNNING",
                "start_time": now_iso(),
                "component": task_spec.component_ref.name,
            }
        dump()
        log_path = logs / f"{key}.log"
        with open(log_path, "a", buffering=1) as handle:
            router.local.file = handle
            try:
                outputs, status = original(task_name=task_name, task_spec=task_spec, **kwargs)
                record["state"] = "SUCCEEDED" if status.name == "SUCCESS" else "FAILED"
                record["outputs"] = {k: _artifact_view(v) for k, v in outputs.items()}
                return outputs, status
            except BaseException as exc:
                record["state"] = "FAILED"
                record["error"] = ANSI.sub("", f"{type(exc).__name__}: {exc}")
                traceback.print_exc(file=handle)
                raise
            finally:
                router.local.file = None
                record["end_time"] = now_iso()
                if record["state"] == "FAILED" and "error" not in record:
                    handle.flush()
                    line = exception_line(log_path.read_text(errors="replace"))
                    record["error"] = line or "the task failed without an exception message; see its log"
                dump()

    task_executor.execute_single_task = traced
    dump()
    try:
        local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=str(run_dir / "root"))
        # The orchestrator directly, not load_component_from_file(...)(**params): a loaded one-task pipeline
        # may be run as a bare component, bypassing the per-task hook above.
        spec = skip_satisfied_installs(json.loads(spec_path.read_text()))
        proto = json_format.ParseDict(spec, pipeline_spec_pb2.PipelineSpec(), ignore_unknown_fields=True)
        arguments = with_defaults(spec, params)
        if proto.root.WhichOneof("implementation") == "dag":
            pipeline_orchestrator.run_local_pipeline(pipeline_spec=proto, arguments=arguments)
        else:  # a lone compiled component: runs, but without per-task details
            task_dispatcher.run_single_task(pipeline_spec=proto, arguments=arguments)
        run["state"] = "SUCCEEDED"
    except BaseException as exc:  # noqa: BLE001 - every failure must end up in run.json
        run["state"] = "FAILED"
        failed = [t for t in tasks.values() if t["state"] == "FAILED"]
        if failed:
            run["failed_task"] = failed[-1]["task_name"]
            run["error"] = f"Task '{failed[-1]['task_name']}' failed: {failed[-1].get('error')}"
        else:
            run["error"] = ANSI.sub("", f"{type(exc).__name__}: {exc}").strip()
        traceback.print_exc(file=runner_log)
    run["finished_at"] = now_iso()
    for task in tasks.values():  # tasks the orchestrator never got back to (it stops at the first failure)
        if task["state"] == "RUNNING":
            task.update(state="FAILED", end_time=run["finished_at"])
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    dump()
    return 0 if run["state"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
