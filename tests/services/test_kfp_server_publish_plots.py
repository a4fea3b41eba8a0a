"""Publishing ClassificationMetrics: kfp.local writes no file for them, so their metadata goes to the store
as JSON, in the shape kfp gives it (checked against a real iris run in tests/tools/test_kfp_plots.py)."""

from __future__ import annotations

import json
from pathlib import Path

from swarmops.services.kfp_server.artifacts import planned_uploads

CLASSIFICATION = {
    "confusionMatrix": {
        "rows": [{"row": [15.0, 0.0]}, {"row": [1.0, 14.0]}],
        "annotationSpecs": [{"displayName": "setosa"}, {"displayName": "versicolor"}],
    },
    "confidenceMetrics": [{"recall": 0.0, "confidenceThreshold": 1.0, "falsePositiveRate": 0.0}],
}


def test_classification_metrics_and_importances_are_published_as_json(tmp_path: Path) -> None:
    info = {"tasks": [{"task_name": "evaluate", "outputs": {
        "classification_metrics": {"uri": str(tmp_path / "absent-cm"), "type": "ClassificationMetrics",
                                   "schema_title": "system.ClassificationMetrics", "metadata": CLASSIFICATION},
        "feature_importance": {"uri": str(tmp_path / "absent-fi"), "type": "Metrics",
                               "schema_title": "system.Metrics", "metadata": {"petal width (cm)": 0.5}},
        "by_schema_only": {"uri": str(tmp_path / "absent-s"), "schema_title": "system.ClassificationMetrics",
                           "metadata": {"confidenceMetrics": []}},
        "model": {"uri": str(tmp_path / "absent-model"), "type": "Model", "metadata": {"framework": "x"}},
    }}]}  # fmt: skip
    plan = {key: (src, ctype) for key, src, ctype in planned_uploads(tmp_path, info, "iris", "r1")}
    prefix = "v2/artifacts/iris/r1/evaluate/"
    assert set(plan) == {prefix + "classification_metrics", prefix + "feature_importance", prefix + "by_schema_only"}
    body, ctype = plan[prefix + "classification_metrics"]
    assert ctype == "application/json" and isinstance(body, bytes) and json.loads(body) == CLASSIFICATION
    assert json.loads(plan[prefix + "feature_importance"][0]) == {"petal width (cm)": 0.5}


def test_a_classification_metrics_file_on_disk_is_uploaded_as_the_file(tmp_path: Path) -> None:
    # On runners that do write the artifact's file, the file is what the pipeline meant to publish
    # (the iris pipeline writes its metrics' JSON there, as a cluster needs), and it is JSON.
    cm = tmp_path / "cm"
    cm.write_text("{}")
    info = {"tasks": [{"task_name": "evaluate", "outputs": {
        "cm": {"uri": str(cm), "type": "ClassificationMetrics", "metadata": CLASSIFICATION},
    }}]}  # fmt: skip
    assert planned_uploads(tmp_path, info, "iris", "r1") == [
        ("v2/artifacts/iris/r1/evaluate/cm", cm, "application/json")
    ]
