"""Experiments (v2beta1). Single-user: namespaces are accepted and ignored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from swarmops.services.kfp_server.context import ctx
from swarmops.services.kfp_server.errors import ApiError
from swarmops.services.kfp_server.filters import apply_list
from swarmops.services.kfp_server.store import new_id, now_iso

router = APIRouter(prefix="/apis/v2beta1/experiments")


@router.post("")
async def create_experiment(request: Request) -> dict[str, Any]:
    body = await request.json()
    name = (body or {}).get("display_name") if isinstance(body, dict) else None
    if not name:
        raise ApiError.invalid("an experiment needs a display_name")
    store = ctx(request).store
    if store.all("experiments", display_name=name):
        raise ApiError.exists(f"Failed to create an experiment: {name!r} already exists")
    record = {
        "experiment_id": new_id(),
        "display_name": name,
        "description": body.get("description") or "",
        "created_at": now_iso(),
        "namespace": body.get("namespace") or "",
        "storage_state": "AVAILABLE",
    }
    return store.put("experiments", record)


@router.get("")
def list_experiments(request: Request) -> dict[str, Any]:
    return apply_list(ctx(request).store.all("experiments"), dict(request.query_params), "experiments")


@router.get("/{experiment_id}")
def get_experiment(request: Request, experiment_id: str) -> dict[str, Any]:
    record = ctx(request).store.get("experiments", experiment_id)
    if record is None:
        raise ApiError.not_found("experiment", experiment_id)
    return record


@router.delete("/{experiment_id}")
def delete_experiment(request: Request, experiment_id: str) -> dict[str, Any]:
    store = ctx(request).store
    if store.get("experiments", experiment_id) is None:
        raise ApiError.not_found("experiment", experiment_id)
    if store.all("runs", experiment_id=experiment_id):
        raise ApiError(400, 9, "the experiment still has runs; delete them first")
    store.delete("experiments", experiment_id)
    return {}


@router.post("/{experiment_id}:archive")
def archive_experiment(request: Request, experiment_id: str) -> dict[str, Any]:
    if ctx(request).store.update("experiments", experiment_id, storage_state="ARCHIVED") is None:
        raise ApiError.not_found("experiment", experiment_id)
    return {}


@router.post("/{experiment_id}:unarchive")
def unarchive_experiment(request: Request, experiment_id: str) -> dict[str, Any]:
    if ctx(request).store.update("experiments", experiment_id, storage_state="AVAILABLE") is None:
        raise ApiError.not_found("experiment", experiment_id)
    return {}
