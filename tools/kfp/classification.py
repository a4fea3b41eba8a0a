"""What a run logged to be looked at: confusion matrices, ROC curves and feature importances.

KFP keeps them in artifact metadata, and the server publishes metadata-only artifacts to the object
store as JSON (see swarmops/services/kfp_server/artifacts.py). A ClassificationMetrics artifact,
as `kfp.dsl.ClassificationMetrics` writes it (checked against kfp.local 2.17 output):
    {"confusionMatrix": {"annotationSpecs": [{"displayName": "setosa"}, ...],
                         "rows": [{"row": [15.0, 0.0, 0.0]}, ...]},
     "confidenceMetrics": [{"confidenceThreshold": 0.9, "recall": 0.87, "falsePositiveRate": 0.01}, ...]}
Every number comes back a float (protobuf Struct). Feature importances have no schema of their own:
a Metrics artifact named like "feature_importance", one metric per feature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.kfp import artifacts
from tools.kfp.context import KfpContext
from tools.kfp.runinfo import Names, layout_name, run_pipeline_name, run_spec
from tools.kfp.spec import classification_outputs, feature_importance_outputs, is_feature_importance

#: Artifacts of each kind read per run: more is a pipeline logging per-slice metrics, not a person's question.
ARTIFACTS_PER_KIND = 4
#: Most features kept, by importance (a bar chart of hundreds of bars says nothing).
MAX_FEATURES = 30


@dataclass(frozen=True)
class ConfusionMatrix:
    source: str  # "<task>/<artifact>"
    labels: list[str]
    matrix: list[list[float]]  # [true class][predicted class]


@dataclass(frozen=True)
class RocCurve:
    source: str
    fpr: list[float]
    tpr: list[float]
    thresholds: list[float | None]


@dataclass(frozen=True)
class FeatureImportance:
    source: str
    features: list[tuple[str, float]]  # most important first
    total: int  # features logged, before MAX_FEATURES


@dataclass
class RunPlots:
    """Everything plottable one run logged; `layout` is None when its outputs cannot be located."""

    layout: str | None
    #: "<task>/<artifact>" of the plot outputs the run's spec declares, found or not (a run that failed
    #: before its evaluation declares them and has none).
    declared: list[str] = field(default_factory=list)
    confusion: list[ConfusionMatrix] = field(default_factory=list)
    roc: list[RocCurve] = field(default_factory=list)
    importance: list[FeatureImportance] = field(default_factory=list)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_confusion(source: str, meta: Any) -> ConfusionMatrix | None:
    """The confusion matrix in ClassificationMetrics metadata; None when absent or not square."""
    cm = meta.get("confusionMatrix") if isinstance(meta, dict) else None
    if not isinstance(cm, dict):
        return None
    specs = cm.get("annotationSpecs") or []
    labels = [str(s.get("displayName", i)) if isinstance(s, dict) else str(i) for i, s in enumerate(specs)]
    matrix = []
    for row in cm.get("rows") or []:
        values = row.get("row") if isinstance(row, dict) else None
        if not isinstance(values, list):
            return None
        matrix.append([_number(v) or 0.0 for v in values])
    if not matrix or len(matrix) != len(labels) or any(len(r) != len(labels) for r in matrix):
        return None
    return ConfusionMatrix(source, labels, matrix)


def parse_roc(source: str, meta: Any) -> RocCurve | None:
    """The ROC points in ClassificationMetrics metadata, by false positive rate; None when absent."""
    raw = meta.get("confidenceMetrics") if isinstance(meta, dict) else None
    if not isinstance(raw, list):
        return None
    points = []
    for p in raw:
        if not isinstance(p, dict):
            continue
        fpr, tpr = _number(p.get("falsePositiveRate")), _number(p.get("recall"))
        if fpr is None or tpr is None or not (0 <= fpr <= 1 and 0 <= tpr <= 1):
            continue
        points.append((fpr, tpr, _number(p.get("confidenceThreshold"))))
    if not points:
        return None
    points.sort(key=lambda p: (p[0], p[1]))
    return RocCurve(source, [p[0] for p in points], [p[1] for p in points], [p[2] for p in points])


def parse_importance(source: str, meta: Any) -> FeatureImportance | None:
    if not isinstance(meta, dict):
        return None
    pairs = [(str(k), n) for k, v in meta.items() if (n := _number(v)) is not None]
    if not pairs:
        return None
    pairs.sort(key=lambda p: -p[1])
    return FeatureImportance(source, pairs[:MAX_FEATURES], len(pairs))


def _guess_outputs(ctx: KfpContext, layout: str, run_id: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Without a spec (its version was deleted): artifacts named like what we look for."""
    listed, _ = artifacts.list_artifacts(ctx, layout, run_id)
    pairs = [(a["task"], a["name"]) for a in listed]
    classification = [p for p in pairs if any(w in p[1].lower() for w in ("classification", "confusion", "roc"))]
    return classification, [p for p in pairs if is_feature_importance(p[1])]


def read_run_plots(ctx: KfpContext, run: Any, names: Names) -> RunPlots:
    """Read (bounded) what `run` logged to be plotted; kinds it did not log stay empty."""
    spec = run_spec(ctx, run, names)
    layout = layout_name(spec, run_pipeline_name(run, names))
    found = RunPlots(layout)
    if layout is None or ctx.storage is None:
        return found
    if spec:
        classification, importance = classification_outputs(spec), feature_importance_outputs(spec)
    else:
        classification, importance = _guess_outputs(ctx, layout, run.run_id)
    found.declared = [f"{task}/{name}" for task, name in [*classification, *importance]]
    for task, name in classification[:ARTIFACTS_PER_KIND]:
        meta = artifacts.read_json(ctx, layout, run.run_id, task, name, artifacts.CLASSIFICATION_MAX_BYTES)
        if (cm := parse_confusion(f"{task}/{name}", meta)) is not None:
            found.confusion.append(cm)
        if (roc := parse_roc(f"{task}/{name}", meta)) is not None:
            found.roc.append(roc)
    for task, name in importance[:ARTIFACTS_PER_KIND]:
        meta = artifacts.read_json(ctx, layout, run.run_id, task, name, artifacts.METRICS_MAX_BYTES)
        if (fi := parse_importance(f"{task}/{name}", meta)) is not None:
            found.importance.append(fi)
    return found
