"""A chart as a PNG image, for the surfaces that show pictures (Slack, MCP hosts, `ask --save-charts`).

matplotlib is imported inside `png()` only: importing this module costs nothing, so the CLI's start-up
time does not change. The figure is built with matplotlib's object API on an Agg canvas rather than
through pyplot: nothing is registered in pyplot's global figure list (so nothing can leak when a
drawing fails half-way) and the global backend is left alone, which keeps drawing safe from the Slack
bot's and the MCP server's worker threads.
"""

from __future__ import annotations

import io
import logging
import math
import warnings
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from tools.charts import Chart

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Pixels per inch of the figure; with figsize in inches it gives the exact pixel size asked for.
DPI = 100
#: Past this many categories per group, value labels on bars overlap and are left off.
MAX_LABELLED_BARS = 40
#: Past this many cells, heatmap annotations become unreadable and are left off.
MAX_ANNOTATED_CELLS = 400


def drawn(charts: Iterable[Chart]) -> Iterator[tuple[Chart, bytes]]:
    """Each chart with its PNG; a chart that fails to draw is left out (and logged) rather than failing
    a result whose numbers are fine. Blocking: surfaces call it off their event loop."""
    for chart in charts:
        try:
            yield chart, png(chart)
        except Exception:
            log.warning("chart %r could not be drawn", chart.title, exc_info=True)


def png(chart: Chart, *, width_px: int = 800, height_px: int = 500) -> bytes:
    """The chart drawn as a PNG of exactly `width_px` x `height_px` pixels."""
    if width_px < 50 or height_px < 50:
        raise ValueError(f"a chart needs at least 50x50 pixels, not {width_px}x{height_px}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
    FigureCanvasAgg(fig)  # attaches itself to the figure: savefig draws with Agg
    ax = fig.add_subplot()
    if chart.kind == "heatmap":
        _heatmap(fig, ax, chart)
    elif chart.kind == "bar":
        _bars(ax, chart)
    else:
        _lines(ax, chart)
    title = chart.title + (" (truncated)" if chart.truncated else "")
    ax.set_title(title, fontsize=11)
    if chart.x_label:
        ax.set_xlabel(chart.x_label)
    if chart.y_label:
        ax.set_ylabel(chart.y_label)
    if chart.y_range is not None and chart.kind != "heatmap":
        ax.set_ylim(*chart.y_range)
    if not _has_data(chart):
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center", color="grey")
    with warnings.catch_warnings():  # a small image cannot fit every label; it is drawn anyway
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()
    buffer = io.BytesIO()
    # No bbox_inches="tight": that would crop the image and change its size.
    fig.savefig(buffer, format="png", dpi=DPI)
    fig.clear()
    return buffer.getvalue()


def _has_data(chart: Chart) -> bool:
    if chart.kind == "heatmap":
        return any(chart.matrix)
    return any(v is not None and math.isfinite(v) for s in chart.series for v in s.y)


def _value(v: float | None) -> float:
    """A gap (None) or a non-finite value as NaN, which matplotlib leaves out of lines and bars."""
    return float(v) if v is not None and math.isfinite(v) else math.nan


def _categories(chart: Chart) -> list[str]:
    """The bar chart's categories in first-seen order across all series (series may not share every x)."""
    seen: dict[str, None] = {}
    for s in chart.series:
        for i in range(len(s.y)):
            seen.setdefault(str(s.x[i]) if i < len(s.x) else str(i + 1), None)
    return list(seen)


def _bars(ax: Axes, chart: Chart) -> None:
    """Grouped bars: a group per category, a bar per series in it, each labelled with its value."""
    categories = _categories(chart)
    series = [s for s in chart.series if s.y]
    if not categories or not series:
        return
    index = {c: i for i, c in enumerate(categories)}
    width = 0.8 / len(series)
    for n, s in enumerate(series):
        heights = [math.nan] * len(categories)
        for i, v in enumerate(s.y):
            heights[index[str(s.x[i]) if i < len(s.x) else str(i + 1)]] = _value(v)
        offsets = [i - 0.4 + width * (n + 0.5) for i in range(len(categories))]
        bars = ax.bar(offsets, heights, width=width, label=s.name, color=f"C{n % 10}")
        if len(categories) * len(series) <= MAX_LABELLED_BARS:
            ax.bar_label(bars, fmt="%.4g", fontsize=7, padding=1)
    ax.set_xticks(range(len(categories)), categories, rotation=30 if len(categories) > 6 else 0, ha="right")
    if len(categories) <= 6:
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("center")
    ax.margins(y=0.12)
    if len(series) > 1 or series[0].name:
        ax.legend(fontsize=8)


def _lines(ax: Axes, chart: Chart) -> None:
    """A line per series; numeric x as given, labelled x (run names, dates) in order, evenly spaced."""
    numeric = all(isinstance(x, int | float) for s in chart.series for x in s.x)
    labels: list[str] = [] if numeric else _categories(chart)
    index = {c: i for i, c in enumerate(labels)}
    drawn = 0
    for n, s in enumerate(chart.series):
        if not s.y:
            continue
        if numeric and len(s.x) >= len(s.y):
            xs: list[float] = [float(x) for x in s.x[: len(s.y)]]
        elif numeric:
            xs = [float(i) for i in range(len(s.y))]
        else:
            xs = [float(index[str(s.x[i]) if i < len(s.x) else str(i + 1)]) for i in range(len(s.y))]
        ax.plot(xs, [_value(v) for v in s.y], label=s.name, color=f"C{n % 10}", marker="o" if len(xs) <= 30 else None)
        drawn += 1
    if labels:
        step = max(1, math.ceil(len(labels) / 12))
        ticks = list(range(0, len(labels), step))
        ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=30 if len(ticks) > 5 else 0)
    ax.grid(alpha=0.3)
    if drawn:
        ax.legend(fontsize=8)


def _heatmap(fig: Figure, ax: Axes, chart: Chart) -> None:
    """Cells coloured by value and annotated with it; rows and columns labelled (true vs predicted)."""
    width = max((len(r) for r in chart.matrix), default=0)
    if not width:
        ax.set_xticks([])
        ax.set_yticks([])
        return
    matrix = [[_value(v) for v in row] + [math.nan] * (width - len(row)) for row in chart.matrix]
    image = ax.imshow(matrix, cmap="Blues", aspect="auto")
    fig.colorbar(image, ax=ax)
    rows = [chart.rows[i] if i < len(chart.rows) else str(i) for i in range(len(matrix))]
    columns = [chart.columns[j] if j < len(chart.columns) else str(j) for j in range(width)]
    ax.set_xticks(range(width), columns, rotation=30 if width > 6 else 0)
    ax.set_yticks(range(len(rows)), rows)
    if len(matrix) * width <= MAX_ANNOTATED_CELLS:
        finite = [v for row in matrix for v in row if math.isfinite(v)]
        middle = (min(finite) + max(finite)) / 2 if finite else 0.0
        size = 10 if len(matrix) * width <= 100 else 7
        for i, row in enumerate(matrix):
            for j, v in enumerate(row):
                if math.isfinite(v):
                    colour = "white" if v > middle else "black"
                    ax.text(j, i, f"{v:.4g}", ha="center", va="center", color=colour, fontsize=size)
