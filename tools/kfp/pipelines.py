"""Pipeline discovery tools: list_pipelines, get_pipeline."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from tools.kfp.common import StrictArgs, iso, kfp_tool
from tools.kfp.context import KfpContext
from tools.kfp.resolve import all_pipelines, display_name, full_version, list_versions, resolve_pipeline
from tools.kfp.spec import inputs, tasks
from tools.slots import Slot

VERSION_CAP = 20


def _latest(ctx: KfpContext, pipeline_id: str) -> dict[str, Any] | None:
    versions = list_versions(ctx, pipeline_id, cap=1)
    return {"id": versions[0].pipeline_version_id, "name": display_name(versions[0])} if versions else None


class ListPipelinesArgs(StrictArgs):
    search: Annotated[str | None, Slot("text")] = Field(
        default=None,
        description="Only pipelines whose name contains this text (case-insensitive), e.g. 'iris'. Omit to list all.",
    )
    limit: Annotated[int, Slot("number")] = Field(
        default=20, ge=1, le=100, description="Most pipelines to return, newest first (1-100)."
    )


def list_pipelines(args: ListPipelinesArgs, ctx: KfpContext) -> dict[str, Any]:
    found = all_pipelines(ctx)
    if args.search:
        needle = args.search.strip().lower()
        found = [p for p in found if needle in display_name(p).lower() or needle in (p.description or "").lower()]
    shown = found[: args.limit]
    return {
        "pipelines": [
            {
                "id": p.pipeline_id,
                "name": display_name(p),
                "description": p.description or "",
                "created_at": iso(p.created_at),
                "latest_version": _latest(ctx, p.pipeline_id),
            }
            for p in shown
        ],
        "count": len(shown),
        "truncated": len(found) > len(shown),
    }


class GetPipelineArgs(StrictArgs):
    pipeline: Annotated[str, Slot("pipeline")] = Field(
        description="Pipeline name (e.g. 'iris') or id. Case-insensitive; a unique prefix works."
    )


def get_pipeline(args: GetPipelineArgs, ctx: KfpContext) -> dict[str, Any]:
    p = resolve_pipeline(ctx, args.pipeline)
    versions = list_versions(ctx, p.pipeline_id, cap=VERSION_CAP + 1)
    latest = full_version(ctx, versions[0]) if versions else None
    spec = latest.pipeline_spec if latest is not None else None
    return {
        "pipeline": {
            "id": p.pipeline_id,
            "name": display_name(p),
            "description": p.description or "",
            "created_at": iso(p.created_at),
        },
        "inputs": [i.as_dict() for i in inputs(spec)],
        "components": tasks(spec),
        "versions": [
            {"id": v.pipeline_version_id, "name": display_name(v), "created_at": iso(v.created_at)}
            for v in versions[:VERSION_CAP]
        ],
        "latest_version": {"id": latest.pipeline_version_id, "name": display_name(latest)} if latest else None,
        "truncated": len(versions) > VERSION_CAP,
    }


LIST_PIPELINES = kfp_tool(
    "list_pipelines",
    "List pipelines on the Kubeflow Pipelines server, newest first, with each one's latest version. "
    "Use it to find what can be run, or when a pipeline name is not recognised.",
    ListPipelinesArgs,
    list_pipelines,
    mutating=False,
)
GET_PIPELINE = kfp_tool(
    "get_pipeline",
    "Show one pipeline: its inputs (name, type, default, required) as declared by its newest version, its "
    "tasks/components and its versions. Call it before submit_run to know which parameters it accepts.",
    GetPipelineArgs,
    get_pipeline,
    mutating=False,
)
