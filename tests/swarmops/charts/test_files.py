"""--save-charts files: names that say where a chart came from, numbering that never overwrites, and
a failure to write that is reported without ending the turn."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from swarmops.charts.files import ChartSaveError, ChartSaver, slugify
from tests.swarmops.charts.examples import BARS, HEATMAP, LINES
from tools.charts import as_data


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Accuracy by run", "accuracy-by-run"),
        ("ROC: class 'dog' / run #3", "roc-class-dog-run-3"),
        ("Präzision – Übersicht", "prazision-ubersicht"),
        ("../../etc/passwd", "etc-passwd"),
        ("∑∞", "chart"),
    ],
)
def test_titles_become_safe_file_names(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_charts_are_numbered_in_order_and_named_after_tool_and_title(tmp_path: Path) -> None:
    saver = ChartSaver(tmp_path / "new" / "dir")
    saver.prepare()
    first = saver.save("class_report", {"charts": as_data(BARS, HEATMAP)})
    second = saver.save("plot_object", {"charts": as_data(LINES)})
    assert [p.name for p in first + second if isinstance(p, Path)] == [
        "1-class_report-accuracy-by-run.png",
        "2-class_report-confusion-matrix.png",
        "3-plot_object-loss-per-epoch.png",
    ]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in first + second if isinstance(p, Path))


def test_results_without_charts_write_nothing(tmp_path: Path) -> None:
    saver = ChartSaver(tmp_path)
    saver.prepare()
    assert saver.save("list_buckets", {"buckets": []}) == []
    assert saver.save("broken", {"charts": [{"kind": "pie"}]}) == []  # malformed charts are skipped
    assert list(tmp_path.iterdir()) == []


def test_a_second_run_into_the_same_directory_adds_files_instead_of_overwriting(tmp_path: Path) -> None:
    for _ in range(2):
        saver = ChartSaver(tmp_path)
        saver.prepare()
        saver.save("class_report", {"charts": as_data(BARS)})
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "1-class_report-accuracy-by-run.png",
        "2-class_report-accuracy-by-run.png",
    ]


def test_a_directory_that_is_a_file_is_refused_up_front(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    with pytest.raises(ChartSaveError, match="cannot write charts to .*taken"):
        ChartSaver(tmp_path / "taken").prepare()


def test_a_chart_that_cannot_be_written_is_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    directory = tmp_path / "charts"
    saver = ChartSaver(directory)
    saver.prepare()
    directory.rmdir()
    directory.write_text("the directory went away and a file took its place")
    console = Console(file=io.StringIO(), width=200, color_system=None)
    saver.save_and_report("class_report", {"charts": as_data(BARS)}, console)
    assert saver.failed
    assert "chart not saved: cannot write" in console.file.getvalue()  # type: ignore[attr-defined]
