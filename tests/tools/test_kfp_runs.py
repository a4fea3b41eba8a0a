"""Run tools end to end: the real embedded KFP API executes the runs and publishes to SeaweedFS.

Runs are few and shared through one module fixture (one failing run and two iris runs, submitted
together so the server's two run slots overlap them, the short failing one first): each iris run costs ~4 s.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.tools.kfp_helpers import call, closed_port, fail, kfp_ctx, ok, preview, run_count
from tools.kfp import KfpContext
from tools.storage import StorageContext, make_minio_client


@dataclass
class Runs:
    ctx: KfpContext
    small: dict[str, Any]  # iris, 1 tree of depth 1
    big: dict[str, Any]  # iris, 50 trees
    failed: dict[str, Any]  # data-validation on a bucket that does not exist
    experiment: str


@pytest.fixture
def ctx(kfp_host: str, seaweed_endpoint: Any, tmp_path: Path) -> KfpContext:
    return kfp_ctx(kfp_host, seaweed_endpoint, tmp_path)


@pytest.fixture(scope="module")
def runs(kfp_host: str, seaweed_endpoint: Any, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    ctx = kfp_ctx(kfp_host, seaweed_endpoint, tmp_path_factory.mktemp("kfp-runs"))
    tag = uuid.uuid4().hex[:6]
    experiment = f"exp-{tag}"
    failed = ok(ctx, "submit_run", pipeline="data-validation", run_name=f"dv-{tag}",
                parameters={"bucket": f"no-such-bucket-{tag}", "key": "data.csv"})  # fmt: skip
    small = ok(ctx, "submit_run", pipeline="iris", parameters={"n_estimators": 1, "max_depth": "1"},
               run_name=f"small-{tag}", experiment=experiment)  # fmt: skip
    big = ok(ctx, "submit_run", pipeline="iris", parameters={"n_estimators": "50"}, run_name=f"big-{tag}",
             experiment=experiment)  # fmt: skip
    return Runs(ctx, small, big, failed, experiment)


def test_submit_reports_the_full_parameter_set(runs: Runs) -> None:
    assert runs.small["parameters"] == {"max_depth": 1, "n_estimators": 1, "seed": 42, "test_size": 0.3}
    assert runs.big["parameters"]["n_estimators"] == 50 and runs.big["parameters"]["max_depth"] == 5
    assert runs.small["experiment"] == runs.experiment and "was created" in runs.small["note"]
    assert "note" not in runs.big  # the experiment existed by then
    assert runs.failed["experiment"] == "Default" and runs.failed["version"] == "data-validation"
    assert runs.small["state"] in ("PENDING", "RUNNING")


def test_bad_parameters_are_rejected_before_submitting(ctx: KfpContext) -> None:
    before = run_count(ctx)
    error = fail(ctx, "submit_run", pipeline="iris", parameters={"n_estimator": 50, "max_depth": "deep"})
    assert error.code == "InvalidParameters"
    assert "unknown parameter 'n_estimator'" in error.message and "'max_depth' must be int" in error.message
    assert error.suggestions == ["n_estimators"]
    assert "n_estimators: int = 100" in (error.hint or "") and "test_size: float = 0.3" in (error.hint or "")
    missing = fail(ctx, "submit_run", pipeline="data-validation", parameters={"bucket": "raw"})
    assert missing.code == "InvalidParameters" and "missing required parameter 'key'" in missing.message
    text = preview(ctx, "submit_run", pipeline="iris", parameters={"seed": "x"})
    assert "will fail and change nothing" in text
    assert run_count(ctx) == before


def test_preview_states_pipeline_version_experiment_and_all_parameters(ctx: KfpContext) -> None:
    text = preview(ctx, "submit_run", pipeline="IRIS", parameters={"n_estimators": "20"}, experiment="brand-new-x")
    assert "pipeline 'iris' version 'iris'" in text
    assert "experiment 'brand-new-x' (new, will be created)" in text
    assert "n_estimators=20," in text and "max_depth=5 (default)" in text and "test_size=0.3 (default)" in text


def test_wait_on_a_failing_run_reports_the_failed_task_and_its_log(runs: Runs) -> None:
    got = ok(runs.ctx, "wait_for_run", run=runs.failed["run_name"], timeout_seconds=120, poll_seconds=0.5)
    assert got["state"] == "FAILED" and got["timed_out"] is False
    assert got["failed_task"] == "validate-csv"
    assert got["error"] and "NoSuchBucket" in got["error"]
    assert got["log_tail"] and len(got["log_tail"]) <= 20
    assert any("NoSuchBucket" in line for line in got["log_tail"])
    assert [t["state"] for t in got["tasks"]] == ["FAILED"]

    logs = ok(runs.ctx, "get_task_logs", run=runs.failed["run_id"], tail_lines=200)
    assert logs["task"] == "validate-csv" and logs["available_tasks"] == ["validate-csv"]
    assert any("NoSuchBucket" in line for line in logs["lines"])
    short = ok(runs.ctx, "get_task_logs", run=runs.failed["run_name"], tail_lines=3)
    assert len(short["lines"]) == 3 and short["truncated"] is True
    unknown = fail(runs.ctx, "get_task_logs", run=runs.failed["run_name"], task="validate-cvs")
    assert unknown.code == "TaskNotFound" and unknown.suggestions == ["validate-csv"]


def test_compare_two_iris_runs(runs: Runs) -> None:
    for run in (runs.small, runs.big):
        done = ok(runs.ctx, "wait_for_run", run=run["run_id"], timeout_seconds=120, poll_seconds=0.5)
        assert done["state"] == "SUCCEEDED", done
        assert [t["name"] for t in done["tasks"]] == ["prepare-data", "train", "evaluate"]
        metrics = [a for a in done["artifacts"] if (a["task"], a["name"]) == ("evaluate", "metrics")]
        assert metrics and metrics[0]["uri"] == f"s3://mlpipeline/v2/artifacts/iris/{run['run_id']}/evaluate/metrics"
        assert metrics[0]["size"] > 0 and done["duration_s"] > 0 and done["log_tail"] is None

    got = ok(runs.ctx, "compare_runs", runs=[runs.small["run_name"], runs.big["run_name"]])
    assert [r["name"] for r in got["runs"]] == [runs.small["run_name"], runs.big["run_name"]]
    assert got["parameters"]["n_estimators"] == [1, 50]
    assert set(got["differing_parameters"]) == {"n_estimators", "max_depth"}
    accuracy = got["metrics"]["accuracy"]
    assert len(accuracy) == 2 and all(isinstance(a, float) and 0 < a <= 1 for a in accuracy)
    assert accuracy[1] > accuracy[0]
    assert got["best"]["accuracy"] == runs.big["run_name"]
    assert "test_rows" not in got["best"]  # no direction known, and equal anyway

    logs = ok(runs.ctx, "get_task_logs", run=runs.big["run_name"], task="TRAIN")
    assert any("trained a random forest with 50 trees" in line for line in logs["lines"])


def test_list_runs_filters_and_newest_first(runs: Runs) -> None:
    in_exp = ok(runs.ctx, "list_runs", experiment=runs.experiment)
    assert [r["name"] for r in in_exp["runs"]] == [runs.big["run_name"], runs.small["run_name"]]
    assert all(r["pipeline"] == "iris" and r["experiment"] == runs.experiment for r in in_exp["runs"])
    ok(runs.ctx, "wait_for_run", run=runs.failed["run_id"], timeout_seconds=60, poll_seconds=0.5)
    failed = ok(runs.ctx, "list_runs", state="failed", pipeline="data-validation")
    assert runs.failed["run_id"] in [r["id"] for r in failed["runs"]]
    assert all(r["state"] == "FAILED" and r["pipeline"] == "data-validation" for r in failed["runs"])
    one = ok(runs.ctx, "list_runs", limit=1)
    assert one["count"] == 1 and one["truncated"] is True
    bad = fail(runs.ctx, "list_runs", state="done")
    assert bad.code == "InvalidArguments" and "SUCCEEDED" in bad.message


def test_unknown_runs_suggest_the_nearest_names(runs: Runs) -> None:
    name = runs.failed["run_name"]
    error = fail(runs.ctx, "get_run", run=name[:-1] + "x")
    assert error.code == "RunNotFound" and name in error.suggestions
    tag = name.rsplit("-", 1)[1]
    ambiguous = fail(runs.ctx, "get_run", run=f"-{tag}")  # a substring of three runs' names
    assert ambiguous.code == "AmbiguousRun"
    assert set(ambiguous.suggestions) == {name, runs.small["run_name"], runs.big["run_name"]}
    by_prefix = ok(runs.ctx, "get_run", run=runs.big["run_id"][:8])
    assert by_prefix["id"] == runs.big["run_id"]
    assert fail(runs.ctx, "compare_runs", runs=[name]).code == "InvalidArguments"


def test_wait_timeout_returns_the_last_state_then_terminate(ctx: KfpContext, runs: Runs) -> None:
    run = ok(ctx, "submit_run", pipeline="iris", parameters={}, run_name=f"stop-me-{uuid.uuid4().hex[:6]}")
    start = time.monotonic()
    waited = ok(ctx, "wait_for_run", run=run["run_name"], timeout_seconds=1, poll_seconds=0.3)
    assert time.monotonic() - start < 3
    assert waited["timed_out"] is True and waited["state"] in ("PENDING", "RUNNING")
    assert waited["id"] == run["run_id"] and "when last checked" in waited["note"]

    text = preview(ctx, "terminate_run", run=run["run_name"])
    assert f"Terminate run '{run['run_name']}'" in text and "ends CANCELED" in text
    stopped = ok(ctx, "terminate_run", run=run["run_name"])
    assert stopped["previous_state"] in ("PENDING", "RUNNING")
    done = ok(ctx, "wait_for_run", run=run["run_id"], timeout_seconds=30, poll_seconds=0.3)
    assert done["state"] == "CANCELED" and done["timed_out"] is False
    again = fail(ctx, "terminate_run", run=run["run_id"])
    assert again.code == "RunAlreadyFinished" and "CANCELED" in again.message
    assert "will fail and change nothing" in preview(ctx, "terminate_run", run=run["run_id"])


def test_latest_and_get_run_fields(ctx: KfpContext, runs: Runs) -> None:
    latest = ok(ctx, "get_run", run="latest")
    listed = ok(ctx, "list_runs", limit=1)["runs"][0]
    assert latest["id"] == listed["id"]
    for key in ("id", "name", "state", "pipeline", "experiment", "parameters", "created_at", "finished_at",
                "duration_s", "error", "tasks", "failed_task", "log_tail", "artifacts"):  # fmt: skip
        assert key in latest
    no_storage = KfpContext(client_factory=lambda: ctx.client, host=ctx.host, workdir=ctx.workdir)
    bare = ok(no_storage, "get_run", run=runs.small["run_id"])
    assert bare["artifacts"] == [] and "No object store" in bare["artifacts_note"]
    assert call(no_storage, "get_task_logs", run=runs.small["run_id"]).error.code == "LogsUnavailable"


def test_object_store_down_is_named_as_such(ctx: KfpContext, runs: Runs) -> None:
    for run in (runs.small, runs.big):  # finished, whichever tests ran before on this worker
        ok(runs.ctx, "wait_for_run", run=run["run_id"], timeout_seconds=120, poll_seconds=0.5)
    dead = f"127.0.0.1:{closed_port()}"
    storage = StorageContext(client_factory=lambda: make_minio_client(dead, "k", "s"), endpoint=dead)
    broken = KfpContext(client_factory=lambda: ctx.client, host=ctx.host, storage=storage, workdir=ctx.workdir)
    logs = fail(broken, "get_task_logs", run=runs.failed["run_id"])
    assert logs.code == "StorageUnreachable" and dead in logs.message
    got = ok(broken, "get_run", run=runs.small["run_id"])
    assert got["state"] == "SUCCEEDED" and "object store" in got["artifacts_note"]
    compared = ok(broken, "compare_runs", runs=[runs.small["run_id"], runs.big["run_id"]])
    assert compared["parameters"]["n_estimators"] == [1, 50] and "Metrics are not available" in compared["note"]
