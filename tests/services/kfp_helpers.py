"""Shared pieces of the embedded KFP tests: tiny pipelines compiled on the fly and polling helpers."""

# No `from __future__ import annotations`: kfp reads the real annotation types of components.

import json
import os
import time
import warnings
from pathlib import Path
from typing import Any

import kfp
import urllib3
from kfp import compiler, dsl
from minio import Minio

from swarmops.services.seaweed import S3Endpoint

FINAL = ("SUCCEEDED", "FAILED", "CANCELED")


@dsl.component(base_image="python:3.11-slim")
def shout(word: str) -> str:
    print(f"shouting {word}")
    return word.upper()


@dsl.component(base_image="python:3.11-slim")
def nap(seconds: int) -> None:
    import time

    print("napping", flush=True)
    time.sleep(seconds)


@dsl.component(base_image="python:3.11-slim")
def score(metrics: dsl.Output[dsl.Metrics], classes: dsl.Output[dsl.ClassificationMetrics]) -> None:
    metrics.log_metric("accuracy", 0.75)
    classes.log_confusion_matrix(["cat", "dog"], [[3, 1], [1, 3]])


@dsl.pipeline(name="scored")
def scored_pipeline() -> None:
    """Logs what charts are drawn from (a Metrics and a ClassificationMetrics artifact), in a second."""
    score()


@dsl.pipeline(name="shout")
def shout_pipeline(word: str = "hi") -> str:
    return shout(word=word).output


@dsl.pipeline(name="nap")
def nap_pipeline(seconds: int = 120) -> None:
    nap(seconds=seconds)


def compile_to(func: Any, path: Path, name: str | None = None) -> Path:
    compiler.Compiler().compile(func, str(path), pipeline_name=name)
    return path


def client(host: str) -> kfp.Client:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return kfp.Client(host=host)


def version_id(c: kfp.Client, pipeline_name: str) -> tuple[str, str]:
    pipeline_id = c.get_pipeline_id(pipeline_name)
    assert pipeline_id, f"pipeline {pipeline_name!r} missing"
    versions = c.list_pipeline_versions(pipeline_id, sort_by="created_at desc").pipeline_versions
    return pipeline_id, versions[0].pipeline_version_id


def wait_final(c: kfp.Client, run_id: str, timeout: float = 60) -> Any:
    """Like wait_for_run_completion, but CANCELED counts as final (kfp.Client's doesn't)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = c.get_run(run_id)
        if run.state in FINAL:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {run.state} after {timeout}s")


def wait_task_running(c: kfp.Client, run_id: str, task: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        details = c.get_run(run_id).run_details
        if any(t.display_name == task and t.state == "RUNNING" for t in (details.task_details or []) if details):
            return
        time.sleep(0.1)
    raise AssertionError(f"task {task} of run {run_id} never started")


def error_body(exc: Exception) -> dict[str, Any]:
    return json.loads(exc.body)  # type: ignore[attr-defined]


def minio_for(ep: S3Endpoint) -> Minio:
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=3, read=10), retries=False)
    return Minio(ep.endpoint, access_key=ep.access_key, secret_key=ep.secret_key, secure=ep.secure, http_client=http)


def processes_mentioning(marker: str) -> list[int]:
    """Pids whose environment mentions `marker` (each run's TMPDIR holds its run id, inherited by every task)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                stat = (entry / "stat").read_text()
                if stat[stat.rfind(")") + 2 :][0] != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found
