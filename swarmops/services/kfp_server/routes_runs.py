"""Runs (v2beta1): create (from a stored version or an inline spec), list, get, terminate, archive, delete.

A run keeps its own copy of the spec and coerced parameters in its run dir, so it can execute (and be
understood later) even if the pipeline version is deleted meanwhile.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

from fastapi import APIRouter, Request

from swarmops.services.kfp_server.context import ctx, public
from swarmops.services.kfp_server.errors import ApiError
from swarmops.services.kfp_server.executor import TERMINAL
from swarmops.services.kfp_server.filters import apply_list
from swarmops.services.kfp_server.spec import coerce_parameters, validate_spec
from swarmops.services.kfp_server.store import new_id, now_iso

router = APIRouter(prefix="/apis/v2beta1/runs")


def _spec_for(request: Request, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(spec, pipeline_version_reference or None) for a create-run body."""
    store = ctx(request).store
    ref = body.get("pipeline_version_reference") or None
    if body.get("pipeline_spec"):
        return validate_spec(body["pipeline_spec"]), None
    version_id = (ref or {}).get("pipeline_version_id") or body.get("pipeline_version_id")
    if not version_id:
        raise ApiError.invalid("a run needs pipeline_version_reference.pipeline_version_id or an inline pipeline_spec")
    version = store.get("versions", version_id)
    if version is None:
        raise ApiError.not_found("pipeline version", version_id)
    return version["pipeline_spec"], {"pipeline_id": version["pipeline_id"], "pipeline_version_id": version_id}


@router.post("")
async def create_run(request: Request) -> dict[str, Any]:
    body = await request.json()
    if not isinstance(body, dict):
        raise ApiError.invalid("the request body must be a JSON object")
    context = ctx(request)
    store = context.store
    experiment_id = body.get("experiment_id") or store.default_experiment()["experiment_id"]
    if store.get("experiments", experiment_id) is None:
        raise ApiError.not_found("experiment", experiment_id)
    spec, ref = _spec_for(request, body)
    runtime = body.get("runtime_config") or {}
    params = coerce_parameters(spec, runtime.get("parameters"))
    run_id, when = new_id(), now_iso()
    run_dir = context.runs_dir / run_id
    run_dir.mkdir(parents=True)
    (run_dir / "spec.json").write_text(json.dumps(spec))
    (run_dir / "params.json").write_text(json.dumps(params))
    record: dict[str, Any] = {
        "run_id": run_id,
        "experiment_id": experiment_id,
        "display_name": body.get("display_name") or f"{spec['pipelineInfo']['name']} {when}",
        "description": body.get("description") or "",
        "storage_state": "AVAILABLE",
        "runtime_config": {"parameters": params, "pipeline_root": str(run_dir / "root")},
        "service_account": body.get("service_account") or "",
        "created_at": when,
        "scheduled_at": when,
        "state": "PENDING",
        "state_history": [{"update_time": when, "state": "PENDING"}],
        "run_details": {"task_details": []},
    }
    if ref is None:
        record["pipeline_spec"] = spec
    else:
        record["pipeline_version_reference"] = ref
    store.put("runs", record)
    context.executor.schedule()
    return public(store.get("runs", run_id) or record)


@router.get("")
def list_runs(request: Request, experiment_id: str | None = None) -> dict[str, Any]:
    store = ctx(request).store
    runs = store.all("runs", experiment_id=experiment_id) if experiment_id else store.all("runs")
    result = apply_list(runs, dict(request.query_params), "runs")
    result["runs"] = [public(r) for r in result["runs"]]
    return result


def _get(request: Request, run_id: str) -> dict[str, Any]:
    record = ctx(request).store.get("runs", run_id)
    if record is None:
        raise ApiError.not_found("run", run_id)
    return record


@router.get("/{run_id}")
def get_run(request: Request, run_id: str) -> dict[str, Any]:
    return public(_get(request, run_id))


@router.post("/{run_id}:terminate")
def terminate_run(request: Request, run_id: str) -> dict[str, Any]:
    """Kills the run's process group; a no-op for runs that already ended (as in KFP)."""
    if _get(request, run_id).get("state") not in TERMINAL:
        ctx(request).executor.terminate(run_id)
    return {}


@router.post("/{run_id}:archive")
def archive_run(request: Request, run_id: str) -> dict[str, Any]:
    _get(request, run_id)
    ctx(request).store.update("runs", run_id, storage_state="ARCHIVED")
    return {}


@router.post("/{run_id}:unarchive")
def unarchive_run(request: Request, run_id: str) -> dict[str, Any]:
    _get(request, run_id)
    ctx(request).store.update("runs", run_id, storage_state="AVAILABLE")
    return {}


@router.delete("/{run_id}")
def delete_run(request: Request, run_id: str) -> dict[str, Any]:
    if _get(request, run_id).get("state") not in TERMINAL:
        ctx(request).executor.terminate(run_id)
    context = ctx(request)
    context.store.delete("runs", run_id)
    shutil.rmtree(context.runs_dir / run_id, ignore_errors=True)
    return {}
