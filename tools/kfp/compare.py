"""compare_runs: parameters and metrics of several runs side by side, with the best run per metric,
and a bar chart per metric (a run per bar) for the surfaces that draw."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from pydantic import Field

from tools.base import ToolFailure
from tools.charts import Chart, Series, as_data
from tools.kfp import artifacts
from tools.kfp.common import StrictArgs, kfp_tool, state_of
from tools.kfp.context import KfpContext
from tools.kfp.resolve import display_name, resolve_run
from tools.kfp.runinfo import Names, metrics_of, parameters, run_pipeline_name
from tools.slots import Slot

_HIGHER = re.compile(r"acc|f1|precision|recall|auc|roc|r2|score|iou|map\b|bleu|rouge", re.IGNORECASE)
_LOWER = re.compile(r"loss|error|err\b|mse|mae|rmse|mape|perplexity|latency", re.IGNORECASE)
#: Metrics charted: a handful of charts is what a person looks at; the table keeps every metric.
MAX_METRIC_CHARTS = 6


def direction(metric: str) -> str | None:
    """'max' / 'min' when the metric's name says which way is better, else None (no guess)."""
    if _LOWER.search(metric):
        return "min"
    if _HIGHER.search(metric):
        return "max"
    return None


class CompareRunsArgs(StrictArgs):
    runs: Annotated[list[str], Slot("run_list")] = Field(
        min_length=2,
        max_length=10,
        description="2-10 runs to compare, each a run name, run id or 'latest' (list_runs finds them).",
    )


def _same(values: list[Any]) -> bool:
    return len({json.dumps(v, sort_keys=True, default=str) for v in values}) == 1


def metric_charts(table: dict[str, list[Any]], labels: list[str]) -> tuple[list[Chart], int]:
    """One bar chart per numeric metric (a bar per run), those that tell the runs apart first, then those
    whose better direction is known; returns the charts and how many metrics had to be left out."""

    def numeric(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    charted = [m for m, values in table.items() if any(numeric(v) for v in values)]
    charted.sort(key=lambda m: (_same([v for v in table[m] if numeric(v)]), direction(m) is None))
    charts = [
        Chart(
            kind="bar",
            title=f"{metric} per run",
            x_label="run",
            y_label=metric,
            series=[Series(name=metric, x=list(labels), y=[v if numeric(v) else None for v in table[metric]])],
        )
        for metric in charted[:MAX_METRIC_CHARTS]
    ]
    return charts, max(0, len(charted) - MAX_METRIC_CHARTS)


def compare_runs(args: CompareRunsArgs, ctx: KfpContext) -> dict[str, Any]:
    names = Names(ctx)
    runs = [resolve_run(ctx, ref) for ref in args.runs]
    params = [parameters(r) for r in runs]
    store_problem = None
    try:
        with artifacts.object_store(ctx):
            metrics = [metrics_of(ctx, r, names) for r in runs]
    except ToolFailure as failure:  # parameters are still worth comparing without the store
        if not failure.code.startswith("Storage"):
            raise
        metrics, store_problem = [{} for _ in runs], failure.message
    param_names = list(dict.fromkeys(k for p in params for k in p))
    metric_names = list(dict.fromkeys(k for m in metrics for k in m))
    table_p = {k: [p.get(k) for p in params] for k in param_names}
    table_m = {k: [m.get(k) for m in metrics] for k in metric_names}
    labels = [display_name(r) for r in runs]
    if len(set(labels)) < len(labels):  # same display name twice: tell them apart by id
        labels = [f"{display_name(r)} ({r.run_id[:8]})" for r in runs]
    best: dict[str, str] = {}
    for metric, values in table_m.items():
        way = direction(metric)
        scored = [(v, i) for i, v in enumerate(values) if isinstance(v, int | float)]
        if way is None or len(scored) < 2 or _same([v for v, _ in scored]):
            continue
        pick = max(scored) if way == "max" else min(scored)
        best[metric] = labels[pick[1]]
    out: dict[str, Any] = {
        "runs": [
            {"id": r.run_id, "name": labels[i], "state": state_of(r), "pipeline": run_pipeline_name(r, names)}
            for i, r in enumerate(runs)
        ],
        "parameters": table_p,
        "metrics": table_m,
        "differing_parameters": [k for k, v in table_p.items() if not _same(v)],
        "best": best,
    }
    if ctx.storage is None:
        out["note"] = "No object store configured: metrics are not available."
    elif store_problem:
        out["note"] = f"Metrics are not available: {store_problem}"
    elif not metric_names:
        out["note"] = "None of these runs has Metrics artifacts in the object store (yet)."
    charts, left_out = metric_charts(table_m, labels)
    if charts:
        out["charts"] = as_data(*charts)
    if left_out:
        out["note"] = (out.get("note", "") + f" Charts show {len(charts)} of {len(charts) + left_out} metrics.").strip()
    if len({r.run_id for r in runs}) < len(runs):
        out["note"] = (out.get("note", "") + " The same run was given more than once.").strip()
    return out


COMPARE_RUNS = kfp_tool(
    "compare_runs",
    "Compare 2-10 runs: their parameters (and which differ) and the metrics their pipelines logged (e.g. "
    "accuracy), with the best run per metric (higher is better for accuracy/f1, lower for loss/error).",
    CompareRunsArgs,
    compare_runs,
    mutating=False,
)
