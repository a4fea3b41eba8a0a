"""plot_object: a numeric column of a CSV/TSV object as a line chart ("plot column loss of s3://runs/history.csv").

Training histories, benchmark logs and exported metrics are CSV files in a bucket; a trend in one
is seen at a glance and missed in a table of rows. Only the head of the object is read (a byte
cap, as preview_object does), so plotting a huge file costs the same as a small one; the result
says when the chart covers only the first rows.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any

from pydantic import Field

from tools.base import ToolFailure
from tools.charts import MAX_SERIES, Chart, Series, as_data
from tools.slots import Slot
from tools.storage.common import Bucket, Key, StrictArgs, storage_tool
from tools.storage.context import StorageContext
from tools.storage.preview import csv_rows, read_text

#: Most bytes read from the start of the object, and most rows plotted.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


class PlotObjectArgs(StrictArgs):
    bucket: Bucket
    key: Key
    columns: Annotated[list[str], Slot("text")] = Field(
        default_factory=list,
        max_length=MAX_SERIES,
        description="Numeric columns to plot, by header name (e.g. ['loss', 'val_loss']); empty = every "
        "numeric column. preview_object shows the header.",
    )
    x: Annotated[str | None, Slot("text")] = Field(
        default=None,
        description="Column for the x axis (e.g. 'epoch' or 'step'); default: the row number.",
    )


def _number(cell: str) -> float | None:
    try:
        value = float(cell.strip())
    except ValueError:
        return None
    return value if value == value else None  # NaN is a gap, not a point


def _columns(header: list[str], name: str) -> list[int]:
    """Where `name` is in the header (exact, then ignoring case); a name that is no column but a word
    of several ("loss" in train_loss and val_loss) is all of them: "plot the loss" means every loss.
    Else a failure naming the columns."""
    for match in (lambda h: h == name, lambda h: h.strip().lower() == name.strip().lower()):
        found = [i for i, h in enumerate(header) if match(h)]
        if found:
            return found[:1]
    word = name.strip().lower()
    family = [i for i, h in enumerate(header) if word in re.split(r"[_\-\s.]+", h.strip().lower())]
    if family:
        return family
    close = difflib.get_close_matches(name, header, n=3, cutoff=0.5)
    raise ToolFailure(
        "NoSuchColumn",
        f"The object has no column {name!r}; its columns are: {', '.join(header[:30])}.",
        hint="Use one of the header names exactly (preview_object shows the header).",
        suggestions=close or header[:5],
    )


def _numeric(rows: list[list[str]], index: int) -> list[float | None]:
    return [_number(row[index]) if index < len(row) else None for row in rows]


def _numeric_columns(header: list[str], rows: list[list[str]]) -> list[str]:
    return [h for i, h in enumerate(header) if any(v is not None for v in _numeric(rows, i))]


def _series(header: list[str], rows: list[list[str]], index: int, x: list[str | float]) -> Series:
    values = _numeric(rows, index)
    if all(v is None for v in values):
        first = rows[0][index] if index < len(rows[0]) else ""
        raise ToolFailure(
            "NotNumeric",
            f"Column {header[index]!r} holds no numbers (first value: {first!r}).",
            hint="Pick numeric columns.",
            suggestions=_numeric_columns(header, rows)[:5],
        )
    return Series(name=header[index], x=x, y=values)


def plot_object(args: PlotObjectArgs, ctx: StorageContext) -> dict[str, Any]:
    text, size, cut = read_text(ctx.client, args.bucket, args.key, MAX_BYTES)
    if text is None:
        raise ToolFailure(
            "NotTabular",
            f"s3://{args.bucket}/{args.key} is not text, so it has no columns to plot.",
            hint="plot_object reads CSV/TSV objects; use stat_object or preview_object to see what this one is.",
        )
    header, rows, delimiter = csv_rows(text, cut, args.key)
    if not header or not rows:
        raise ToolFailure(
            "NotTabular",
            f"s3://{args.bucket}/{args.key} has no header and data rows to plot.",
            hint="It should be CSV/TSV with a header line; preview_object shows what it holds.",
        )
    more_rows = len(rows) > MAX_ROWS or cut
    rows = rows[:MAX_ROWS]
    wanted = args.columns or [c for c in _numeric_columns(header, rows) if c != args.x][:MAX_SERIES]
    x_index = _columns(header, args.x)[0] if args.x else None
    named = (i for name in wanted for i in _columns(header, name) if i != x_index)
    indices = list(dict.fromkeys(named))[:MAX_SERIES]
    x_values: list[str | float] = list(range(1, len(rows) + 1))
    if x_index is not None:
        x_values = [v if v is not None else row[x_index] for v, row in zip(_numeric(rows, x_index), rows, strict=True)]
    series = [_series(header, rows, index, x_values) for index in indices]
    if not series:
        raise ToolFailure("NotNumeric", "No column of this object holds numbers.", hint="Name the columns to plot.")
    title = f"{', '.join(s.name for s in series)} in {args.key.rsplit('/', 1)[-1]}"
    chart = Chart(kind="line", title=title, x_label=args.x or "row", y_label=series[0].name if len(series) == 1 else "",
                  series=series)  # fmt: skip
    return {
        "bucket": args.bucket,
        "key": args.key,
        "size": size,
        "delimiter": delimiter,
        "rows_plotted": len(rows),
        "columns": {s.name: _stats(s.y) for s in series},
        "charts": as_data(chart),
        "truncated": more_rows,
    }


def _stats(values: list[float | None]) -> dict[str, float | int | None]:
    """What a person reads off a trend: first, last, lowest, highest."""
    points = [v for v in values if v is not None]
    if not points:
        return {"points": 0}
    return {"points": len(points), "first": points[0], "last": points[-1], "min": min(points), "max": max(points)}


PLOT_OBJECT = storage_tool(
    "plot_object",
    "Plot numeric columns of a CSV/TSV object as a line chart (e.g. a training history's loss per epoch), "
    "with first/last/min/max per column. Reads only the first 2 MB.",
    PlotObjectArgs,
    plot_object,
    mutating=False,
)
