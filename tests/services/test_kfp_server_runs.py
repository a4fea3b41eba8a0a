"""Runs executed for real with kfp.local: success, failure, termination and artifact publishing."""

from __future__ import annotations

import io
import json
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import kfp
import pytest

from swarmops.services.kfp_server import EmbeddedKfp
from swarmops.services.seaweed import S3Endpoint
from tests.services.kfp_helpers import (
    client,
    compile_to,
    minio_for,
    nap_pipeline,
    processes_mentioning,
    version_id,
    wait_final,
    wait_task_running,
)


@pytest.fixture(scope="module")
def iris_run(kfp_host: str) -> tuple[kfp.Client, Any, float]:
    """One iris run shared by the tests that inspect it (a run takes ~4 s); returns (client, run, wall seconds)."""
    c = client(kfp_host)
    pipeline_id, vid = version_id(c, "iris")
    exp = c.create_experiment("iris-tests")
    began = time.monotonic()
    created = c.run_pipeline(
        exp.experiment_id, "iris-run", pipeline_id=pipeline_id, version_id=vid,
        params={"n_estimators": 20, "max_depth": "3"},
    )  # fmt: skip
    done = c.wait_for_run_completion(created.run_id, timeout=120, sleep_duration=0.2)
    return c, done, time.monotonic() - began


def test_iris_run_succeeds_with_task_details(iris_run: tuple[kfp.Client, Any, float]) -> None:
    c, run, _ = iris_run
    assert run.state == "SUCCEEDED", run.error
    assert run.runtime_config.parameters == {"n_estimators": 20, "max_depth": 3}  # "3" coerced to int
    assert [h.state for h in run.state_history] == ["PENDING", "RUNNING", "SUCCEEDED"]
    assert run.finished_at >= run.created_at
    tasks = {t.display_name: t for t in run.run_details.task_details}
    assert set(tasks) == {"prepare-data", "train", "evaluate"}
    for task in tasks.values():
        assert task.state == "SUCCEEDED"
        assert task.end_time - task.start_time > timedelta(0)
    listed = c.list_runs(experiment_id=run.experiment_id, sort_by="created_at desc").runs
    assert listed[0].run_id == run.run_id


def test_iris_artifacts_and_logs_are_published(
    iris_run: tuple[kfp.Client, Any, float], seaweed_endpoint: S3Endpoint
) -> None:
    _, run, _ = iris_run
    s3 = minio_for(seaweed_endpoint)
    art, logs = f"v2/artifacts/iris/{run.run_id}/", f"v2/logs/iris/{run.run_id}/"
    keys = {o.object_name for o in s3.list_objects("mlpipeline", prefix=art, recursive=True)}
    expected = {"prepare-data/train_data", "prepare-data/test_data", "train/model", "evaluate/metrics"}
    expected |= {"evaluate/classification_metrics", "evaluate/feature_importance"}
    assert keys == {art + k for k in expected}
    metrics = s3.get_object("mlpipeline", art + "evaluate/metrics")
    try:
        assert metrics.headers["Content-Type"] == "application/json"
        values = json.loads(metrics.read())
    finally:
        metrics.close()
        metrics.release_conn()
    assert 0.8 <= values["accuracy"] <= 1.0 and "f1_macro" in values
    log_keys = {o.object_name for o in s3.list_objects("mlpipeline", prefix=logs, recursive=True)}
    assert log_keys == {f"{logs}{t}.log" for t in ("prepare-data", "train", "evaluate")}
    train_log = s3.get_object("mlpipeline", f"{logs}train.log").read().decode()
    assert "trained a random forest with 20 trees" in train_log and "\x1b[" not in train_log


def test_failing_run_names_the_task(kfp_host: str, kfp_embedded: EmbeddedKfp, seaweed_endpoint: S3Endpoint) -> None:
    s3 = minio_for(seaweed_endpoint)
    bucket = f"kfp-fail-{uuid.uuid4().hex[:8]}"
    s3.make_bucket(bucket)
    data = b"a,b\n1,2\n3,4\n"
    s3.put_object(bucket, "data.csv", io.BytesIO(data), len(data))
    c = client(kfp_host)
    pipeline_id, vid = version_id(c, "data-validation")
    exp = c.create_experiment("failures")
    created = c.run_pipeline(
        exp.experiment_id, "dv-fail", pipeline_id=pipeline_id, version_id=vid,
        params={"bucket": bucket, "key": "data.csv", "required_columns": "a,label"},
    )  # fmt: skip
    run = wait_final(c, created.run_id)
    assert run.state == "FAILED"
    assert "validate-csv" in run.error.message
    assert "ValueError" in run.error.message and "missing required columns ['label']" in run.error.message
    (task,) = run.run_details.task_details
    assert task.state == "FAILED" and "missing required columns" in task.error.message
    local_log = kfp_embedded.root / "runs" / run.run_id / "logs" / "validate-csv.log"
    assert "Traceback" in local_log.read_text()
    published = s3.get_object("mlpipeline", f"v2/logs/data-validation/{run.run_id}/validate-csv.log").read()
    assert b"missing required columns" in published


def test_terminate_kills_the_run(kfp_host: str, kfp_embedded: EmbeddedKfp, tmp_path: Path) -> None:
    c = client(kfp_host)
    package = compile_to(nap_pipeline, tmp_path / "nap.yaml")
    created = c.create_run_from_pipeline_package(str(package), arguments={"seconds": 120}, run_name="nap")
    wait_task_running(c, created.run_id, "nap")
    task_log = kfp_embedded.root / "runs" / created.run_id / "logs" / "nap.log"
    deadline = time.monotonic() + 30
    while "napping" not in task_log.read_text() and time.monotonic() < deadline:  # the component is sleeping now
        time.sleep(0.1)
    assert processes_mentioning(created.run_id), "the run should have live processes"
    began = time.monotonic()
    assert c.terminate_run(created.run_id) == {}
    run = c.get_run(created.run_id)
    assert run.state == "CANCELED" and time.monotonic() - began < 10
    assert run.run_details.task_details[0].state == "CANCELED"
    assert run.finished_at is not None
    deadline = time.monotonic() + 5
    while processes_mentioning(created.run_id) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(created.run_id) == []
    assert task_log.read_text().count("napping") == 1  # the task log is kept
