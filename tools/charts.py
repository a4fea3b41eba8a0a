"""A chart as data: what a tool returns when people would rather look than read.

Tools never draw. They put `Chart` records under a result's `charts` key (plain dicts, like every
other result field), and each surface draws them its own way: the terminal chat and `ask` in the
terminal, Slack, MCP and eval reports as PNGs (swarmops/charts/). The numbers stay in the result,
so a model reads the same values a person sees.

Kinds:
- "bar": one bar per category (`x` holds the category labels), a series per group (a run, a class);
- "line": `x` numeric or ordered labels (run times), a series per line (a metric, a class's ROC);
- "heatmap": `matrix[row][column]` with `rows` and `columns` labels (a confusion matrix).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

#: Bounds on a chart's size, so a result stays small enough for a model and a Slack message.
MAX_SERIES = 12
MAX_POINTS = 500
MAX_CELLS = 50 * 50

ChartKind = Literal["bar", "line", "heatmap"]


class Series(BaseModel):
    name: str
    x: list[str | float] = Field(default_factory=list)
    y: list[float | None] = Field(default_factory=list)


class Chart(BaseModel):
    kind: ChartKind
    title: str
    x_label: str = ""
    y_label: str = ""
    series: list[Series] = Field(default_factory=list)
    #: Heatmap only: values by row then column, and the labels of both (true class, predicted class).
    matrix: list[list[float]] = Field(default_factory=list)
    rows: list[str] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)
    #: Fixed y range (e.g. 0..1 for rates), else the surface scales to the data.
    y_range: tuple[float, float] | None = None
    #: True when series or points were cut to the bounds above.
    truncated: bool = False


def bounded(chart: Chart) -> Chart:
    """The chart cut to MAX_SERIES series of MAX_POINTS points (evenly thinned, ends kept)."""
    series = chart.series[:MAX_SERIES]
    cut = len(series) < len(chart.series)
    thinned = []
    for s in series:
        n = len(s.y)
        if n > MAX_POINTS:
            step = (n - 1) / (MAX_POINTS - 1)
            keep = sorted({round(i * step) for i in range(MAX_POINTS)})
            s = Series(name=s.name, x=[s.x[i] for i in keep if i < len(s.x)], y=[s.y[i] for i in keep])
            cut = True
        thinned.append(s)
    matrix = chart.matrix
    if sum(len(r) for r in matrix) > MAX_CELLS:
        side = int(MAX_CELLS**0.5)
        matrix = [r[:side] for r in matrix[:side]]
        cut = True
    return chart.model_copy(update={"series": thinned, "matrix": matrix, "truncated": chart.truncated or cut})


def as_data(*charts: Chart) -> list[dict[str, Any]]:
    """Charts as they go into a tool result (`result["charts"] = as_data(...)`)."""
    return [bounded(c).model_dump(exclude_defaults=True) | {"kind": c.kind, "title": c.title} for c in charts]


def charts_in(data: Any) -> list[Chart]:
    """The charts a tool result carries (none for results without any, or malformed ones)."""
    if not isinstance(data, dict) or not isinstance(data.get("charts"), list):
        return []
    out = []
    for raw in data["charts"]:
        try:
            out.append(Chart.model_validate(raw))
        except ValueError:
            continue
    return out


def without_charts(data: Any) -> Any:
    """The result as shown around its charts: they are drawn, not listed as records or JSON."""
    if isinstance(data, dict) and charts_in(data):
        return {k: v for k, v in data.items() if k != "charts"}
    return data
