"""A chart drawn in a terminal: plotext text for bars and lines, a table for heatmaps, and the numbers.

`text()` is what `swarmops ask` prints under a tool result; `draw()` puts the same picture on any
plotext figure, which is how the terminal chat's chart widget (a textual-plotext `PlotextPlot`)
draws it at whatever size the panel has; `legend()` is the key printed under both, and
`numbers()` the values behind a chart as a table, one key away in the chat.

Plain text is the default: `ask` output is often piped or saved, where colour codes are noise. So
series are told apart by their marker (█ ▒ ░ for bars, • + x for lines), not only by colour.
plotext cannot draw a labelled heatmap in plain text (its matrix plot is colour only), so a
heatmap is a table of its numbers, shaded when colour is asked for.

plotext is imported inside the functions: importing this module costs nothing at start-up.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tools.charts import Chart, Series

if TYPE_CHECKING:
    from plotext._figure import _figure_class as PlotextFigure

#: Names both plotext and rich know, so a series has the same colour in the plot and its legend.
COLOURS = ["blue", "red", "green", "magenta", "cyan", "yellow"]
BAR_MARKERS = ["█", "▒", "░", "▓", "#", "=", "%", "+", "o", "x", "*", "@"]
LINE_MARKERS = ["•", "+", "x", "o", "*", "#", "=", "%", "@", "~", "^", "$"]
#: At most this many labelled ticks on a line chart's x axis with text labels (run names, dates).
MAX_X_TICKS = 8


def text(chart: Chart, *, width: int = 80, height: int = 18, colour: bool = False) -> str:
    """The chart as `width` x `height` characters of text (plus a legend line), without ANSI codes
    unless `colour`; a heatmap as a table of its numbers."""
    if chart.kind == "heatmap":
        return _render(heatmap_table(chart, colour=colour), width=width, colour=colour)
    if not _has_points(chart):
        return f"{_title(chart)}\n(no data)"
    from plotext._figure import _figure_class

    figure = _figure_class()
    figure.theme("clear")  # no background colours: they would fight the terminal's own
    figure.plotsize(width, height)
    draw(figure, chart, colour=colour)
    picture = figure.build()
    if not colour:
        picture = Text.from_ansi(picture).plain
    key = legend(chart, colour=colour)
    if key.plain:
        picture = picture.rstrip("\n") + "\n" + _render(key, width=width, colour=colour)
    return "\n".join(line.rstrip() for line in picture.splitlines())


def draw(figure: PlotextFigure, chart: Chart, *, colour: bool) -> None:
    """Put a bar or line chart on a plotext figure: data, title, axis labels and y range.

    The figure's size and theme are left to the caller (a PlotextPlot sets both as it renders).
    Series are not labelled in plotext (its legend is drawn over the data): see `legend()`.
    """
    figure.title(_title(chart))
    if chart.x_label:
        figure.xlabel(chart.x_label)
    if chart.y_label:
        figure.ylabel(chart.y_label)
    if chart.kind == "bar":
        _bars(figure, chart, colour=colour)
    elif chart.kind == "line":
        _lines(figure, chart, colour=colour)
    if chart.y_range is not None:
        figure.ylim(*chart.y_range)


def legend(chart: Chart, *, colour: bool = False) -> Text:
    """Which marker (and colour) stands for which series; empty for a single unnamed series."""
    series = _series(chart)
    if chart.kind == "heatmap" or not series or (len(series) == 1 and not series[0].name):
        return Text()
    markers = BAR_MARKERS if chart.kind == "bar" else LINE_MARKERS
    key = Text()
    for n, s in enumerate(series):
        if n:
            key.append("   ")
        symbol = "──" if colour and chart.kind == "line" else markers[n % len(markers)] * 2
        key.append(symbol, style=COLOURS[n % len(COLOURS)] if colour else "")
        key.append(f" {s.name}")
    return key


def numbers(chart: Chart) -> Table:
    """The values behind a chart: a row per x value (category, step), a column per series; a
    heatmap's matrix with its row and column labels."""
    if chart.kind == "heatmap":
        return heatmap_table(chart, colour=False)
    series = _series(chart)
    table = _table(chart)
    table.add_column(chart.x_label or "x")
    for s in series:
        table.add_column(s.name or chart.y_label or "y", justify="right")
    by_x: dict[str, list[str]] = {}
    for n, s in enumerate(series):
        for i, v in enumerate(s.y):
            row = by_x.setdefault(_x_label(s, i), ["–"] * len(series))
            row[n] = _number(v)
    for x, cells in by_x.items():
        table.add_row(x, *cells)
    if chart.truncated:
        table.caption = "truncated: more points or series than a chart holds"
    return table


def heatmap_table(chart: Chart, *, colour: bool) -> Table:
    """A heatmap as a table: rows and columns labelled (true vs predicted), each cell its number;
    with `colour`, cells shaded from light (low) to dark blue (high) like the PNG."""
    width = max((len(r) for r in chart.matrix), default=0)
    table = _table(chart)
    corner = " \\ ".join(label for label in (chart.y_label, chart.x_label) if label)
    table.add_column(corner, style="bold")
    for j in range(width):
        table.add_column(chart.columns[j] if j < len(chart.columns) else str(j), justify="right")
    finite = [v for row in chart.matrix for v in row if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 0.0)
    for i, row in enumerate(chart.matrix):
        cells = [Text(_number(v), style=_shade(v, low, high) if colour else "") for v in row]
        cells += [Text("–")] * (width - len(row))
        table.add_row(chart.rows[i] if i < len(chart.rows) else str(i), *cells)
    if not chart.matrix:
        table.caption = "no data"
    elif chart.truncated:
        table.caption = "truncated: more cells than a chart holds"
    return table


