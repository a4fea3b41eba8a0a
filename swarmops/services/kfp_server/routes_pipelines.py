"""Pipelines and pipeline versions (v2beta1). Upload takes a compiled IR package (YAML/JSON, or zip/tar.gz of one)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, Request

from swarmops.services.kfp_server.context import ctx, public
from swarmops.services.kfp_server.errors import ApiError
from swarmops.services.kfp_server.filters import apply_list
from swarmops.services.kfp_server.spec import parse_package, pipeline_name
from swarmops.services.kfp_server.store import Store, new_id, now_iso

router = APIRouter(prefix="/apis/v2beta1/pipelines")


def create_pipeline(
    store: Store, display_name: str, description: str, spec: dict[str, Any], namespace: str = ""
) -> dict[str, Any]:
    """A pipeline plus its first version, as real KFP does on upload (the version has the pipeline's name)."""
    if store.all("pipelines", display_name=display_name):
        raise ApiError.exists(f"Failed to create a pipeline: a pipeline named {display_name!r} already exists")
    record = {
        "pipeline_id": new_id(),
        "display_name": display_name,
        "name": display_name,
        "description": description,
        "created_at": now_iso(),
        "namespace": namespace,
    }
    store.put("pipelines", record)
    create_version(store, record["pipeline_id"], display_name, description, spec)
    return record


def create_version(
    store: Store, pipeline_id: str, display_name: str, description: str, spec: dict[str, Any]
) -> dict[str, Any]:
    if store.get("pipelines", pipeline_id) is None:
        raise ApiError.not_found("pipeline", pipeline_id)
    if store.all("versions", pipeline_id=pipeline_id, display_name=display_name):
        raise ApiError.exists(f"Failed to create a pipeline version: {display_name!r} already exists in this pipeline")
    record = {
        "pipeline_id": pipeline_id,
        "pipeline_version_id": new_id(),
        "display_name": display_name,
        "name": display_name,
        "description": description,
        "created_at": now_iso(),
        "pipeline_spec": spec,
    }
    return store.put("versions", record)


async def _uploaded_spec(request: Request) -> tuple[dict[str, Any], str]:
    """(spec, file stem) from the multipart field `uploadfile`."""
    if not request.headers.get("content-type", "").startswith("multipart/"):
        raise ApiError.invalid("upload a pipeline file as multipart/form-data in the field 'uploadfile'")
    form = await request.form()
    upload = form.get("uploadfile")
    if upload is None or isinstance(upload, str):
        raise ApiError.invalid("missing multipart file field 'uploadfile'")
    data = await upload.read()
    stem = PurePath(upload.filename or "pipeline").name.split(".")[0]
    return parse_package(data), stem


@router.post("/upload")
async def upload_pipeline(
    request: Request,
    name: str | None = None,
    display_name: str | None = None,
    description: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    spec, stem = await _uploaded_spec(request)
    title = display_name or name or pipeline_name(spec) or stem
    return public(create_pipeline(ctx(request).store, title, description or "", spec, namespace or ""))


@router.post("/upload_version")
async def upload_version(
    request: Request,
    pipelineid: str | None = None,
    name: str | None = None,
    display_name: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    if not pipelineid or ctx(request).store.get("pipelines", pipelineid) is None:
        raise ApiError.not_found("pipeline", pipelineid or "(no pipelineid given)")
    spec, stem = await _uploaded_spec(request)
    title = display_name or name or f"{stem}-{now_iso()}"
    return create_version(ctx(request).store, pipelineid, title, description or "", spec)


@router.get("")
def list_pipelines(request: Request) -> dict[str, Any]:
    return apply_list(ctx(request).store.all("pipelines"), dict(request.query_params), "pipelines")


@router.get("/{pipeline_id}")
def get_pipeline(request: Request, pipeline_id: str) -> dict[str, Any]:
    record = ctx(request).store.get("pipelines", pipeline_id)
    if record is None:
        raise ApiError.not_found("pipeline", pipeline_id)
    return record


@router.delete("/{pipeline_id}")
def delete_pipeline(request: Request, pipeline_id: str) -> dict[str, Any]:
    """Deletes the versions too: runs keep their own copy of the spec, so nothing depends on them."""
    store = ctx(request).store
    if store.get("pipelines", pipeline_id) is None:
        raise ApiError.not_found("pipeline", pipeline_id)
    for version in store.all("versions", pipeline_id=pipeline_id):
        store.delete("versions", version["pipeline_version_id"])
    store.delete("pipelines", pipeline_id)
    return {}


@router.get("/{pipeline_id}/versions")
def list_versions(request: Request, pipeline_id: str) -> dict[str, Any]:
    store = ctx(request).store
    if store.get("pipelines", pipeline_id) is None:
        raise ApiError.not_found("pipeline", pipeline_id)
    return apply_list(store.all("versions", pipeline_id=pipeline_id), dict(request.query_params), "pipeline_versions")


@router.get("/{pipeline_id}/versions/{version_id}")
def get_version(request: Request, pipeline_id: str, version_id: str) -> dict[str, Any]:
    record = ctx(request).store.get("versions", version_id)
    if record is None or record["pipeline_id"] != pipeline_id:
        raise ApiError.not_found("pipeline version", version_id)
    return record


@router.delete("/{pipeline_id}/versions/{version_id}")
def delete_version(request: Request, pipeline_id: str, version_id: str) -> dict[str, Any]:
    store = ctx(request).store
    record = store.get("versions", version_id)
    if record is None or record["pipeline_id"] != pipeline_id:
        raise ApiError.not_found("pipeline version", version_id)
    store.delete("versions", version_id)
    return {}
