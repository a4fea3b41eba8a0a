"""Results people would rather look at than read: a tool's charts as PNGs, long tables as CSV.

Charts come from the tool itself (`result["charts"]`, tools/charts.py) and are drawn by the one PNG
module every surface shares (swarmops/charts/png.py), so Slack shows exactly what an MCP host or an
eval report shows. Drawing imports matplotlib on first use only, and is done off the event loop by
the caller (it takes tens of milliseconds per chart).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from typing import Any

from swarmops.charts.files import slugify
from tools.charts import Chart, without_charts
from tools.masking import Masker

log = logging.getLogger(__name__)

#: A table longer than this goes into the thread as a CSV file instead of lines of text.
CSV_ROWS = 15
#: At most this many charts of one result are posted: a thread is a conversation, not a dashboard.
MAX_CHARTS = 6
#: Slack shows alt text to screen readers; a sentence is enough (Slack's own limit is 1000).
ALT_CHARS = 200


@dataclass(frozen=True)
class Picture:
    """A file to post in the thread."""

    filename: str
    title: str
    content: bytes
    alt_text: str = ""


def chart_pictures(charts: list[Chart], masker: Masker) -> list[Picture]:
    """A result's charts (`charts_in(result.data)`) as PNGs. Blocking: call it in a worker thread.

    Labels are masked before drawing, because once text is pixels no masker can find it again. A
    chart that fails to draw is left out (its numbers are still in the result) rather than failing
    the turn.
    """
    from swarmops.charts.png import drawn

    shown = [Chart.model_validate(masker.data(chart.model_dump())) for chart in charts[:MAX_CHARTS]]
    names: set[str] = set()
    return [Picture(_filename(c.title, names), c.title, content, _alt_text(c)) for c, content in drawn(shown)]


def _filename(title: str, taken: set[str]) -> str:
    """A file name from the title (`Accuracy per run` -> `accuracy-per-run.png`), unique within one result."""
    stem = slugify(title)
    name, n = f"{stem}.png", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.png"
    taken.add(name)
    return name


def _alt_text(chart: Chart) -> str:
    """One sentence for screen readers: the kind of chart, its title and what is drawn in it."""
    if chart.kind == "heatmap":
        what = f"{len(chart.rows)} rows by {len(chart.columns)} columns"
    else:
        what = ", ".join(s.name for s in chart.series if s.name) or f"{len(chart.series)} series"
    text = f"{chart.kind.capitalize()} chart: {chart.title} ({what})"
    return text if len(text) <= ALT_CHARS else text[: ALT_CHARS - 1] + "…"


def long_table(tool: str, data: dict[str, Any]) -> Picture | None:
    """The longest list of records in a result as CSV, when it is too long to read in the thread."""
    rows: list[dict[str, Any]] = []
    name = ""
    for key, value in without_charts(data).items():  # charts are drawn, not tabled
        if isinstance(value, list) and len(value) > len(rows) and all(isinstance(v, dict) for v in value):
            rows, name = value, key
    if len(rows) <= CSV_ROWS:
        return None
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return Picture(f"{tool}-{name}.csv", f"{tool}: {len(rows)} {name}", out.getvalue().encode())


def _cell(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)
