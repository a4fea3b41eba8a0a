"""Terminal charts: plotext text with the series told apart, heatmaps as numbers, the numbers table."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from swarmops.charts.terminal import numbers, text
from tests.swarmops.charts.examples import ALL, BARS, HEATMAP, LINES
from tools.charts import Chart, Series


def _table_text(chart: Chart) -> str:
    console = Console(width=100, color_system=None, file=io.StringIO())
    console.print(numbers(chart))
    return console.file.getvalue()  # type: ignore[attr-defined]


def _rows(table: str) -> dict[str, list[str]]:
    """A rendered table's body rows: first cell -> the other cells."""
    return {
        line.split("│")[0].strip(): [c.strip() for c in line.split("│")[1:]]
        for line in table.splitlines()
        if "│" in line
    }


def test_bars_show_title_categories_and_a_legend_of_the_series() -> None:
    out = text(BARS, width=70, height=14)
    assert "Accuracy by run" in out
    for label in ("cat", "dog", "bird", "run-alpha", "run-beta"):
        assert label in out
    assert "██ run-alpha" in out and "▒▒ run-beta" in out  # told apart without colour
    assert "▒" in out.split("▒▒ run-beta")[0]  # and the second series is actually drawn


def test_lines_show_each_series_with_its_own_marker() -> None:
    out = text(LINES, width=70, height=14)
    assert "Loss per epoch" in out and "epoch" in out
    assert "•• train" in out and "++ validation" in out
    plot = out.split("•• train")[0]
    assert "•" in plot and "+" in plot


def test_text_fits_the_asked_size() -> None:
    out = text(LINES, width=60, height=12)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert len(lines) == 12 + 1  # the plot, then the legend line


def test_heatmap_is_a_table_of_its_numbers_with_both_labels() -> None:
    out = text(HEATMAP)
    assert "Confusion matrix" in out and "true \\ predicted" in out
    for value in ("50", "45", "38", "7"):
        assert value in out
    assert _rows(out)["cat"] == ["50", "3", "1"]


@pytest.mark.parametrize("chart", ALL, ids=lambda c: c.kind)
def test_plain_unless_colour_is_asked(chart: Chart) -> None:
    assert "\x1b[" not in text(chart)
    assert "\x1b[" in text(chart, colour=True)


def test_a_chart_without_points_says_so() -> None:
    out = text(Chart(kind="line", title="Nothing yet", series=[Series(name="a", x=[1], y=[None])]))
    assert out == "Nothing yet\n(no data)"


def test_numbers_lists_every_value_by_x_and_series() -> None:
    out = _table_text(BARS)
    assert "run-alpha" in out and "run-beta" in out
    assert _rows(out) == {"cat": ["0.91", "0.72"], "dog": ["0.84", "0.95"], "bird": ["–", "–"]}


def test_numbers_of_a_heatmap_are_its_matrix() -> None:
    assert _rows(_table_text(HEATMAP)) == {"cat": ["50", "3", "1"], "dog": ["2", "45", "7"], "bird": ["0", "6", "38"]}