def _table(chart: Chart) -> Table:
    """An empty table titled like the chart, at least as wide as its title (rich would wrap it)."""
    return Table(
        title=_title(chart), header_style="bold", show_edge=False, pad_edge=False, min_width=len(_title(chart))
    )


def _title(chart: Chart) -> str:
    return chart.title + (" (truncated)" if chart.truncated else "")


def _series(chart: Chart) -> list[Series]:
    return [s for s in chart.series if s.y]


def _has_points(chart: Chart) -> bool:
    return any(v is not None and math.isfinite(v) for s in chart.series for v in s.y)


def _x_label(s: Series, i: int) -> str:
    if i >= len(s.x):
        return str(i + 1)
    x = s.x[i]
    return _number(x) if isinstance(x, float) else str(x)


def _number(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:.4g}"


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def _bars(figure: PlotextFigure, chart: Chart, *, colour: bool) -> None:
    """Grouped bars: a group per category (first-seen order across series), a bar per series; a
    series without a value for a category has no bar there (drawn as 0: plotext has no gaps)."""
    series = _series(chart)
    categories: dict[str, None] = {}
    for s in series:
        for i in range(len(s.y)):
            categories.setdefault(_x_label(s, i), None)
    labels = list(categories)
    index = {c: i for i, c in enumerate(labels)}
    heights: list[list[float]] = []
    for s in series:
        row = [0.0] * len(labels)
        for i, v in enumerate(s.y):
            if v is not None and _finite(v):
                row[index[_x_label(s, i)]] = float(v)
        heights.append(row)
    markers = [BAR_MARKERS[n % len(BAR_MARKERS)] for n in range(len(series))]
    colours = [COLOURS[n % len(COLOURS)] for n in range(len(series))] if colour else ["default"] * len(series)
    if len(series) == 1:
        figure.bar(labels, heights[0], marker=markers[0], color=colours[0])
    else:
        figure.multiple_bar(labels, heights, marker=markers, color=colours)


def _lines(figure: PlotextFigure, chart: Chart, *, colour: bool) -> None:
    """A line per series, broken where a value is missing; numeric x as given, text x (run names,
    dates) evenly spaced in first-seen order with up to MAX_X_TICKS of them labelled."""
    series = _series(chart)
    numeric = all(isinstance(x, int | float) for s in series for x in s.x)
    labels: dict[str, None] = {}
    if not numeric:
        for s in series:
            for i in range(len(s.y)):
                labels.setdefault(_x_label(s, i), None)
    index = {c: i for i, c in enumerate(labels)}
    for n, s in enumerate(series):
        marker = "braille" if colour else LINE_MARKERS[n % len(LINE_MARKERS)]
        line_colour = COLOURS[n % len(COLOURS)] if colour else "default"
        for xs, ys in _segments(s, numeric, index):
            figure.plot(xs, ys, marker=marker, color=line_colour)
    if labels:
        names = list(labels)
        step = max(1, math.ceil(len(names) / MAX_X_TICKS))
        ticks = list(range(0, len(names), step))
        figure.xticks([float(t) for t in ticks], [names[t] for t in ticks])


def _segments(s: Series, numeric: bool, index: dict[str, int]) -> list[tuple[list[float], list[float]]]:
    """The runs of a series between missing values (plotext would draw a gap as a jump)."""
    segments: list[tuple[list[float], list[float]]] = []
    xs: list[float] = []
    ys: list[float] = []
    for i, v in enumerate(s.y):
        if v is None or not _finite(v):
            if ys:
                segments.append((xs, ys))
            xs, ys = [], []
            continue
        if numeric:
            x = s.x[i] if i < len(s.x) else i
            xs.append(float(x))
        else:
            xs.append(float(index[_x_label(s, i)]))
        ys.append(float(v))
    if ys:
        segments.append((xs, ys))
    return segments


def _shade(v: float, low: float, high: float) -> Style:
    """A cell's background from light (low) to dark blue (high), with text that stays readable."""
    if not math.isfinite(v):
        return Style()
    t = (v - low) / (high - low) if high > low else 0.0
    light, dark = (222, 235, 247), (8, 48, 107)  # matplotlib's "Blues" ends, as in the PNG
    r, g, b = (round(a + (z - a) * t) for a, z in zip(light, dark, strict=True))
    return Style.parse(f"{'white' if t > 0.5 else 'black'} on rgb({r},{g},{b})")


def _render(renderable: Table | Text, *, width: int, colour: bool) -> str:
    """A rich renderable as text `width` columns wide, with ANSI codes only when `colour`."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="truecolor" if colour else None,
        force_terminal=colour,
        legacy_windows=False,
        highlight=False,
    )
    console.print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
