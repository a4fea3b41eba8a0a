"""submit_run: start a pipeline run with parameters checked against the pipeline's inputs first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from tools.kfp.common import StrictArgs, kfp_tool, quiet, state_of
from tools.kfp.context import KfpContext
from tools.kfp.experiments import get_or_create_experiment
from tools.kfp.params import validate_parameters
from tools.kfp.resolve import display_name, find_experiment, full_version, resolve_pipeline, resolve_version
from tools.kfp.spec import inputs
from tools.slots import Slot

DEFAULT_EXPERIMENT = "Default"


class SubmitRunArgs(StrictArgs):
    pipeline: Annotated[str, Slot("pipeline")] = Field(description="Pipeline to run: its name (e.g. 'iris') or id.")
    parameters: Annotated[dict[str, Any], Slot("parameters")] = Field(
        default_factory=dict,
        description='Pipeline inputs by name, e.g. {"n_estimators": 50}. Omitted inputs take their defaults; '
        "get_pipeline lists the inputs. Values are checked (and '50' -> 50 converted) before submitting.",
    )
    version: Annotated[str | None, Slot("version")] = Field(
        default=None, description="Pipeline version name or id; omit to use the newest."
    )
    experiment: Annotated[str | None, Slot("experiment")] = Field(
        default=None,
        description="Experiment to file the run under (name or id); created if missing. "
        f"Default '{DEFAULT_EXPERIMENT}'.",
    )
    run_name: Annotated[str | None, Slot("name")] = Field(
        default=None, description="Run name; defaults to '<pipeline> <date time>'."
    )


@dataclass
class Plan:
    """What will be submitted, worked out (and validated) identically for preview and run."""

    pipeline: Any
    version: Any
    experiment_name: str
    experiment: Any | None  # None: will be created
    parameters: dict[str, Any]
    run_name: str


def plan(args: SubmitRunArgs, ctx: KfpContext) -> Plan:
    pipeline = resolve_pipeline(ctx, args.pipeline)
    version = full_version(ctx, resolve_version(ctx, pipeline, args.version))
    params = validate_parameters(args.parameters, inputs(version.pipeline_spec), display_name(pipeline))
    wanted = (args.experiment or DEFAULT_EXPERIMENT).strip()
    experiment = find_experiment(ctx, wanted)
    name = (args.run_name or f"{display_name(pipeline)} {datetime.now().strftime('%Y-%m-%d %H:%M:%S')}").strip()
    return Plan(pipeline, version, display_name(experiment) if experiment else wanted, experiment, params, name)


def submit_run(args: SubmitRunArgs, ctx: KfpContext) -> dict[str, Any]:
    p = plan(args, ctx)
    experiment = p.experiment
    created = False
    if experiment is None:
        experiment, created = get_or_create_experiment(ctx, p.experiment_name)
    with quiet():
        run = ctx.client.run_pipeline(
            experiment_id=experiment.experiment_id,
            job_name=p.run_name,
            params=p.parameters,
            pipeline_id=p.pipeline.pipeline_id,
            version_id=p.version.pipeline_version_id,
        )
    out = {
        "run_id": run.run_id,
        "run_name": display_name(run) or p.run_name,
        "pipeline": display_name(p.pipeline),
        "version": display_name(p.version),
        "experiment": display_name(experiment),
        "parameters": p.parameters,
        "state": state_of(run),
    }
    if created:
        out["note"] = f"Experiment '{display_name(experiment)}' did not exist and was created."
    return out


def preview_submit_run(args: SubmitRunArgs, ctx: KfpContext) -> str:
    p = plan(args, ctx)
    given = set(args.parameters)
    shown = ", ".join(
        f"{k}={json.dumps(v, default=str)}" + ("" if k in given else " (default)") for k, v in p.parameters.items()
    )
    experiment = f"experiment '{p.experiment_name}'" + (" (new, will be created)" if p.experiment is None else "")
    return (
        f"Start run '{p.run_name}' of pipeline '{display_name(p.pipeline)}' version '{display_name(p.version)}' in "
        f"{experiment} on {ctx.host} with parameters: {shown or 'none'}."
    )


SUBMIT_RUN = kfp_tool(
    "submit_run",
    "Start a run of a pipeline (by name) with parameters. Parameters are validated against the pipeline's "
    "declared inputs before anything is submitted; unknown, mistyped or missing ones are rejected with the "
    "expected inputs listed. Returns the run id and name; follow with wait_for_run to get the outcome.",
    SubmitRunArgs,
    submit_run,
    mutating=True,
    preview=preview_submit_run,
)
