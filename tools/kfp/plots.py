"""get_run_plots: a run's confusion matrix, ROC curve and feature importances, as charts and numbers.

People judge a model by looking ("show me the confusion matrix of my last run"). The tool returns
chart records (tools/charts.py) for the surfaces to draw, next to the numbers a model reads: the
matrix with per-class recall and precision, the ROC curve's AUC, the features by importance. A run
that logged none of what was asked for is an error that says what it did log, never an empty plot.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from tools.base import ToolFailure
from tools.charts import Chart, Series, as_data
from tools.kfp import artifacts
from tools.kfp.classification import ConfusionMatrix, FeatureImportance, RocCurve, RunPlots, read_run_plots
from tools.kfp.common import FINAL_STATES, StrictArgs, kfp_tool, state_of
from tools.kfp.context import KfpContext
from tools.kfp.resolve import display_name, resolve_run
from tools.kfp.runinfo import Names, metrics_of, run_pipeline_name
from tools.slots import Slot

Plot = Literal["confusion_matrix", "roc_curve", "feature_importance", "all"]
KINDS: tuple[Plot, ...] = ("confusion_matrix", "roc_curve", "feature_importance")
#: ROC points kept per curve: enough to draw it, small enough to leave room for the other charts.
ROC_POINTS = 200
_ALIASES = {
    "confusion": "confusion_matrix",
    "cm": "confusion_matrix",
    "confusion_matrices": "confusion_matrix",
    "roc": "roc_curve",
    "roc_auc": "roc_curve",
    "auc": "roc_curve",
    "roc_curves": "roc_curve",
    "importance": "feature_importance",
    "importances": "feature_importance",
    "feature_importances": "feature_importance",
    "features": "feature_importance",
    "everything": "all",
    "": "all",
}
#: How people ask for each plot without naming it.
_PLOT_WORDS = {
    "confusion_matrix": ("confusion", "confuses", "confused", "mix", "mixes", "mixed", "mixup", "misclassified"),
    "roc_curve": ("roc", "auc", "threshold", "thresholds"),
    "feature_importance": ("feature", "importance", "inputs", "lean", "leans", "relies", "rely", "drivers"),
}
_WHAT = {"confusion_matrix": "confusion matrix", "roc_curve": "ROC curve", "feature_importance": "feature importances"}
_HOW = (
    "A confusion matrix and an ROC curve come from a ClassificationMetrics output of a component "
    "(log_confusion_matrix / log_roc_curve); feature importances from a Metrics output named like "
    "'feature_importance' with one metric per feature."
)


class GetRunPlotsArgs(StrictArgs):
    run: Annotated[str, Slot("run")] = Field(
        description="Run name (newest of that name), run id (or its first 8+ characters), or 'latest'."
    )
    plot: Annotated[Plot, Slot("choice", says=_PLOT_WORDS)] = Field(
        default="all",
        description="Which plot: confusion_matrix, roc_curve, feature_importance, or all (every one the run logged).",
    )

    @field_validator("plot", mode="before")
    @classmethod
    def _known_plot(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        return _ALIASES.get(key, key)


def _as_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _thin(values: list[Any], keep: int) -> list[Any]:
    if len(values) <= keep:
        return values
    step = (len(values) - 1) / (keep - 1)
    return [values[round(i * step)] for i in range(keep)]


def confusion_numbers(cm: ConfusionMatrix) -> dict[str, Any]:
    """The matrix and what a person reads off it: accuracy, per-class recall/precision, worst mix-up."""
    n = len(cm.labels)
    total = sum(sum(r) for r in cm.matrix)
    correct = sum(cm.matrix[i][i] for i in range(n))
    per_class = []
    for i, label in enumerate(cm.labels):
        support, predicted = sum(cm.matrix[i]), sum(row[i] for row in cm.matrix)
        per_class.append(
            {
                "class": label,
                "support": _as_number(support),
                "recall": round(cm.matrix[i][i] / support, 4) if support else None,
                "precision": round(cm.matrix[i][i] / predicted, 4) if predicted else None,
            }
        )
    off = [(cm.matrix[i][j], i, j) for i in range(n) for j in range(n) if i != j and cm.matrix[i][j] > 0]
    out: dict[str, Any] = {
        "source": cm.source,
        "labels": cm.labels,
        "matrix": [[_as_number(v) for v in row] for row in cm.matrix],
        "total": _as_number(total),
        "accuracy": round(correct / total, 4) if total else None,
        "per_class": per_class,
    }
    if off:
        count, i, j = max(off)
        out["most_confused"] = {"true": cm.labels[i], "predicted": cm.labels[j], "count": _as_number(count)}
    return out


def roc_numbers(roc: RocCurve) -> dict[str, Any]:
    """AUC (trapezoids, the curve anchored at (0,0) and (1,1) as every ROC curve is) and the point
    nearest the top-left corner (highest tpr - fpr), a threshold a person might pick."""
    xs, ys = [0.0, *roc.fpr, 1.0], [0.0, *roc.tpr, 1.0]
    auc = sum((xs[i + 1] - xs[i]) * (ys[i + 1] + ys[i]) / 2 for i in range(len(xs) - 1))
    best = max(range(len(roc.fpr)), key=lambda i: roc.tpr[i] - roc.fpr[i])
    return {
        "source": roc.source,
        "auc": round(auc, 4),
        "points": len(roc.fpr),
        "best_threshold": {"threshold": roc.thresholds[best], "fpr": roc.fpr[best], "tpr": roc.tpr[best]},
    }


def importance_numbers(fi: FeatureImportance) -> dict[str, Any]:
    out: dict[str, Any] = {
        "source": fi.source,
        "features": [{"feature": f, "importance": v} for f, v in fi.features],
        "sum": round(sum(v for _, v in fi.features), 4),
    }
    if fi.total > len(fi.features):
        out["features_logged"] = fi.total
    return out


def _title(what: str, run: str, source: str, several: bool) -> str:
    return f"{what}: {run}" + (f" ({source})" if several else "")


def _charts(run: str, plots: RunPlots, kinds: list[Plot]) -> list[Chart]:
    charts = []
    if "confusion_matrix" in kinds:
        for cm in plots.confusion:
            charts.append(
                Chart(
                    kind="heatmap",
                    title=_title("Confusion matrix", run, cm.source, len(plots.confusion) > 1),
                    x_label="predicted class",
                    y_label="true class",
                    matrix=cm.matrix,
                    rows=cm.labels,
                    columns=cm.labels,
                )
            )
    if "roc_curve" in kinds:
        for roc in plots.roc:
            auc = roc_numbers(roc)["auc"]
            charts.append(
                Chart(
                    kind="line",
                    title=_title("ROC curve", run, roc.source, len(plots.roc) > 1),
                    x_label="false positive rate",
                    y_label="true positive rate",
                    series=[
                        Series(name=f"ROC (AUC {auc:.3f})", x=_thin(roc.fpr, ROC_POINTS), y=_thin(roc.tpr, ROC_POINTS)),
                        Series(name="chance", x=[0.0, 1.0], y=[0.0, 1.0]),
                    ],
                    y_range=(0.0, 1.0),
                    truncated=len(roc.fpr) > ROC_POINTS,
                )
            )
    if "feature_importance" in kinds:
        for fi in plots.importance:
            charts.append(
                Chart(
                    kind="bar",
                    title=_title("Feature importance", run, fi.source, len(plots.importance) > 1),
                    x_label="feature",
                    y_label="importance",
                    series=[Series(name="importance", x=[f for f, _ in fi.features], y=[v for _, v in fi.features])],
                    truncated=fi.total > len(fi.features),
                )
            )
    return charts


def _has(plots: RunPlots) -> list[Plot]:
    return [kind for kind, found in zip(KINDS, (plots.confusion, plots.roc, plots.importance), strict=True) if found]


def _nothing_logged(ctx: KfpContext, run: Any, names: Names, plots: RunPlots, wanted: list[Plot]) -> ToolFailure:
    """The run has none of what was asked: say what it does have, so the answer is never an empty plot."""
    name, state = display_name(run), state_of(run)
    has = [_WHAT[k] for k in _has(plots)]
    metrics = list(metrics_of(ctx, run, names)) if plots.layout else []
    listed = artifacts.list_artifacts(ctx, plots.layout, run.run_id)[0] if plots.layout else []
    logged = has + ([f"metrics {', '.join(metrics[:10])}"] if metrics else [])
    logged += [f"artifacts {', '.join(a['task'] + '/' + a['name'] for a in listed[:10])}"] if listed else []
    said = [_WHAT[k] for k in wanted]
    what = said[0] if len(said) == 1 else f"{', '.join(said[:-1])} or {said[-1]}"
    message = f"Run '{name}' ({run_pipeline_name(run, names)}, {state}) logged no {what}; it logged: " + (
        "; ".join(logged) if logged else "nothing in the object store"
    )
    if state not in FINAL_STATES:
        hint = f"The run is {state}: its outputs are stored when it ends. Use wait_for_run, then ask again."
    elif plots.declared and state != "SUCCEEDED":
        hint = (
            f"Its pipeline logs plots ({', '.join(plots.declared)}), but the run ended {state} before they were "
            "written; get_run shows why. A successful run of the same pipeline has them."
        )
    elif has:
        hint = f"Ask for what it has: plot={' or '.join(_has(plots))}. {_HOW}"
    else:
        hint = f"This run's pipeline does not log plots. {_HOW}"
    code = {"confusion_matrix": "NoConfusionMatrix", "roc_curve": "NoRocCurve"}.get(wanted[0], "NoFeatureImportance")
    return ToolFailure(code if len(wanted) == 1 else "NoPlots", message + ".", hint=hint, suggestions=list(_has(plots)))


def get_run_plots(args: GetRunPlotsArgs, ctx: KfpContext) -> dict[str, Any]:
    run = resolve_run(ctx, args.run)
    artifacts.need_store(ctx, "PlotsUnavailable", "run outputs (confusion matrices, ROC curves)")
    names = Names(ctx)
    wanted: list[Plot] = list(KINDS) if args.plot == "all" else [args.plot]
    with artifacts.object_store(ctx):
        plots = read_run_plots(ctx, run, names)
        shown = [k for k in wanted if k in _has(plots)]
        if not shown:
            raise _nothing_logged(ctx, run, names, plots, wanted)
    label = display_name(run)
    out: dict[str, Any] = {
        "run": label,
        "run_id": run.run_id,
        "pipeline": run_pipeline_name(run, names),
        "state": state_of(run),
        "plots": shown,
    }
    if "confusion_matrix" in shown:
        out["confusion_matrices"] = [confusion_numbers(cm) for cm in plots.confusion]
    if "roc_curve" in shown:
        out["roc_curves"] = [roc_numbers(roc) for roc in plots.roc]
    if "feature_importance" in shown:
        out["feature_importances"] = [importance_numbers(fi) for fi in plots.importance]
    missing = [k for k in wanted if k not in shown]
    if missing:
        out["missing"] = missing
        out["note"] = f"This run logged no {' and no '.join(_WHAT[k] for k in missing)}."
    out["charts"] = as_data(*_charts(label, plots, shown))
    return out


GET_RUN_PLOTS = kfp_tool(
    "get_run_plots",
    "Show what a run logged to be looked at, as charts plus their numbers: the confusion matrix (with per-class "
    "recall/precision), the ROC curve (with AUC) and feature importances (most important first). Use it for "
    "'show me the confusion matrix / ROC curve of my last run' or 'which features mattered'.",
    GetRunPlotsArgs,
    get_run_plots,
    mutating=False,
)
