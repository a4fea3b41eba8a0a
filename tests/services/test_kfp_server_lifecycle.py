"""EmbeddedKfp as a shared service: reuse by a second instance, recovery after the server died mid-run."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from swarmops.services.kfp_server import EmbeddedKfp
from swarmops.services.kfp_server.embedded import healthy
from swarmops.services.kfp_server.executor import STOPPED_MESSAGE
from swarmops.services.lifecycle import pid_alive
from swarmops.services.ports import free_ports
from swarmops.services.seaweed import S3Endpoint
from tests.services.kfp_helpers import (
    client,
    compile_to,
    nap_pipeline,
    processes_mentioning,
    shout_pipeline,
    version_id,
    wait_final,
    wait_task_running,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_second_instance_reuses_the_server(kfp_embedded: EmbeddedKfp, seaweed_endpoint: S3Endpoint) -> None:
    state = kfp_embedded.server_state()
    assert state is not None
    second = EmbeddedKfp(kfp_embedded.data_dir, seaweed_endpoint)
    assert second.start() == kfp_embedded.host
    assert second.server_state()["pid"] == state["pid"]
    second.stop()  # the session fixture is still a client: the server stays up
    assert kfp_embedded.host is not None and healthy(kfp_embedded.host)
    assert pid_alive(state["pid"])


def test_an_idle_connection_outlives_the_sdk_poll_interval(kfp_embedded: EmbeddedKfp) -> None:
    """kfp.Client polls a run every 5 s on one keep-alive connection; the server must not close it first."""
    assert kfp_embedded.host is not None
    connection = http.client.HTTPConnection(kfp_embedded.host.removeprefix("http://"), timeout=5)
    try:
        for _ in range(2):
            connection.request("GET", "/apis/v2beta1/healthz")
            response = connection.getresponse()
            assert response.status == 200, response.read()
            response.read()
            time.sleep(6)
        connection.request("GET", "/apis/v2beta1/healthz")  # still the first socket: no reconnect
        assert connection.getresponse().status == 200
    finally:
        connection.close()


def test_restart_mid_run_fails_the_interrupted_runs_and_runs_the_queued_one(
    tmp_path: Path, seaweed_endpoint: S3Endpoint
) -> None:
    first = EmbeddedKfp(tmp_path, seaweed_endpoint)
    second = EmbeddedKfp(tmp_path, seaweed_endpoint)
    try:
        c = client(first.start())
        exp = c.create_experiment("survives")
        pipeline_id, vid = version_id(c, "iris")
        runs = [
            c.run_pipeline(exp.experiment_id, f"r{i}", pipeline_id=pipeline_id, version_id=vid).run_id for i in range(3)
        ]
        wait_task_running(c, runs[0], "prepare-data")
        assert c.get_run(runs[2]).state == "PENDING"  # at most two runs execute at once
        state = first.server_state()
        os.kill(state["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(processes_mentioning(r) for r in runs) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(processes_mentioning(r) for r in runs), "runs must die with their server"

        c = client(second.start())
        assert second.server_state()["pid"] != state["pid"]
        assert {"iris", "data-validation"} <= {p.display_name for p in c.list_pipelines().pipelines}
        assert len(c.list_pipelines().pipelines) == 2  # examples are not uploaded twice
        assert c.get_experiment(experiment_name="survives").experiment_id == exp.experiment_id
        for run_id in runs[:2]:  # running when the server died: their outcome is unknown, said so
            run = c.get_run(run_id)
            assert run.state == "FAILED" and run.error.message == STOPPED_MESSAGE
            assert all(t.state == "FAILED" for t in run.run_details.task_details or [])
        assert c.get_run(runs[0]).run_details.task_details, "the running run had started a task"
        # The queued one never started: it is still owed a run, and gets one from the new server.
        assert wait_final(c, runs[2]).state == "SUCCEEDED"
    finally:
        second.stop()
        first.stop()
    assert first.server_state() is None


def test_unreachable_store_is_recorded_not_fatal(tmp_path: Path) -> None:
    (port,) = free_ports(1)  # nothing listens there
    dead_store = S3Endpoint(f"127.0.0.1:{port}", "key", "secret")
    with EmbeddedKfp(tmp_path, dead_store) as host:
        c = client(host)
        package = compile_to(shout_pipeline, tmp_path / "shout.yaml")
        created = c.create_run_from_pipeline_package(str(package), arguments={"word": "hey"})
        run = wait_final(c, created.run_id)
        assert run.state == "SUCCEEDED"
        assert "not published" in run.error.message and f"127.0.0.1:{port}" in run.error.message
        assert run.error.details, "the problems are itemised in error.details"
        runner_log = tmp_path / "kfp" / "runs" / created.run_id / "runner.log"
        assert "artifact publishing: could not reach the object store" in runner_log.read_text()


def test_stop_waiting_for_runs_lets_them_finish_then_stops_the_server(
    tmp_path: Path, seaweed_endpoint: S3Endpoint
) -> None:
    """The eval deletes a worker's data dir right after; a server left running for a run that was
    still publishing wrote into it during the removal ("Directory not empty")."""
    kfp = EmbeddedKfp(tmp_path, seaweed_endpoint)
    c = client(kfp.start())
    package = compile_to(nap_pipeline, tmp_path / "nap.yaml")
    run_id = c.create_run_from_pipeline_package(str(package), arguments={"seconds": 2}).run_id
    wait_task_running(c, run_id, "nap")
    pid = kfp.server_state()["pid"]
    kfp.stop(wait_for_runs=60)
    assert not pid_alive(pid), "nothing was left to wait for: the server stops now, not via its janitor"
    assert kfp.server_state() is None
    runs = json.loads((tmp_path / "kfp" / "runs" / run_id / "run.json").read_text())
    assert runs["state"] == "SUCCEEDED", "the run finished before the server went"


CLIENT_SCRIPT = """
import json, sys
from pathlib import Path
from swarmops.services.kfp_server import EmbeddedKfp
from swarmops.services.seaweed import S3Endpoint

kfp = EmbeddedKfp(Path(sys.argv[1]), S3Endpoint(sys.argv[2], "k", "s"))
kfp.start()
print(json.dumps(kfp.server_state()), flush=True)
sys.stdin.readline()
"""


def test_janitor_stops_the_server_when_its_client_was_killed(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    proc = subprocess.Popen(
        [sys.executable, "-c", CLIENT_SCRIPT, str(tmp_path), f"127.0.0.1:{port}"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=REPO_ROOT,
    )  # fmt: skip
    try:
        state = json.loads(proc.stdout.readline())
        assert pid_alive(state["pid"]) and pid_alive(state["janitor_pid"])
    finally:
        proc.kill()  # no atexit, no stop(): only the janitor can clean up
        proc.wait()
    deadline = time.monotonic() + 15
    state_file = tmp_path / "kfp" / "state.json"
    while (pid_alive(state["pid"]) or state_file.exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pid_alive(state["pid"]), "the janitor should stop a server whose clients all died"
    assert not state_file.exists()
