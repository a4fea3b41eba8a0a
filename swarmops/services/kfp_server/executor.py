"""Starts, monitors and terminates run child processes (runner.py), at most `max_parallel` at a time.

Runs beyond the limit stay PENDING in the store, which is the queue: that survives restarts and keeps
one source of truth. Each started run gets a monitor thread that copies the child's run.json into
the run record while it progresses, then publishes artifacts and records the final state.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from swarmops.privacy import PRIVATE_UMASK
from swarmops.services.childenv import base_env, with_pythonpath
from swarmops.services.jsonfile import read_json
from swarmops.services.kfp_server import artifacts
from swarmops.services.kfp_server.objectstore import ObjectStoreLink, StoreSettings
from swarmops.services.kfp_server.store import Store, now_iso
from swarmops.services.lifecycle import pid_alive, proc_cmdline, proc_start_time, terminate

log = logging.getLogger(__name__)
_PACKAGE_ROOT = Path(__file__).resolve().parents[3]
RUNNER_MODULE = "swarmops.services.kfp_server.runner"
STOPPED_MESSAGE = "The swarmops KFP server stopped while this run was in progress."
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELED", "SKIPPED")
_UNKNOWN = 2  # google.rpc.Code UNKNOWN, what KFP reports for failed runs
_POLL_S = 0.25


@dataclass
class _Active:
    proc: subprocess.Popen[bytes]
    run_dir: Path
    cancel: bool = False
    done: threading.Event = field(default_factory=threading.Event)


def runner_env(run_dir: Path, store: StoreSettings | None) -> dict[str, str]:
    """Exactly what a run needs, nothing of ours: no API keys reach a component, its logs or its outputs.

    The allowlisted basics, the object store's endpoint and credentials (explicitly: the example
    pipelines read them), offline pip so kfp.local's install step is a no-op, our venv first on
    PATH, and a TMPDIR of its own. Variables a pipeline declares itself (task.set_env_variable) are
    applied by kfp.local inside the task.
    """
    env = with_pythonpath(base_env(), _PACKAGE_ROOT)
    venv_bin = str(Path(sys.executable).parent)  # not resolved: a venv's bin holds symlinks to the base python
    tmp = run_dir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env.update(
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PATH=os.pathsep.join([venv_bin, env.get("PATH", "")]),
        TMPDIR=str(tmp),
        PYTHONUNBUFFERED="1",
    )
    if store is not None:
        env.update(store.env())
    return env


def task_details(run_id: str, info: dict[str, Any]) -> list[dict[str, Any]]:
    """run.json tasks in the v2beta1 PipelineTaskDetail shape."""
    details = []
    for task in info.get("tasks", []):
        history = [{"update_time": task.get("start_time"), "state": "RUNNING"}]
        if task.get("state") != "RUNNING":
            history.append({"update_time": task.get("end_time"), "state": task.get("state")})
        detail: dict[str, Any] = {
            "run_id": run_id,
            "task_id": f"{run_id}.{task['task_name']}",
            "display_name": task.get("display_name", task["task_name"]),
            "create_time": task.get("start_time"),
            "start_time": task.get("start_time"),
            "end_time": task.get("end_time"),
            "state": task.get("state"),
            "state_history": history,
        }
        if task.get("error"):
            detail["error"] = {"code": _UNKNOWN, "message": task["error"], "details": []}
        details.append(detail)
    return details


def _with_state(record: dict[str, Any], state: str, when: str | None = None) -> dict[str, Any]:
    history = [*record.get("state_history", []), {"update_time": when or now_iso(), "state": state}]
    return {"state": state, "state_history": history}


def _publish_problem_details(problems: list[str]) -> list[dict[str, Any]]:
    """google.protobuf.Any entries; kfp_server_api insists `value` is base64, so the text is encoded."""
    kind = "type.googleapis.com/swarmops.ArtifactPublishError"
    return [{"@type": kind, "value": base64.b64encode(p.encode()).decode()} for p in problems]


def _with_publish_problems(error: dict[str, Any] | None, problems: list[str]) -> dict[str, Any]:
    """The run's error with publishing problems added: readable in message, itemised in details."""
    error = dict(error or {"code": 0, "message": "", "details": []})
    note = f"Artifacts were not published to the object store: {problems[0]}"
    error["message"] = f"{error['message']} ({note})" if error.get("message") else note
    error["details"] = [*error.get("details", []), *_publish_problem_details(problems)]
    return error


