"""The embedded services as shared, self-stopping servers: runs outlive their clients, stores outlive
runs, idle servers go away on their own, and runs never see a secret of ours.

No `from __future__ import annotations`: kfp reads the real annotation types of the component below.
"""

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

from kfp import dsl

from swarmops.services.kfp_server import EmbeddedKfp
from swarmops.services.lifecycle import pid_alive
from swarmops.services.seaweed import EmbeddedSeaweed
from tests.services.kfp_helpers import client, compile_to, minio_for, version_id, wait_final, wait_task_running

SECRET = "sk-test-0123456789abcdefghijklmnop"
OTHER_SECRET = "hunter2-very-private"


@dsl.component(base_image="python:3.11-slim")
def dump_env() -> str:
    import os

    for name in sorted(os.environ):
        print(f"{name}={os.environ[name]}")
    return ",".join(sorted(os.environ))


@dsl.pipeline(name="dump-env")
def dump_env_pipeline() -> str:
    return dump_env().output


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.1)


def test_a_run_finishes_and_publishes_after_every_client_left(tmp_path: Path) -> None:
    """Promise: a submitted run finishes whatever happens to the process that submitted it; the KFP API
    stops only once it is idle, and the object store outlives it so the artifacts are published."""
    store, kfp = EmbeddedSeaweed(tmp_path), EmbeddedKfp(tmp_path, seaweed_dir=tmp_path)
    store.start()
    c = client(kfp.start())
    pipeline_id, vid = version_id(c, "iris")
    exp = c.create_experiment("durable")
    run_id = c.run_pipeline(exp.experiment_id, "outlives", pipeline_id=pipeline_id, version_id=vid).run_id
    wait_task_running(c, run_id, "prepare-data")
    kfp_pid, store_pid = kfp.server_state()["pid"], store.server_state().pid
    kfp.stop()
    store.stop()  # every client has left while the run is in flight
    assert pid_alive(kfp_pid) and pid_alive(store_pid), "nothing may stop under a running run"

    wait_until(lambda: not pid_alive(kfp_pid), 90, "the idle KFP API stopped itself")
    wait_until(lambda: not pid_alive(store_pid), 20, "the object store stopped after the KFP API")

    again_store, again_kfp = EmbeddedSeaweed(tmp_path), EmbeddedKfp(tmp_path, seaweed_dir=tmp_path)
    try:
        endpoint = again_store.start()
        run = client(again_kfp.start()).get_run(run_id)
        assert run.state == "SUCCEEDED" and not (run.error and run.error.message), run.error
        keys = [o.object_name for o in minio_for(endpoint).list_objects("mlpipeline", prefix="v2/", recursive=True)]
        assert any(k.startswith(f"v2/artifacts/iris/{run_id}/evaluate/") for k in keys), keys
        assert f"v2/logs/iris/{run_id}/train.log" in keys
    finally:
        again_kfp.stop()
        again_store.stop()


def test_an_idle_store_lingers_for_its_timeout_then_stops(tmp_path: Path) -> None:
    """Promise: with an idle timeout the next command reuses the running store; nothing lingers past it."""
    first = EmbeddedSeaweed(tmp_path, idle_timeout=3)
    first.start()
    pid = first.server_state().pid
    first.stop()
    assert pid_alive(pid), "an idle timeout keeps the store for the next client"
    second = EmbeddedSeaweed(tmp_path, idle_timeout=3)
    second.start()
    assert second.server_state().pid == pid, "the next client joins the same server"
    left_at = time.monotonic()
    second.stop()
    wait_until(lambda: not pid_alive(pid) and second.server_state() is None, 20, "the idle store stopped")
    assert time.monotonic() - left_at >= 2.5, "it must not stop before the idle timeout"


