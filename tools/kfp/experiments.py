"""Experiment tools: list_experiments, create_experiment (get-or-create)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from tools.kfp.common import StrictArgs, iso, kfp_tool, quiet
from tools.kfp.context import KfpContext
from tools.kfp.resolve import all_experiments, display_name, find_experiment
from tools.slots import Slot


def experiment_record(e: Any) -> dict[str, Any]:
    return {
        "id": e.experiment_id,
        "name": display_name(e),
        "description": e.description or "",
        "created_at": iso(e.created_at),
        "last_run_created_at": iso(getattr(e, "last_run_created_at", None)),
    }


def get_or_create_experiment(ctx: KfpContext, name: str, description: str | None = None) -> tuple[Any, bool]:
    """(experiment, created). Matching ignores case so 'Iris' does not spawn a twin of 'iris'."""
    existing = find_experiment(ctx, name)
    if existing is not None:
        return existing, False
    with quiet():
        return ctx.client.create_experiment(name, description=description), True


class ListExperimentsArgs(StrictArgs):
    limit: Annotated[int, Slot("number")] = Field(
        default=20, ge=1, le=100, description="Most experiments to return, newest first (1-100)."
    )


def list_experiments(args: ListExperimentsArgs, ctx: KfpContext) -> dict[str, Any]:
    found = all_experiments(ctx)
    shown = found[: args.limit]
    return {
        "experiments": [experiment_record(e) for e in shown],
        "count": len(shown),
        "truncated": len(found) > len(shown),
    }


class CreateExperimentArgs(StrictArgs):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128), Slot("name")] = Field(
        description="Experiment name, e.g. 'iris-tuning'. If it already exists, the existing one is returned."
    )
    description: Annotated[str | None, Slot("text")] = Field(
        default=None, description="Optional description of what the runs are for."
    )


def create_experiment(args: CreateExperimentArgs, ctx: KfpContext) -> dict[str, Any]:
    experiment, created = get_or_create_experiment(ctx, args.name, args.description)
    record = experiment_record(experiment)
    note = "Created." if created else f"An experiment named '{record['name']}' already existed; returned it unchanged."
    return {"experiment": record, "created": created, "note": note}


def preview_create_experiment(args: CreateExperimentArgs, ctx: KfpContext) -> str:
    existing = find_experiment(ctx, args.name)
    if existing is not None:
        return f"Experiment '{display_name(existing)}' already exists; nothing will change (it is returned as is)."
    return f"Create a new, empty experiment '{args.name}' on {ctx.host}."


LIST_EXPERIMENTS = kfp_tool(
    "list_experiments",
    "List experiments (the folders runs are grouped in), newest first.",
    ListExperimentsArgs,
    list_experiments,
    mutating=False,
)
CREATE_EXPERIMENT = kfp_tool(
    "create_experiment",
    "Create an experiment to group runs under. Idempotent: if one with this name exists it is returned and "
    "nothing changes. submit_run creates a missing experiment itself, so this is rarely needed first.",
    CreateExperimentArgs,
    create_experiment,
    mutating=True,
    preview=preview_create_experiment,
)