class Executor:
    """Owns the run child processes of one server."""

    def __init__(
        self, store: Store, runs_dir: Path, max_parallel: int = 2, objects: ObjectStoreLink | None = None
    ) -> None:
        self.store, self.runs_dir, self.max_parallel = store, runs_dir, max_parallel
        self.objects = objects or ObjectStoreLink()
        self._active: dict[str, _Active] = {}
        self._lock = threading.RLock()
        self._stopping = False

    # -- lifecycle -------------------------------------------------------------------------------
    def recover(self) -> None:
        """Fail runs a previous server left RUNNING: nobody monitored them, so their outcome is unknown.

        PENDING runs never started: they stay queued and run now, as a cluster would run them.
        """
        for record in self.store.all("runs"):
            if record.get("state") != "RUNNING":
                continue
            runner = record.get("_runner") or {}
            pid = runner.get("pid")
            if isinstance(pid, int) and pid_alive(pid, runner.get("pid_start")):
                argv = proc_cmdline(pid) or []
                if any(RUNNER_MODULE in a for a in argv):
                    terminate(pid, grace=2.0)
            self._fail_stale(record)

    def _fail_stale(self, record: dict[str, Any]) -> None:
        run_id, when = record["run_id"], now_iso()
        run_dir = self.runs_dir / run_id
        info = read_json(run_dir / "run.json") or {"tasks": []}
        for task in info.get("tasks", []):
            if task.get("state") not in TERMINAL:
                task.update(state="FAILED", end_time=when, error=STOPPED_MESSAGE)
        self.store.update(
            "runs",
            run_id,
            finished_at=when,
            error={"code": _UNKNOWN, "message": STOPPED_MESSAGE, "details": []},
            run_details={"task_details": task_details(run_id, info)},
            **_with_state(record, "FAILED", when),
        )
        log.warning("run %s marked FAILED: %s", run_id, STOPPED_MESSAGE)
        if info.get("tasks"):
            threading.Thread(target=self._publish, args=(run_id, run_dir, info), daemon=True).start()

    def activity(self) -> dict[str, int]:
        """Runs in flight, for the janitor: the server must not stop while any is queued or running."""
        with self._lock:
            running = len(self._active)
        return {"running": running, "queued": len(self.store.all("runs", state="PENDING"))}

    def shutdown(self, timeout: float = 15.0) -> None:
        """Stop every run (they cannot outlive the server that reports them) and wait for their records."""
        with self._lock:
            self._stopping = True
            active = list(self._active.values())
        for item in active:
            terminate(item.proc.pid, grace=2.0)
        deadline = time.monotonic() + timeout
        for item in active:
            item.done.wait(max(0.0, deadline - time.monotonic()))

    # -- runs ------------------------------------------------------------------------------------
    def schedule(self) -> None:
        """Start queued runs, oldest first, while fewer than max_parallel are running."""
        with self._lock:
            if self._stopping:
                return
            for record in self.store.all("runs", state="PENDING"):
                if len(self._active) >= self.max_parallel:
                    break
                if record["run_id"] in self._active:
                    continue
                try:
                    self._start(record)
                except OSError as exc:  # e.g. the run dir vanished: fail this run, keep the queue moving
                    log.exception("could not start run %s", record["run_id"])
                    message = f"The run could not be started: {exc}"
                    self.store.update(
                        "runs",
                        record["run_id"],
                        finished_at=now_iso(),
                        error={"code": _UNKNOWN, "message": message, "details": []},
                        **_with_state(record, "FAILED"),
                    )

    def terminate(self, run_id: str, timeout: float = 15.0) -> None:
        """Cancel a queued or running run; returns once its record says CANCELED (or it ended anyway)."""
        with self._lock:
            item = self._active.get(run_id)
            if item is None:
                record = self.store.get("runs", run_id)
                if record and record.get("state") == "PENDING":
                    when = now_iso()
                    self.store.update("runs", run_id, finished_at=when, **_with_state(record, "CANCELED", when))
                return
            item.cancel = True
        terminate(item.proc.pid, grace=3.0)  # SIGTERM to the run's process group, SIGKILL after the grace
        item.done.wait(timeout)

    def _start(self, record: dict[str, Any]) -> None:
        run_id = record["run_id"]
        run_dir = self.runs_dir / run_id
        env = runner_env(run_dir, self._store_for_run(run_id))
        with open(run_dir / "stdout.txt", "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", RUNNER_MODULE, str(run_dir)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=run_dir,
                env=env,
                start_new_session=True,  # own process group: terminate reaches every task process
                umask=PRIVATE_UMASK,
            )
        item = _Active(proc, run_dir)
        self._active[run_id] = item
        self.store.update(
            "runs",
            run_id,
            _runner={"pid": proc.pid, "pid_start": proc_start_time(proc.pid)},
            **_with_state(record, "RUNNING"),
        )
        threading.Thread(target=self._monitor, args=(run_id, item), name=f"run-{run_id[:8]}", daemon=True).start()

    def _store_for_run(self, run_id: str) -> StoreSettings | None:
        """The store a run is told about; a store that cannot be reached now does not stop the run
        (many pipelines never touch it), and publishing reports it later."""
        try:
            return self.objects.settings()
        except Exception as exc:  # noqa: BLE001 - e.g. the embedded store failed to start
            log.warning("run %s starts without an object store: %s", run_id, exc)
            return None

    def _monitor(self, run_id: str, item: _Active) -> None:
        try:
            last: dict[str, Any] | None = None
            while item.proc.poll() is None:
                info = read_json(item.run_dir / "run.json")
                if info is not None and info.get("tasks") != (last or {}).get("tasks"):
                    self.store.update("runs", run_id, run_details={"task_details": task_details(run_id, info)})
                    last = info
                time.sleep(_POLL_S)
            self._finish(run_id, item)
        except Exception:  # a monitor must never die silently and leave a run RUNNING forever
            log.exception("monitoring run %s failed", run_id)
            self.store.update(
                "runs",
                run_id,
                finished_at=now_iso(),
                state="FAILED",
                error={"code": 13, "message": "internal error while monitoring the run; see the server log"},
            )
        finally:
            with self._lock:
                self._active.pop(run_id, None)
            item.done.set()
            shutil.rmtree(item.run_dir / "tmp", ignore_errors=True)
            self.schedule()

    def _finish(self, run_id: str, item: _Active) -> None:
        info = read_json(item.run_dir / "run.json") or {"tasks": []}
        record = self.store.get("runs", run_id) or {}
        when = now_iso()
        error: dict[str, Any] | None = None
        if item.cancel:
            state = "CANCELED"
            for task in info.get("tasks", []):
                if task.get("state") not in TERMINAL:
                    task.update(state="CANCELED", end_time=when)
        elif self._stopping:
            state, error = "FAILED", {"code": _UNKNOWN, "message": STOPPED_MESSAGE, "details": []}
            for task in info.get("tasks", []):
                if task.get("state") not in TERMINAL:
                    task.update(state="FAILED", end_time=when, error=STOPPED_MESSAGE)
        elif info.get("state") in ("SUCCEEDED", "FAILED"):
            state = info["state"]
            if state == "FAILED":
                error = {"code": _UNKNOWN, "message": info.get("error") or "the run failed", "details": []}
        else:
            state = "FAILED"
            message = f"The run process exited unexpectedly (exit code {item.proc.returncode}); see {item.run_dir}"
            error = {"code": _UNKNOWN, "message": message, "details": []}
        changes: dict[str, Any] = {"run_details": {"task_details": task_details(run_id, info)}}
        if state == "CANCELED":  # report the cancel at once; publishing what exists can follow
            self.store.update("runs", run_id, finished_at=when, **changes, **_with_state(record, state, when))
            self._publish(run_id, item.run_dir, info)
            return
        problems = self._publish(run_id, item.run_dir, info, record_problems=False)
        if problems:
            error = _with_publish_problems(error, problems)
        if error is not None:
            changes["error"] = error
        self.store.update("runs", run_id, finished_at=now_iso(), **changes, **_with_state(record, state))

    def _publish(self, run_id: str, run_dir: Path, info: dict[str, Any], record_problems: bool = True) -> list[str]:
        spec = read_json(run_dir / "spec.json") or {}
        name = str(spec.get("pipelineInfo", {}).get("name") or "pipeline")
        problems = artifacts.publish(run_dir, info, name, run_id, self.objects)
        if problems:
            with open(run_dir / "runner.log", "a") as fh:
                fh.writelines(f"{now_iso()} artifact publishing: {p}\n" for p in problems)
            if record_problems:
                record = self.store.get("runs", run_id) or {}
                self.store.update("runs", run_id, error=_with_publish_problems(record.get("error"), problems))
        return problems
