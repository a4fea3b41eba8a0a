"""Upload tools: upload_pipeline (a new pipeline) and upload_pipeline_version (a new version of one)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from kfp_server_api.exceptions import ApiException
from pydantic import Field

from tools.base import ToolFailure
from tools.kfp.common import StrictArgs, iso, kfp_tool, quiet
from tools.kfp.context import KfpContext
from tools.kfp.resolve import all_pipelines, display_name, list_versions, resolve_pipeline
from tools.kfp.source import PipelineSource, load_source
from tools.kfp.spec import inputs
from tools.slots import Slot

_PATH = Field(
    description="Local path (relative to the working directory) of a compiled pipeline (.yaml, .yml, .json) "
    "or of a Python file defining a @dsl.pipeline function, which is compiled first."
)
_FUNCTION = Field(
    default=None,
    description="For a .py file defining several pipelines: the Python function name of the one to upload.",
)


def _inputs_line(source: PipelineSource) -> str:
    declared = inputs(source.spec)
    return ", ".join(i.describe() for i in declared) if declared else "no inputs"


def _existing(ctx: KfpContext, name: str) -> Any | None:
    """A pipeline with exactly this name (ignoring case: people read them as the same)."""
    return next((p for p in all_pipelines(ctx) if display_name(p).lower() == name.lower()), None)


def _name_taken(name: str) -> ToolFailure:
    return ToolFailure(
        "PipelineExists",
        f"A pipeline named '{name}' already exists. Nothing was uploaded.",
        hint=f"To add this file as a new version of it, call upload_pipeline_version(path, pipeline='{name}'); "
        "or pass a different name.",
    )


class UploadPipelineArgs(StrictArgs):
    path: Annotated[str, Slot("pipeline_file")] = _PATH
    name: Annotated[str | None, Slot("name")] = Field(
        default=None, description="Name for the new pipeline; defaults to the name declared in the pipeline itself."
    )
    description: Annotated[str | None, Slot("text")] = Field(
        default=None, description="Optional description shown in pipeline listings."
    )
    function: Annotated[str | None, Slot("text")] = _FUNCTION


def upload_pipeline(args: UploadPipelineArgs, ctx: KfpContext) -> dict[str, Any]:
    source = load_source(ctx.workdir, args.path, args.function)
    name = (args.name or source.name).strip()
    if _existing(ctx, name) is not None:
        raise _name_taken(name)
    description = (
        args.description if args.description is not None else source.spec.get("pipelineInfo", {}).get("description")
    )
    with tempfile.TemporaryDirectory(prefix="swarmops-upload-") as tmp:
        package = source.write_yaml(Path(tmp))
        try:
            with quiet():
                p = ctx.client.upload_pipeline(str(package), pipeline_name=name, description=description)
        except ApiException as exc:
            if exc.status == 409:
                raise _name_taken(name) from None
            raise
    versions = list_versions(ctx, p.pipeline_id, cap=1)
    return {
        "pipeline": {"id": p.pipeline_id, "name": display_name(p) or name, "created_at": iso(p.created_at)},
        "version": {"id": versions[0].pipeline_version_id, "name": display_name(versions[0])} if versions else None,
        "source": source.origin(),
        "inputs": [i.as_dict() for i in inputs(source.spec)],
    }


def preview_upload_pipeline(args: UploadPipelineArgs, ctx: KfpContext) -> str:
    source = load_source(ctx.workdir, args.path, args.function)
    name = (args.name or source.name).strip()
    if _existing(ctx, name) is not None:
        return (
            f"Upload {source.origin()} as new pipeline '{name}' — will fail and change nothing: that name is "
            "taken (use upload_pipeline_version to add a version)."
        )
    return f"Upload {source.origin()} to {ctx.host} as a new pipeline '{name}' (inputs: {_inputs_line(source)})."


class UploadVersionArgs(StrictArgs):
    path: Annotated[str, Slot("pipeline_file")] = _PATH
    pipeline: Annotated[str, Slot("pipeline")] = Field(
        description="Existing pipeline to add the version to: its name (e.g. 'iris') or id."
    )
    version_name: Annotated[str | None, Slot("name")] = Field(
        default=None,
        description="Name of the new version (unique within the pipeline); defaults to '<pipeline> <timestamp>'.",
    )
    function: Annotated[str | None, Slot("text")] = _FUNCTION


def _version_name(args: UploadVersionArgs, pipeline_name: str) -> str:
    return (args.version_name or f"{pipeline_name} {datetime.now().strftime('%Y-%m-%d %H:%M:%S')}").strip()


def _check_version_free(ctx: KfpContext, pipeline: Any, version_name: str) -> None:
    versions = list_versions(ctx, pipeline.pipeline_id)
    if [v for v in versions if display_name(v) == version_name]:
        raise ToolFailure(
            "VersionExists",
            f"Pipeline '{display_name(pipeline)}' already has a version named '{version_name}'. Nothing was uploaded.",
            hint="Pass a different version_name (or omit it to get a timestamped one).",
        )


def upload_pipeline_version(args: UploadVersionArgs, ctx: KfpContext) -> dict[str, Any]:
    source = load_source(ctx.workdir, args.path, args.function)
    pipeline = resolve_pipeline(ctx, args.pipeline)
    pname = display_name(pipeline)
    version_name = _version_name(args, pname)
    _check_version_free(ctx, pipeline, version_name)
    with tempfile.TemporaryDirectory(prefix="swarmops-upload-") as tmp:
        package = source.write_yaml(Path(tmp))
        with quiet():
            v = ctx.client.upload_pipeline_version(str(package), version_name, pipeline_id=pipeline.pipeline_id)
    return {
        "pipeline": {"id": pipeline.pipeline_id, "name": pname},
        "version": {
            "id": v.pipeline_version_id,
            "name": display_name(v) or version_name,
            "created_at": iso(v.created_at),
        },
        "source": source.origin(),
        "inputs": [i.as_dict() for i in inputs(source.spec)],
    }


def preview_upload_version(args: UploadVersionArgs, ctx: KfpContext) -> str:
    source = load_source(ctx.workdir, args.path, args.function)
    pipeline = resolve_pipeline(ctx, args.pipeline)
    pname = display_name(pipeline)
    version_name = _version_name(args, pname)
    _check_version_free(ctx, pipeline, version_name)
    count = len(list_versions(ctx, pipeline.pipeline_id))
    note = "" if source.name == pname else f" (the file declares pipeline '{source.name}')"
    return (
        f"Upload {source.origin()}{note} as version '{version_name}' of pipeline '{pname}', which has {count} "
        f"version(s); the new one becomes the default for runs. Inputs: {_inputs_line(source)}."
    )


UPLOAD_PIPELINE = kfp_tool(
    "upload_pipeline",
    "Upload a pipeline to Kubeflow Pipelines as a NEW pipeline, from a compiled .yaml/.json or a .py file with a "
    "@dsl.pipeline function (compiled automatically). If the name is taken, use upload_pipeline_version.",
    UploadPipelineArgs,
    upload_pipeline,
    mutating=True,
    preview=preview_upload_pipeline,
)
UPLOAD_PIPELINE_VERSION = kfp_tool(
    "upload_pipeline_version",
    "Add a new version to an existing pipeline from a compiled .yaml/.json or a .py file with a @dsl.pipeline "
    "function. Runs then use this newest version unless told otherwise.",
    UploadVersionArgs,
    upload_pipeline_version,
    mutating=True,
    preview=preview_upload_version,
)
