"""The parts of the plot tools that need no backend: parsing kfp's metadata, the numbers read off it,
chart selection and labels. The shapes are the ones kfp.local 2.17 writes (floats everywhere)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tools.base import ToolFailure
from tools.kfp.classification import parse_confusion, parse_importance, parse_roc
from tools.kfp.compare import MAX_METRIC_CHARTS, metric_charts
from tools.kfp.history import time_labels
from tools.kfp.plots import GetRunPlotsArgs, confusion_numbers, roc_numbers
from tools.kfp.spec import classification_outputs, feature_importance_outputs, metrics_outputs

META = {
    "confusionMatrix": {
        "annotationSpecs": [{"displayName": "cat"}, {"displayName": "dog"}],
        "rows": [{"row": [8.0, 2.0]}, {"row": [1.0, 9.0]}],
    },
    "confidenceMetrics": [
        {"confidenceThreshold": 0.0, "recall": 1.0, "falsePositiveRate": 1.0},
        {"confidenceThreshold": 1.0, "recall": 0.0, "falsePositiveRate": 0.0},
        {"confidenceThreshold": 0.5, "recall": 0.9, "falsePositiveRate": 0.2},
        {"confidenceThreshold": 0.4, "recall": 2.0, "falsePositiveRate": 0.3},  # not a rate: dropped
    ],
}


def test_confusion_matrix_and_what_a_person_reads_off_it() -> None:
    cm = parse_confusion("eval/cm", META)
    assert cm is not None and cm.labels == ["cat", "dog"] and cm.matrix == [[8.0, 2.0], [1.0, 9.0]]
    numbers = confusion_numbers(cm)
    assert numbers["matrix"] == [[8, 2], [1, 9]] and numbers["total"] == 20 and numbers["accuracy"] == 0.85
    assert numbers["per_class"][0] == {"class": "cat", "support": 10, "recall": 0.8, "precision": round(8 / 9, 4)}
    assert numbers["most_confused"] == {"true": "cat", "predicted": "dog", "count": 2}


@pytest.mark.parametrize(
    "meta",
    [
        {},
        {"confusionMatrix": {"annotationSpecs": [{"displayName": "a"}], "rows": [{"row": [1.0, 2.0]}]}},  # not square
        {"confusionMatrix": {"annotationSpecs": [{"displayName": "a"}], "rows": [{"cells": [1.0]}]}},
        {"confusionMatrix": "nope"},
        ["not", "a", "dict"],
    ],
)
def test_no_confusion_matrix_is_made_up_from_malformed_metadata(meta: object) -> None:
    assert parse_confusion("x/y", meta) is None


def test_roc_points_sorted_by_false_positive_rate_with_auc() -> None:
    roc = parse_roc("eval/cm", META)
    assert roc is not None and roc.fpr == [0.0, 0.2, 1.0] and roc.tpr == [0.0, 0.9, 1.0]
    numbers = roc_numbers(roc)
    assert numbers["auc"] == pytest.approx(0.2 * 0.9 / 2 + 0.8 * 1.9 / 2)
    assert numbers["best_threshold"] == {"threshold": 0.5, "fpr": 0.2, "tpr": 0.9}
    perfect = parse_roc("p", {"confidenceMetrics": [{"recall": 1.0, "falsePositiveRate": 0.0}]})
    assert perfect is not None and roc_numbers(perfect)["auc"] == 1.0
    assert parse_roc("none", {"confusionMatrix": {}}) is None


def test_feature_importances_most_important_first() -> None:
    fi = parse_importance("t/feature_importance", {"a": 0.1, "b": 0.7, "c": 0.2, "note": "text", "flag": True})
    assert fi is not None and fi.features == [("b", 0.7), ("c", 0.2), ("a", 0.1)] and fi.total == 3
    assert parse_importance("t/x", {"note": "text"}) is None


def test_plot_names_as_people_say_them() -> None:
    assert GetRunPlotsArgs(run="latest", plot="ROC").plot == "roc_curve"
    assert GetRunPlotsArgs(run="latest", plot="Confusion Matrix").plot == "confusion_matrix"
    assert GetRunPlotsArgs(run="latest", plot="feature-importances").plot == "feature_importance"
    assert GetRunPlotsArgs(run="latest").plot == "all"
    with pytest.raises(ValueError, match="confusion_matrix"):
        GetRunPlotsArgs(run="latest", plot="histogram")


def test_compare_charts_the_metrics_that_tell_runs_apart_first_and_caps_them() -> None:
    table = {"rows": [10, 10], "loss": [0.3, 0.2], "accuracy": [0.9, 0.95], "note": ["a", "b"], "speed": [1, 2]}
    charts, left_out = metric_charts(table, ["r1", "r2"])
    assert [c.y_label for c in charts] == ["loss", "accuracy", "speed", "rows"] and left_out == 0
    assert charts[1].series[0].x == ["r1", "r2"] and charts[1].series[0].y == [0.9, 0.95]
    many = {f"m{i}": [i, i + 1] for i in range(MAX_METRIC_CHARTS + 3)}
    charts, left_out = metric_charts(many, ["r1", "r2"])
    assert len(charts) == MAX_METRIC_CHARTS and left_out == 3
    assert metric_charts({"acc": [None, 0.5]}, ["a", "b"])[0][0].series[0].y == [None, 0.5]


def test_time_labels_are_short_and_distinct() -> None:
    t = datetime(2025, 6, 12, 14, 3, 5, tzinfo=UTC)
    assert time_labels([t, t.replace(minute=4)]) == ["Jun 12 14:03", "Jun 12 14:04"]
    assert time_labels([t, t.replace(second=9)]) == ["Jun 12 14:03:05", "Jun 12 14:03:09"]
    assert time_labels([t, t, None]) == ["Jun 12 14:03:05", "Jun 12 14:03:05 #2", "?"]


def test_spec_outputs_by_schema_keep_importances_out_of_the_scores() -> None:
    def comp(**arts: str) -> dict[str, object]:
        return {"outputDefinitions": {"artifacts": {n: {"artifactType": {"schemaTitle": s}} for n, s in arts.items()}}}

    spec = {
        "pipelineInfo": {"name": "p"},
        "root": {"dag": {"tasks": {"ev": {"componentRef": {"name": "comp-ev"}, "taskInfo": {"name": "ev"}}}}},
        "components": {
            "comp-ev": comp(
                metrics="system.Metrics",
                feature_importance="system.Metrics",
                cm="system.ClassificationMetrics",
                model="system.Model",
            )
        },
    }
    assert metrics_outputs(spec) == [("ev", "metrics")]
    assert feature_importance_outputs(spec) == [("ev", "feature_importance")]
    assert classification_outputs(spec) == [("ev", "cm")]


def test_an_oversized_artifact_is_refused_not_cut() -> None:
    from tools.kfp import artifacts

    class Resp:
        def read(self) -> bytes:
            return b"x" * 11

        def close(self) -> None: ...

        def release_conn(self) -> None: ...

    class Client:
        def get_object(self, bucket: str, key: str, offset: int = 0, length: int = 0) -> Resp:
            assert length == 11  # asks for one byte more than it accepts
            return Resp()

    class Storage:
        client = Client()

    class Ctx:
        storage = Storage()
        artifact_bucket = "mlpipeline"

    with pytest.raises(ToolFailure) as caught:
        artifacts.read_json(Ctx(), "p", "r", "t", "a", max_bytes=10)  # type: ignore[arg-type]
    assert caught.value.code == "ArtifactTooLarge" and "s3://mlpipeline/v2/artifacts/p/r/t/a" in caught.value.message