def test_runs_get_only_what_they_need_and_no_secret_reaches_the_disk(tmp_path: Path, monkeypatch) -> None:
    """Promise: secrets in our environment never reach a pipeline run, its logs or any file under the
    data directory; runs do get the object store's endpoint; the data directory is private (0700/0600)."""
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("MY_DB_PASSWORD", OTHER_SECRET)
    store, kfp = EmbeddedSeaweed(tmp_path), EmbeddedKfp(tmp_path, seaweed_dir=tmp_path)
    endpoint = store.start()
    try:
        c = client(kfp.start())
        package = compile_to(dump_env_pipeline, tmp_path.parent / f"{tmp_path.name}-dump-env.yaml")
        run = wait_final(c, c.create_run_from_pipeline_package(str(package)).run_id)
        assert run.state == "SUCCEEDED", run.error
        log = minio_for(endpoint).get_object("mlpipeline", f"v2/logs/dump-env/{run.run_id}/dump-env.log").read()
        names = {line.split("=", 1)[0].strip() for line in log.decode().splitlines() if "=" in line}
        assert "SWARMOPS_S3_ENDPOINT" in names and "SWARMOPS_S3_SECRET_KEY" in names, "runs need the store"
        assert "OPENAI_API_KEY" not in names and "MY_DB_PASSWORD" not in names
    finally:
        kfp.stop()
        store.stop()
    loose = []
    for path in [tmp_path / "kfp", tmp_path / "seaweedfs", *tmp_path.rglob("*")]:
        if path.is_symlink():
            continue
        data = path.read_bytes() if path.is_file() else b""
        assert SECRET.encode() not in data and OTHER_SECRET.encode() not in data, f"secret written to {path}"
        # weed chmods its volume info files (.vif, no secrets) to 0644; the 0700 directories above
        # them (checked below) keep them out of other users' reach.
        if stat.S_IMODE(path.stat().st_mode) & 0o077 and path.suffix != ".vif":
            loose.append(f"{path.relative_to(tmp_path)} {oct(stat.S_IMODE(path.stat().st_mode))}")
    assert not loose, f"readable by others: {loose[:10]}"
    for top in ("seaweedfs", "seaweedfs/data", "kfp"):
        assert stat.S_IMODE(os.stat(tmp_path / top).st_mode) == 0o700


def test_a_server_whose_data_dir_was_deleted_is_stopped(tmp_path: Path) -> None:
    """Promise: deleting the data dir under a lingering server (its state file gone, so nobody could
    ever adopt or stop it again) does not leave it running forever."""
    import shutil

    store = EmbeddedSeaweed(tmp_path / "gone", idle_timeout=600)
    store.start()
    pid = store.server_state().pid
    store.stop()
    assert pid_alive(pid), "it lingers for its idle timeout"
    shutil.rmtree(tmp_path / "gone", ignore_errors=True)
    wait_until(lambda: not pid_alive(pid), 20, "the orphaned server stopped")


def test_a_store_killed_mid_run_is_started_again_and_the_artifacts_are_published(tmp_path: Path) -> None:
    """Promise: publishing is retried when the store is briefly down; the embedded store that died
    under a running run is started again (data intact) and the run's artifacts still land in it."""
    import signal

    store, kfp = EmbeddedSeaweed(tmp_path), EmbeddedKfp(tmp_path, seaweed_dir=tmp_path)
    store.start()
    try:
        c = client(kfp.start())
        pipeline_id, vid = version_id(c, "iris")
        exp = c.create_experiment("store-dies")
        run_id = c.run_pipeline(exp.experiment_id, "store-dies", pipeline_id=pipeline_id, version_id=vid).run_id
        wait_task_running(c, run_id, "prepare-data")
        os.kill(store.server_state().pid, signal.SIGKILL)
        run = wait_final(c, run_id, timeout=90)
        assert run.state == "SUCCEEDED" and not (run.error and run.error.message), run.error
        endpoint = store.start()  # the store the KFP API started again, with the same data
        keys = [o.object_name for o in minio_for(endpoint).list_objects("mlpipeline", prefix="v2/", recursive=True)]
        assert f"v2/logs/iris/{run_id}/train.log" in keys, keys
    finally:
        kfp.stop()
        store.stop()
