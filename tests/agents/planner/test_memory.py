"""The thread memory read from earlier results, as the graph shows them to the planner on a later turn."""

from __future__ import annotations

from agents.context import shrink
from agents.planner.conversation import Executed
from agents.planner.memory import remember

BASE = "s3://mlpipeline/v2/artifacts/iris/r-9"


def _waited(artifacts: list[dict[str, object]]) -> Executed:
    data = {"id": "r-9", "pipeline": "iris", "state": "SUCCEEDED", "artifacts": artifacts}
    return Executed("wait_for_run", {"run": "r-9"}, True, shrink(data), None)


def test_an_earlier_turns_shortened_lists_are_read_without_their_more_marker() -> None:
    """Earlier results reach the planner with long lists cut to five items and a "… N more" string."""
    artifacts = [{"task": "t", "name": f"out{i}", "uri": f"{BASE}/t/out{i}"} for i in range(4)]
    artifacts += [{"task": "evaluate", "name": "metrics", "uri": f"{BASE}/evaluate/metrics"}] * 3
    runs = {"runs": [{"id": f"r-{i}", "name": f"run {i}"} for i in range(8)]}
    memory = remember([_waited(artifacts), Executed("list_runs", {}, True, shrink(runs), None)])
    assert memory.run == "r-0"  # the newest of those listed
    assert {"run 0", "run 4"} <= memory.run_names


def test_the_scores_are_the_metrics_artifact_not_the_confusion_matrix() -> None:
    artifacts = [
        {"task": "evaluate", "name": "metrics", "uri": f"{BASE}/evaluate/metrics"},
        {"task": "evaluate", "name": "classification_metrics", "uri": f"{BASE}/evaluate/classification_metrics"},
    ]
    memory = remember([_waited(artifacts)])
    assert memory.metrics_uri == f"{BASE}/evaluate/metrics"


def test_a_runs_artifacts_are_remembered_until_a_new_run_is_submitted() -> None:
    artifacts = [
        {"task": "train", "name": "model", "uri": f"{BASE}/train/model"},
        {"task": "evaluate", "name": "metrics", "uri": f"{BASE}/evaluate/metrics"},
    ]
    memory = remember([_waited(artifacts)])
    assert memory.artifacts == [f"{BASE}/train/model", f"{BASE}/evaluate/metrics"]
    submitted = Executed("submit_run", {"pipeline": "iris"}, True, {"run_id": "r-10"}, None)
    assert remember([_waited(artifacts), submitted]).artifacts == []  # the new run's outputs are not those
