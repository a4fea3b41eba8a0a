"""plot_metric_history: one metric across a pipeline's runs over time, as a line chart and rows.

"Is accuracy getting better?" is answered by looking at every run in order, not by comparing two.
Runs are read newest first (like list_runs) until `limit` of them logged the metric, then shown
oldest to newest. The metric name is matched like other names (exact, then any case, then a unique
prefix or substring: "f1" finds "f1_macro"); when no run logged it, the error names what they did log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from tools.base import ToolFailure, closest
from tools.charts import Chart, Series, as_data
from tools.kfp import artifacts
from tools.kfp.common import FINAL_STATES, SCAN_CAP, StrictArgs, iso, kfp_tool, state_of
from tools.kfp.compare import direction
from tools.kfp.context import KfpContext
from tools.kfp.resolve import display_name, match_by_name, recent_runs, resolve_pipeline
from tools.kfp.runinfo import Names, metrics_of, run_pipeline_name
from tools.kfp.runs import of_pipeline
from tools.slots import Slot

#: Runs read per point asked for: runs that failed early or belong to other pipelines log nothing,
#: and each read is a request to the object store, so the scan is bounded.
SCAN_PER_POINT = 3
SCAN_EXTRA = 20


class PlotMetricHistoryArgs(StrictArgs):
    metric: Annotated[str, Slot("text")] = Field(
        min_length=1,
        description="The metric's name as the pipeline logs it, e.g. 'accuracy', 'f1_macro', 'loss' "
        "(compare_runs or get_run shows the names).",
    )
    pipeline: Annotated[str | None, Slot("pipeline")] = Field(
        default=None, description="Only runs of this pipeline (name or id); omit for runs of every pipeline."
    )
    limit: Annotated[int, Slot("number")] = Field(
        default=20, ge=1, le=100, description="Most runs to plot: the newest ones that logged the metric (1-100)."
    )


def _key(metrics: dict[str, Any], wanted: str) -> str | None:
    """The run's own name for the metric: exact, else case-insensitive."""
    if wanted in metrics:
        return wanted
    return next((k for k in metrics if k.lower() == wanted.lower()), None)


def time_labels(times: list[datetime | None]) -> list[str]:
    """Short, distinct x labels ("Jun 12 14:03"); seconds, then a counter, only where two would clash."""
    labels = [t.strftime("%b %d %H:%M") if t else "?" for t in times]
    if len(set(labels)) < len(labels):
        labels = [t.strftime("%b %d %H:%M:%S") if t else "?" for t in times]
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return out


def _not_logged(metric: str, scanned: int, where: str, logged: list[str]) -> ToolFailure:
    if not scanned:
        return ToolFailure(
            "NoFinishedRuns",
            f"There are no finished runs{where} to read '{metric}' from.",
            hint="Start one with submit_run, or wait_for_run on a running one.",
        )
    logged = list(dict.fromkeys([*closest(metric, logged), *logged]))  # the likeliest meant first
    said = f"; they logged: {', '.join(logged[:15])}" if logged else "; they logged no metrics at all"
    return ToolFailure(
        "MetricNotLogged",
        f"None of the {scanned} newest finished runs{where} logged a metric '{metric}'{said}.",
        hint="Retry with one of the logged names." if logged else "Their pipelines log no Metrics artifacts.",
        suggestions=logged[:10],
    )


def plot_metric_history(args: PlotMetricHistoryArgs, ctx: KfpContext) -> dict[str, Any]:
    artifacts.need_store(ctx, "MetricsUnavailable", "run metrics")
    names = Names(ctx)
    pipeline = resolve_pipeline(ctx, args.pipeline) if args.pipeline else None
    wanted = of_pipeline(pipeline, names) if pipeline is not None else None
    where = f" of pipeline '{display_name(pipeline)}'" if pipeline is not None else ""
    budget = min(SCAN_CAP, args.limit * SCAN_PER_POINT + SCAN_EXTRA)
    read: list[tuple[Any, dict[str, Any]]] = []  # (run, its metrics), newest first
    hits, more, unfinished = 0, False, 0
    with artifacts.object_store(ctx):
        for run in recent_runs(ctx):
            if wanted is not None and not wanted(run):
                continue
            if state_of(run) not in FINAL_STATES:
                unfinished += 1  # its outputs are published when it ends
                continue
            if hits == args.limit or len(read) == budget:
                more = True
                break
            metrics = metrics_of(ctx, run, names)
            read.append((run, metrics))
            hits += _key(metrics, args.metric) is not None
    logged = list(dict.fromkeys(k for _, m in read for k in m))
    metric = args.metric
    if not hits:  # "f1" for "f1_macro": a unique prefix or substring of what the runs logged
        found = match_by_name(args.metric, logged, lambda n: n, "metric")
        if not found:
            raise _not_logged(args.metric, len(read), where, logged)
        metric = found[0]
    points = [(run, m[k]) for run, m in read if (k := _key(m, metric)) is not None]
    more = more or len(points) > args.limit
    points = points[: args.limit][::-1]  # the newest `limit`, shown oldest first as time runs
    labels = time_labels([run.created_at for run, _ in points])
    rows = [
        {
            "run": display_name(run),
            "run_id": run.run_id,
            "pipeline": run_pipeline_name(run, names),
            "created_at": iso(run.created_at),
            "value": value,
        }
        for run, value in points
    ]
    values = [v for _, v in points]
    way = direction(metric)
    out: dict[str, Any] = {
        "metric": metric,
        "pipeline": display_name(pipeline) if pipeline is not None else None,
        "count": len(rows),
        "rows": rows,
        "first": values[0],
        "last": values[-1],
        "min": min(values),
        "max": max(values),
        "runs_read": len(read),
        "runs_without_metric": sum(_key(m, metric) is None for _, m in read),
        "truncated": more,
    }
    if way is not None:
        best = max(range(len(values)), key=lambda i: values[i] if way == "max" else -values[i])
        out["best"] = {"run": rows[best]["run"], "value": values[best], "higher_is_better": way == "max"}
    notes = []
    if metric != args.metric:
        notes.append(f"No run logged '{args.metric}'; showing '{metric}'.")
    if len({r["pipeline"] for r in rows}) > 1:
        notes.append("These runs are of several pipelines: " + ", ".join(sorted({str(r["pipeline"]) for r in rows})))
    if len(read) == budget and len(points) < args.limit:
        notes.append(f"Only the newest {budget} finished runs were read.")
    if unfinished:
        notes.append(f"{unfinished} run(s) still running or pending are not shown.")
    if notes:
        out["note"] = " ".join(notes)
    out["charts"] = as_data(
        Chart(
            kind="line",
            title=f"{metric} per run over time" + (f" ({out['pipeline']})" if out["pipeline"] else ""),
            x_label="run created (UTC)",
            y_label=metric,
            series=[Series(name=metric, x=list(labels), y=list(values))],
        )
    )
    return out


PLOT_METRIC_HISTORY = kfp_tool(
    "plot_metric_history",
    "Chart one metric (e.g. accuracy) across runs over time, oldest to newest: a line chart plus each run's "
    "value and when it ran. Use it for 'how has accuracy changed across my iris runs?'; compare_runs is for "
    "a side-by-side of a few named runs.",
    PlotMetricHistoryArgs,
    plot_metric_history,
    mutating=False,
)
