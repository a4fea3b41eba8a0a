"""plot_object: a CSV column in a bucket as chart data, read from a bounded head of the object."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tools import fail, ok, put, storage_ctx
from tools.charts import charts_in
from tools.storage import StorageContext
from tools.storage.plot import MAX_ROWS


@pytest.fixture
def ctx(s3_endpoint: str, tmp_path: Path) -> StorageContext:
    context = storage_ctx(s3_endpoint, tmp_path)
    context.client.make_bucket("runs")
    return context


HISTORY = "epoch,loss,val_loss,note\n1,0.9,1.0,warmup\n2,0.5,0.7,\n3,0.3,nan,\n4,0.2,0.45,best\n"


def test_a_column_becomes_a_line_over_the_x_column(ctx: StorageContext) -> None:
    put(ctx.client, "runs", "bert/history.csv", HISTORY.encode())
    data = ok(ctx, "plot_object", bucket="runs", key="bert/history.csv", columns=["loss"], x="epoch")
    (chart,) = charts_in(data)
    assert chart.kind == "line" and chart.x_label == "epoch"
    assert [(s.name, s.x, s.y) for s in chart.series] == [("loss", [1, 2, 3, 4], [0.9, 0.5, 0.3, 0.2])]
    assert data["columns"]["loss"] == {"points": 4, "first": 0.9, "last": 0.2, "min": 0.2, "max": 0.9}
    assert data["truncated"] is False


def test_without_columns_every_numeric_column_is_plotted_and_gaps_stay_gaps(ctx: StorageContext) -> None:
    put(ctx.client, "runs", "history.tsv", HISTORY.replace(",", "\t").encode())
    data = ok(ctx, "plot_object", bucket="runs", key="history.tsv", x="epoch")
    (chart,) = charts_in(data)
    assert [s.name for s in chart.series] == ["loss", "val_loss"]  # 'note' holds no numbers, 'epoch' is x
    assert chart.series[1].y == [1.0, 0.7, None, 0.45]


def test_a_word_of_several_columns_plots_them_all_and_an_exact_name_only_itself(ctx: StorageContext) -> None:
    put(ctx.client, "runs", "bert.csv", b"step,train_loss,val_loss,lr\n100,0.9,0.95,5e-5\n200,0.6,0.7,4e-5\n")
    data = ok(ctx, "plot_object", bucket="runs", key="bert.csv", columns=["loss"], x="step")
    assert [s.name for s in charts_in(data)[0].series] == ["train_loss", "val_loss"]  # "plot the loss"
    put(ctx.client, "runs", "history.csv", HISTORY.encode())
    data = ok(ctx, "plot_object", bucket="runs", key="history.csv", columns=["loss"])
    assert [s.name for s in charts_in(data)[0].series] == ["loss"]  # val_loss is not "the loss" here


def test_a_misspelt_column_is_an_error_naming_the_real_ones(ctx: StorageContext) -> None:
    put(ctx.client, "runs", "history.csv", HISTORY.encode())
    error = fail(ctx, "plot_object", bucket="runs", key="history.csv", columns=["val_los"])
    assert error.code == "NoSuchColumn" and "val_loss" in error.suggestions
    error = fail(ctx, "plot_object", bucket="runs", key="history.csv", columns=["note"])
    assert error.code == "NotNumeric" and error.suggestions[:2] == ["epoch", "loss"]


def test_binary_and_headerless_objects_are_refused_with_a_hint(ctx: StorageContext) -> None:
    put(ctx.client, "runs", "model.onnx", b"\x08\x01\x12\x00" * 100)
    assert fail(ctx, "plot_object", bucket="runs", key="model.onnx").code == "NotTabular"
    put(ctx.client, "runs", "empty.csv", b"")
    assert fail(ctx, "plot_object", bucket="runs", key="empty.csv").code == "NotTabular"


def test_a_long_history_is_cut_to_the_first_rows_and_says_so(ctx: StorageContext) -> None:
    body = "step,loss\n" + "".join(f"{i},{1 / (i + 1):.5f}\n" for i in range(MAX_ROWS + 500))
    put(ctx.client, "runs", "long.csv", body.encode())
    data = ok(ctx, "plot_object", bucket="runs", key="long.csv", columns=["loss"])
    assert data["rows_plotted"] == MAX_ROWS and data["truncated"] is True
    (chart,) = charts_in(data)
    assert len(chart.series[0].y) <= 500 and chart.truncated  # thinned for the surfaces, ends kept
    assert chart.series[0].y[0] == 1.0
