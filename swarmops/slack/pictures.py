"""Results people would rather look at than read: a chart of compared runs, long tables as CSV.

matplotlib is imported only when a chart is drawn (the Agg backend: no display needed).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

#: A table longer than this goes into the thread as a CSV file instead of lines of text.
CSV_ROWS = 15


@dataclass(frozen=True)
class Picture:
    """A file to post in the thread."""

    filename: str
    title: str
    content: bytes


def runs_chart(data: dict[str, Any]) -> Picture | None:
    """compare_runs' result as one small bar chart per numeric metric (each on its own scale), a bar per run."""
    runs = [str(r.get("name") or r.get("id")) for r in data.get("runs") or []]
    metrics = {
        name: [float(v) if isinstance(v, int | float) else 0.0 for v in values]
        for name, values in (data.get("metrics") or {}).items()
        if isinstance(values, list) and any(isinstance(v, int | float) for v in values)
    }
    if len(runs) < 2 or not metrics:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = min(4, len(metrics))
    rows = -(-len(metrics) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.8 * rows + 0.6), squeeze=False)
    colours = [f"C{i % 10}" for i in range(len(runs))]
    for ax, (name, values) in zip(axes.flat, metrics.items(), strict=False):
        bars = ax.bar(range(len(runs)), values[: len(runs)], color=colours)
        ax.bar_label(bars, fmt="%.4g", fontsize=8)
        ax.set_title(name, fontsize=10)
        ax.set_xticks([])
        ax.margins(y=0.15)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    fig.legend(
        [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours], runs, loc="lower center", ncol=min(4, len(runs))
    )
    fig.suptitle("Metrics per run")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return Picture("runs.png", f"Metrics of {', '.join(runs)}", buffer.getvalue())


def long_table(tool: str, data: dict[str, Any]) -> Picture | None:
    """The longest list of records in a result as CSV, when it is too long to read in the thread."""
    rows: list[dict[str, Any]] = []
    name = ""
    for key, value in data.items():
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
