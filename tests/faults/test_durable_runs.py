"""Fault suite: runs submitted from the command line outlive the command, even a killed one.

Fully embedded backends (SeaweedFS and the KFP API, started by the CLI itself on a temp data dir),
the offline planner, real processes and real signals.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from swarmops.services.jsonfile import read_json
from swarmops.services.lifecycle import pid_alive
from tests.swarmops.test_cli import empty_config

IDLE_TIMEOUT = "1"


def env_for(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWARMOPS_S3")}
    return {
        **env,
        "SWARMOPS_DATA_DIR": str(tmp_path / "data"),
        "SWARMOPS_CONFIG": empty_config(tmp_path),
        "SWARMOPS_EMBEDDED_IDLE_TIMEOUT": IDLE_TIMEOUT,
        "COLUMNS": "200",
    }


def ask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swarmops.cli", "ask", "--json", *args],
        cwd=tmp_path, env=env_for(tmp_path), capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def run_records(out: str) -> list[dict]:
    """The `data` of every successful run-reading tool result in a --json event stream."""
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [
        e["data"]
        for e in events
        if e["type"] == "tool_result" and e["ok"] and e["tool"] in ("get_run", "wait_for_run", "submit_run")
    ]


def servers_of(data: Path) -> list[int]:
    """Live server and janitor pids recorded for this data dir."""
    pids = []
    for state in (data / "kfp" / "state.json", data / "seaweedfs" / "state.json"):
        record = read_json(state) or {}
        extra = record.get("extra") or {}
        for pid in (record.get("pid"), record.get("janitor_pid"), extra.get("janitor_pid")):
            if isinstance(pid, int) and pid_alive(pid):
                pids.append(pid)
    return pids


def wait_until_stopped(data: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while servers_of(data):
        assert time.monotonic() < deadline, f"servers still running: {servers_of(data)}"
        time.sleep(0.2)


def final_state(tmp_path: Path) -> dict:
    waited = ask(tmp_path, "wait for my last run to finish")
    assert waited.returncode == 0, waited.stdout + waited.stderr
    records = [r for r in run_records(waited.stdout) if r.get("state")]
    assert records, waited.stdout
    return records[-1]


def test_a_run_submitted_by_ask_finishes_after_ask_exits(tmp_path: Path) -> None:
    """Promise: `ask` exiting does not kill the run it submitted; the services stop on their own once idle."""
    submitted = ask(tmp_path, "--yes", "run the iris pipeline with 20 trees")
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    assert any(r.get("run_id") for r in run_records(submitted.stdout)), submitted.stdout

    status = ask(tmp_path, "what's the status of my last run?")
    states = [r.get("state") for r in run_records(status.stdout)]
    assert states and states[-1] in ("PENDING", "RUNNING", "SUCCEEDED"), status.stdout

    run = final_state(tmp_path)
    assert run["state"] == "SUCCEEDED", run
    wait_until_stopped(tmp_path / "data")


def test_killing_ask_mid_run_leaves_the_run_to_finish_and_no_server_behind(tmp_path: Path) -> None:
    """Promise: SIGKILL of the CLI while it waits on a run: the run still finishes (or is marked
    truthfully), and no server is left running once the idle timeout has passed."""
    request = "run the iris pipeline with 20 trees and tell me its accuracy"
    proc = subprocess.Popen(
        [sys.executable, "-m", "swarmops.cli", "ask", "--yes", request],
        cwd=tmp_path, env=env_for(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    runs = tmp_path / "data" / "kfp" / "runs"
    deadline = time.monotonic() + 90
    while not any((read_json(p) or {}).get("state") == "RUNNING" for p in runs.glob("*/run.json")):
        assert proc.poll() is None, "ask ended before its run started"
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert servers_of(tmp_path / "data"), "the run is in flight: its servers must still be up"
    wait_until_stopped(tmp_path / "data", timeout=90)  # nobody is watching: the run ends, then the servers

    run = final_state(tmp_path)  # a new command starts the services again and reads the recorded outcome
    assert run["state"] == "SUCCEEDED", run
    wait_until_stopped(tmp_path / "data")
