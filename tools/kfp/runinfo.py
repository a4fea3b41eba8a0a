"""Turning V2beta1Run objects into the records the run tools return.

A run only carries ids (experiment, pipeline version); a model needs names. `Names` lists
pipelines and experiments once per tool call, so a 20-run listing costs three requests, not forty.
"""

from __future__ import annotations

from typing import Any

from minio.error import MinioException

from tools.kfp import artifacts
from tools.kfp.common import FINAL_STATES, iso, seconds_between, state_of
from tools.kfp.context import KfpContext
from tools.kfp.errors import is_transport
from tools.kfp.resolve import all_experiments, all_pipelines, display_name
from tools.kfp.spec import metrics_outputs, pipeline_name
from tools.kfp.spec import tasks as spec_tasks

LOG_TAIL_LINES = 20
TASK_CAP = 100


class Names:
    """Lazy id -> display name look-ups for pipelines and experiments (one listing each)."""

    def __init__(self, ctx: KfpContext) -> None:
        self.ctx = ctx
        self._pipelines: dict[str, str] | None = None
        self._experiments: dict[str, str] | None = None
        #: Specs by pipeline version id: runs of one version share one, so reading many runs' outputs
        #: (a metric's history) costs one spec request per version, not one per run.
        self.specs: dict[str, dict[str, Any] | None] = {}

    def pipeline(self, pipeline_id: str | None) -> str | None:
        if not pipeline_id:
            return None
        if self._pipelines is None:
            self._pipelines = {p.pipeline_id: display_name(p) for p in all_pipelines(self.ctx)}
        return self._pipelines.get(pipeline_id, pipeline_id)

    def experiment(self, experiment_id: str | None) -> str | None:
        if not experiment_id:
            return None
        if self._experiments is None:
            self._experiments = {e.experiment_id: display_name(e) for e in all_experiments(self.ctx)}
        return self._experiments.get(experiment_id, experiment_id)


def version_ref(run: Any) -> tuple[str | None, str | None]:
    ref = getattr(run, "pipeline_version_reference", None)
    if ref is not None:
        return ref.pipeline_id, ref.pipeline_version_id
    return None, getattr(run, "pipeline_version_id", None)


def run_pipeline_name(run: Any, names: Names) -> str | None:
    pipeline_id, _ = version_ref(run)
    if pipeline_id:
        return names.pipeline(pipeline_id)
    return pipeline_name(getattr(run, "pipeline_spec", None))  # a run submitted with an inline spec


def run_spec(ctx: KfpContext, run: Any, names: Names | None = None) -> dict[str, Any] | None:
    """The spec a run executed: inline, or its pipeline version's (None if that was deleted)."""
    spec = getattr(run, "pipeline_spec", None)
    if isinstance(spec, dict) and spec:
        return spec
    pipeline_id, version_id = version_ref(run)
    if not (pipeline_id and version_id):
        return None
    if names is not None and version_id in names.specs:
        return names.specs[version_id]
    try:
        spec = ctx.client.get_pipeline_version(pipeline_id, version_id).pipeline_spec
    except Exception as exc:
        if is_transport(exc):
            raise
        spec = None
    spec = spec if isinstance(spec, dict) else None
    if names is not None:
        names.specs[version_id] = spec
    return spec


def summary(run: Any, names: Names) -> dict[str, Any]:
    state = state_of(run)
    return {
        "id": run.run_id,
        "name": display_name(run),
        "state": state,
        "pipeline": run_pipeline_name(run, names),
        "experiment": names.experiment(getattr(run, "experiment_id", None)),
        "created_at": iso(run.created_at),
        "finished_at": iso(run.finished_at) if state in FINAL_STATES else None,
        "duration_s": seconds_between(run.created_at, run.finished_at) if state in FINAL_STATES else None,
    }


def parameters(run: Any) -> dict[str, Any]:
    config = getattr(run, "runtime_config", None)
    return dict(getattr(config, "parameters", None) or {})


def task_records(run: Any) -> list[dict[str, Any]]:
    """Tasks in start order; the server's bookkeeping entries (root DAG, drivers) are left out."""
    details = getattr(getattr(run, "run_details", None), "task_details", None) or []
    out = []
    for t in details:
        name = display_name(t)
        if not name or name == "root" or name.endswith("-driver"):
            continue
        err = getattr(t, "error", None)
        out.append(
            {
                "name": name,
                "state": state_of(t),
                "duration_s": seconds_between(t.start_time, t.end_time),
                "error": getattr(err, "message", None) or None,
                "_start": iso(t.start_time) or iso(t.create_time) or "",
            }
        )
    out.sort(key=lambda r: r["_start"])
    for r in out:
        del r["_start"]
    return out


def failed_task(tasks: list[dict[str, Any]]) -> str | None:
    return next((t["name"] for t in tasks if t["state"] == "FAILED"), None)


def layout_name(spec: dict[str, Any] | None, pipeline: str | None) -> str | None:
    """The <pipeline-name> segment of the object-store layout (the spec's own name)."""
    return pipeline_name(spec) or pipeline


def details(ctx: KfpContext, run: Any, names: Names | None = None) -> dict[str, Any]:
    """Everything get_run reports; object-store reads are best effort (reported, never fatal)."""
    names = names or Names(ctx)
    record = summary(run, names)
    err = getattr(run, "error", None)
    tasks = task_records(run)
    spec = run_spec(ctx, run)
    if not tasks and spec and record["state"] in ("PENDING",):
        tasks = [{"name": t["name"], "state": "PENDING", "duration_s": None, "error": None} for t in spec_tasks(spec)]
    failed = failed_task(tasks)
    record.update(
        parameters=parameters(run),
        error=getattr(err, "message", None) or None,
        tasks=tasks[:TASK_CAP],
        failed_task=failed,
        log_tail=None,
        artifacts=[],
    )
    if len(tasks) > TASK_CAP:
        record["truncated"] = True
    layout = layout_name(spec, record["pipeline"])
    if ctx.storage is None:
        record["artifacts_note"] = "No object store configured: artifacts and logs are not available."
        return record
    if layout is None:
        return record
    try:
        record["artifacts"], cut = artifacts.list_artifacts(ctx, layout, run.run_id)
        if cut:
            record["truncated"] = True
        if record["state"] == "FAILED" and failed:
            tail = artifacts.read_log_tail(ctx, layout, run.run_id, failed, LOG_TAIL_LINES)
            record["log_tail"] = tail[0] if tail else None
    except (MinioException, OSError, ValueError) as exc:
        record["artifacts_note"] = f"Could not read artifacts/logs from the object store: {exc}"
    except Exception as exc:
        if not is_transport(exc):
            raise
        record["artifacts_note"] = f"Could not reach the object store ({type(exc).__name__})."
    return record


def metrics_of(ctx: KfpContext, run: Any, names: Names) -> dict[str, Any]:
    """The numeric scores a run logged (its Metrics artifacts, feature importances left out)."""
    spec = run_spec(ctx, run, names)
    layout = layout_name(spec, run_pipeline_name(run, names))
    if not layout:
        return {}
    outputs = metrics_outputs(spec) if spec else []
    if not outputs:  # spec unknown (e.g. version deleted): artifacts named like metrics
        listed, _ = artifacts.list_artifacts(ctx, layout, run.run_id)
        outputs = [
            (a["task"], a["name"])
            for a in listed
            if "metrics" in a["name"].lower() and "classification" not in a["name"].lower()
        ]
    return artifacts.read_metrics(ctx, layout, run.run_id, outputs)
