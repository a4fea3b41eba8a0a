"""Charts from real runs: compare_runs' bar charts, get_run_plots and plot_metric_history.

One module fixture runs the embedded KFP API for real (kfp.local, published to SeaweedFS): two iris
runs with different n_estimators and one data-validation run that succeeds but logs no plots. Every
number a chart shows is checked against the artifact the run published, read straight from the store.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from minio import Minio

from tests.tools.kfp_helpers import TOOLS, fail, kfp_ctx, ok
from tools.charts import charts_in
from tools.kfp import KfpContext

IRIS_FEATURES = {"sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"}
CLASSES = ["setosa", "versicolor", "virginica"]


@dataclass
class Plotted:
    ctx: KfpContext
    s3: Minio
    small: dict[str, Any]  # iris, 1 tree of depth 1
    big: dict[str, Any]  # iris, 30 trees
    dv: dict[str, Any]  # data-validation that passes: Metrics, no ClassificationMetrics
    broken: dict[str, Any]  # iris that fails in prepare-data, before evaluate logs anything

    def artifact(self, run: dict[str, Any], task: str, name: str) -> Any:
        pipeline = "iris" if run is not self.dv else "data-validation"
        resp = self.s3.get_object("mlpipeline", f"v2/artifacts/{pipeline}/{run['run_id']}/{task}/{name}")
        try:
            assert resp.headers["Content-Type"] == "application/json"
            return json.loads(resp.read())
        finally:
            resp.close()
            resp.release_conn()


@pytest.fixture(scope="module")
def plotted(kfp_host: str, seaweed_endpoint: Any, tmp_path_factory: pytest.TempPathFactory) -> Plotted:
    ctx = kfp_ctx(kfp_host, seaweed_endpoint, tmp_path_factory.mktemp("kfp-plots"))
    s3 = Minio(seaweed_endpoint.endpoint, seaweed_endpoint.access_key, seaweed_endpoint.secret_key, secure=False)
    tag = uuid.uuid4().hex[:6]
    bucket = f"plots-{tag}"
    s3.make_bucket(bucket)
    csv = b"a,b\n1,2\n3,4\n"
    s3.put_object(bucket, "ok.csv", io.BytesIO(csv), len(csv))
    small = ok(ctx, "submit_run", pipeline="iris", parameters={"n_estimators": 1, "max_depth": 1},
               run_name=f"plot-small-{tag}")  # fmt: skip
    big = ok(ctx, "submit_run", pipeline="iris", parameters={"n_estimators": 30}, run_name=f"plot-big-{tag}")
    dv = ok(ctx, "submit_run", pipeline="data-validation", parameters={"bucket": bucket, "key": "ok.csv"},
            run_name=f"plot-dv-{tag}")  # fmt: skip
    broken = ok(ctx, "submit_run", pipeline="iris", parameters={"test_size": 2.0}, run_name=f"plot-broken-{tag}")
    for run in (small, big, dv, broken):
        done = ok(ctx, "wait_for_run", run=run["run_id"], timeout_seconds=180, poll_seconds=0.5)
        assert done["state"] == ("FAILED" if run is broken else "SUCCEEDED"), done
    return Plotted(ctx, s3, small, big, dv, broken)


def test_iris_publishes_classification_metrics_and_feature_importance(plotted: Plotted) -> None:
    cm = plotted.artifact(plotted.big, "evaluate", "classification_metrics")
    assert [s["displayName"] for s in cm["confusionMatrix"]["annotationSpecs"]] == CLASSES
    assert len(cm["confusionMatrix"]["rows"]) == 3 and all(len(r["row"]) == 3 for r in cm["confusionMatrix"]["rows"])
    assert cm["confidenceMetrics"] and set(cm["confidenceMetrics"][0]) == {
        "confidenceThreshold",
        "recall",
        "falsePositiveRate",
    }
    assert set(plotted.artifact(plotted.big, "evaluate", "feature_importance")) == IRIS_FEATURES
    metrics = plotted.artifact(plotted.big, "evaluate", "metrics")
    assert set(metrics) == {"accuracy", "f1_macro", "test_rows"}  # unchanged for what reads it


def test_compare_runs_charts_show_the_stored_metrics(plotted: Plotted) -> None:
    got = ok(plotted.ctx, "compare_runs", runs=[plotted.small["run_name"], plotted.big["run_name"]])
    stored = [plotted.artifact(r, "evaluate", "metrics") for r in (plotted.small, plotted.big)]
    charts = charts_in(got)
    assert len(charts) == len(got["charts"]) == 3  # accuracy, f1_macro, test_rows: not the importances
    labels = [r["name"] for r in got["runs"]]
    for chart in charts:
        metric = chart.y_label
        assert chart.kind == "bar" and chart.title == f"{metric} per run"
        [series] = chart.series
        assert series.x == labels
        assert series.y == [s[metric] for s in stored] == got["metrics"][metric]
    assert charts[-1].y_label == "test_rows"  # equal for both runs: charted last
    assert not any("importance" in m or "(cm)" in m for m in got["metrics"])


def test_confusion_matrix_matches_the_artifact_and_sums_to_the_test_rows(plotted: Plotted) -> None:
    got = ok(plotted.ctx, "get_run_plots", run=plotted.big["run_name"], plot="confusion_matrix")
    stored = plotted.artifact(plotted.big, "evaluate", "classification_metrics")["confusionMatrix"]
    metrics = plotted.artifact(plotted.big, "evaluate", "metrics")
    assert got["plots"] == ["confusion_matrix"] and "roc_curves" not in got
    [cm] = got["confusion_matrices"]
    assert cm["labels"] == CLASSES and cm["source"] == "evaluate/classification_metrics"
    assert cm["matrix"] == [[int(v) for v in r["row"]] for r in stored["rows"]]
    assert cm["total"] == sum(map(sum, cm["matrix"])) == metrics["test_rows"]
    assert cm["accuracy"] == pytest.approx(metrics["accuracy"], abs=1e-4)
    assert [c["support"] for c in cm["per_class"]] == [15, 15, 15]  # stratified 30% of 150
    [chart] = charts_in(got)
    assert chart.kind == "heatmap" and chart.rows == chart.columns == CLASSES
    assert chart.matrix == cm["matrix"] and (chart.x_label, chart.y_label) == ("predicted class", "true class")


def test_roc_curve_points_lie_in_the_unit_square(plotted: Plotted) -> None:
    got = ok(plotted.ctx, "get_run_plots", run=plotted.big["run_id"], plot="ROC")
    stored = plotted.artifact(plotted.big, "evaluate", "classification_metrics")["confidenceMetrics"]
    [roc] = got["roc_curves"]
    assert roc["points"] == len(stored) and 0.9 < roc["auc"] <= 1.0
    [chart] = charts_in(got)
    assert chart.kind == "line" and chart.y_range == (0.0, 1.0) and chart.x_label == "false positive rate"
    curve, chance = chart.series
    assert curve.name.startswith("ROC (AUC") and (chance.x, chance.y) == ([0.0, 1.0], [0.0, 1.0])
    assert all(0 <= v <= 1 for v in [*curve.x, *curve.y])
    assert curve.x == sorted(curve.x) and sorted(zip(curve.x, curve.y, strict=True)) == sorted(
        (p["falsePositiveRate"], p["recall"]) for p in stored
    )


def test_feature_importances_sum_to_one_and_name_the_iris_features(plotted: Plotted) -> None:
    got = ok(plotted.ctx, "get_run_plots", run=plotted.big["run_name"], plot="feature importance")
    stored = plotted.artifact(plotted.big, "evaluate", "feature_importance")
    [fi] = got["feature_importances"]
    values = [f["importance"] for f in fi["features"]]
    assert {f["feature"] for f in fi["features"]} == IRIS_FEATURES
    assert values == sorted(values, reverse=True) and sum(values) == pytest.approx(1.0, abs=0.002)
    assert {f["feature"]: f["importance"] for f in fi["features"]} == stored
    [chart] = charts_in(got)
    assert chart.kind == "bar" and chart.series[0].x == [f["feature"] for f in fi["features"]]
    assert chart.series[0].y == values


def test_all_plots_of_a_run_and_how_they_read(plotted: Plotted) -> None:
    got = ok(plotted.ctx, "get_run_plots", run=plotted.small["run_name"])
    assert got["plots"] == ["confusion_matrix", "roc_curve", "feature_importance"] and "missing" not in got
    assert [c.kind for c in charts_in(got)] == ["heatmap", "line", "bar"]
    # one stump of depth 1 separates two groups at most: it mixes up classes, which the numbers say
    assert got["confusion_matrices"][0]["accuracy"] < 0.9 and "most_confused" in got["confusion_matrices"][0]
    summary = TOOLS["get_run_plots"].summary
    assert summary is not None
    text = summary({"run": plotted.small["run_name"]}, got)
    assert f"accuracy {got['confusion_matrices'][0]['accuracy']:.4g} on 45 rows" in text
    assert f"AUC {got['roc_curves'][0]['auc']:.4g}" in text and "setosa, versicolor, virginica" in text


def test_a_run_without_classification_metrics_says_what_it_logged(plotted: Plotted) -> None:
    error = fail(plotted.ctx, "get_run_plots", run=plotted.dv["run_name"], plot="confusion_matrix")
    assert error.code == "NoConfusionMatrix"
    assert f"Run '{plotted.dv['run_name']}' (data-validation, SUCCEEDED) logged no confusion matrix" in error.message
    logged = error.message.split("it logged: ")[1]
    assert logged.startswith("metrics ") and all(m in logged for m in ("rows", "columns", "empty_fraction", "passed"))
    assert "validate-csv/metrics" in error.message and error.suggestions == []
    assert error.hint and "ClassificationMetrics" in error.hint
    everything = fail(plotted.ctx, "get_run_plots", run=plotted.dv["run_id"])
    assert everything.code == "NoPlots" and "logged no confusion matrix, ROC curve or feature importances" in (
        everything.message
    )


def test_a_run_that_failed_before_its_evaluation_says_so(plotted: Plotted) -> None:
    error = fail(plotted.ctx, "get_run_plots", run=plotted.broken["run_name"], plot="roc_curve")
    assert error.code == "NoRocCurve" and "(iris, FAILED) logged no ROC curve" in error.message
    assert error.hint and "evaluate/classification_metrics" in error.hint and "ended FAILED before" in error.hint


def test_metric_history_is_in_time_order_and_matches_the_artifacts(plotted: Plotted) -> None:
    got = ok(plotted.ctx, "plot_metric_history", pipeline="iris", metric="accuracy", limit=100)
    rows = got["rows"]
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)
    assert {r["pipeline"] for r in rows} == {"iris"} and got["metric"] == "accuracy"
    mine = [r for r in rows if r["run_id"] in (plotted.small["run_id"], plotted.big["run_id"])]
    assert [r["run"] for r in mine] == [plotted.small["run_name"], plotted.big["run_name"]]  # oldest first
    assert [r["value"] for r in mine] == [plotted.artifact(r, "evaluate", "metrics")["accuracy"] for r in
                                          (plotted.small, plotted.big)]  # fmt: skip
    [chart] = charts_in(got)
    assert chart.kind == "line" and chart.series[0].y == [r["value"] for r in rows]
    assert len(set(chart.series[0].x)) == len(rows)  # one distinct time label per run
    assert got["last"] == rows[-1]["value"] and got["best"]["value"] == max(r["value"] for r in rows)

    newest = ok(plotted.ctx, "plot_metric_history", pipeline="iris", metric="ACCURACY", limit=1)
    assert [r["run_id"] for r in newest["rows"]] == [plotted.big["run_id"]] and newest["truncated"] is True


def test_metric_history_finds_a_shortened_name_and_says_what_was_logged(plotted: Plotted) -> None:
    f1 = ok(plotted.ctx, "plot_metric_history", pipeline="iris", metric="f1", limit=2)
    assert f1["metric"] == "f1_macro" and "showing 'f1_macro'" in f1["note"] and f1["count"] == 2
    missing = fail(plotted.ctx, "plot_metric_history", pipeline="data-validation", metric="accuracy")
    assert missing.code == "MetricNotLogged" and "of pipeline 'data-validation' logged a metric 'accuracy'" in (
        missing.message
    )
    assert {"rows", "columns", "empty_fraction", "passed"} <= set(missing.suggestions)
