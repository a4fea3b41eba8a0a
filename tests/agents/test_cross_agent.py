"""Requests that cross specialists, with the offline planner, the embedded KFP API running real
pipelines, and SeaweedFS holding their artifacts."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from agents.planner.model import OfflinePlanner
from tests.helpers import assistant_for, of_type, run_turn, seaweed_kfp_specialists


@pytest.fixture
def specialists(kfp_host: str, seaweed_endpoint: Any, tmp_path: Path) -> list:
    return seaweed_kfp_specialists(kfp_host, seaweed_endpoint, tmp_path)


def _tools(events: list) -> list[tuple[str, str]]:
    return [(e.agent, e.tool) for e in of_type(events, "tool_call")]


async def test_run_iris_and_report_accuracy_from_the_metrics_artifact(
    specialists: list, tmp_path: Path, seaweed_endpoint: Any
) -> None:
    async with assistant_for(tmp_path, OfflinePlanner(), specialists) as assistant:
        events = await run_turn(
            assistant, "t", "run the iris pipeline with 50 trees and tell me its accuracy", decide=lambda e: True
        )
    assert [h.to_agent for h in of_type(events, "handoff")] == ["pipelines", "storage"]
    assert _tools(events) == [
        ("pipelines", "get_pipeline"),
        ("pipelines", "submit_run"),
        ("pipelines", "wait_for_run"),
        ("storage", "preview_object"),
    ]
    submit = of_type(events, "tool_call")[1]
    assert submit.args["parameters"] == {"n_estimators": 50}
    waited = of_type(events, "tool_result")[2]
    assert waited.data["state"] == "SUCCEEDED"
    # While waiting, the person saw the run move (state and task states), not a silent pause.
    progress = of_type(events, "tool_progress")
    assert progress and {p.tool for p in progress} == {"wait_for_run"}
    assert any("RUNNING" in p.message for p in progress)
    read = of_type(events, "tool_call")[3]
    assert read.args["bucket"] == "mlpipeline"
    assert read.args["key"] == f"v2/artifacts/iris/{waited.data['id']}/evaluate/metrics"
    # The answer quotes the accuracy stored in the artifact.
    from minio import Minio

    raw = Minio(seaweed_endpoint.endpoint, seaweed_endpoint.access_key, seaweed_endpoint.secret_key, secure=False)
    accuracy = json.loads(raw.get_object("mlpipeline", read.args["key"]).read())["accuracy"]
    assert f"accuracy is {accuracy}" in events[-1].final_text


async def test_compare_last_two_iris_runs(specialists: list, tmp_path: Path) -> None:
    async with assistant_for(tmp_path, OfflinePlanner(), specialists) as assistant:
        for trees in (10, 30):
            await run_turn(assistant, "t", f"run iris with {trees} trees and wait for it", decide=lambda e: True)
        events = await run_turn(assistant, "t", "compare my last two iris runs")
    assert _tools(events) == [("pipelines", "list_runs"), ("pipelines", "compare_runs")]
    compared = of_type(events, "tool_result")[1].data
    assert compared["parameters"]["n_estimators"] == [30, 10]
    assert "n_estimators" in compared["differing_parameters"] and "accuracy" in compared["metrics"]
    assert "n_estimators: 30 | 10" in events[-1].final_text


async def test_upload_then_validate_with_the_data_validation_pipeline(specialists: list, tmp_path: Path) -> None:
    bucket = f"raw-{uuid.uuid4().hex[:8]}"
    (tmp_path / "data.csv").write_text("a,b\n1,2\n3,4\n")
    async with assistant_for(tmp_path, OfflinePlanner(), specialists) as assistant:
        await run_turn(assistant, "t", f"create a bucket called {bucket}", decide=lambda e: True)
        events = await run_turn(
            assistant,
            "t",
            f"upload data.csv to {bucket} and validate it with the data-validation pipeline and wait for it",
            decide=lambda e: True,
        )
    assert [h.to_agent for h in of_type(events, "handoff")] == ["storage", "pipelines"]
    submit = next(e for e in of_type(events, "tool_call") if e.tool == "submit_run")
    assert submit.args["pipeline"] == "data-validation"
    assert submit.args["parameters"]["bucket"] == bucket and submit.args["parameters"]["key"] == "data.csv"
    waited = next(e for e in of_type(events, "tool_result") if e.tool == "wait_for_run")
    assert waited.data["state"] == "SUCCEEDED"
