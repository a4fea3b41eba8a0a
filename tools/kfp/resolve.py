"""Names to ids: models (and people) say "the iris pipeline" or "my last run", never a UUID.

Every lookup tries the most specific reading first (id, exact name, case-insensitive name, then a
unique prefix/substring) so a precise reference is never shadowed by a fuzzy one. A miss raises a
NotFound ToolFailure whose suggestions are the closest existing names, so the model can retry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from kfp_server_api.exceptions import ApiException

from tools.base import ToolFailure, closest
from tools.kfp.common import PAGE_SIZE, SCAN_CAP, iter_pages
from tools.kfp.context import KfpContext

T = TypeVar("T")

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
LATEST = {"latest", "last", "newest", "most recent", "latest run", "last run"}


def looks_like_id(ref: str) -> bool:
    return bool(_UUID.match(ref.strip()))


def display_name(obj: Any) -> str:
    return getattr(obj, "display_name", None) or getattr(obj, "name", None) or ""


def _missing(status: int | None) -> bool:
    # Real KFP answers 404 for unknown ids, but some versions answer 400/500 for malformed ones.
    return status in (400, 404, 500)


def match_by_name(ref: str, items: Iterable[T], name: Callable[[T], str], kind: str) -> list[T]:
    """Items whose name matches `ref`, by the first rule that matches anything.

    Several exact matches are all returned (the caller decides, e.g. newest run wins); several
    fuzzy matches mean the reference is ambiguous and raise with the candidates.
    """
    items = list(items)
    wanted = ref.strip()
    low = wanted.lower()
    for rule in (
        lambda n: n == wanted,
        lambda n: n.lower() == low,
    ):
        hits = [i for i in items if rule(name(i))]
        if hits:
            return hits
    for rule in (lambda n: n.lower().startswith(low), lambda n: low in n.lower()):
        hits = [i for i in items if rule(name(i))]
        if len(hits) == 1:
            return hits
        if len(hits) > 1:
            names = list(dict.fromkeys(name(i) for i in hits))  # listing order: newest first
            if len(names) > 1:
                raise ToolFailure(
                    f"Ambiguous{kind.capitalize()}",
                    f"'{ref}' matches several {kind}s: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}.",
                    hint=f"Retry with the full {kind} name.",
                    suggestions=names[:10],
                )
            return hits
    return []


def not_found(kind: str, ref: str, names: list[str], hint: str) -> ToolFailure:
    names = sorted(set(names))
    suggestions = closest(ref, names) or closest(ref.lower(), [n.lower() for n in names])
    if suggestions and suggestions[0] not in names:  # matched case-insensitively: report real spellings
        lowered = {n.lower(): n for n in names}
        suggestions = [lowered[s] for s in suggestions]
    return ToolFailure(
        f"{kind.capitalize()}NotFound",
        f"No {kind} '{ref}'.",
        hint=("Did you mean one of the suggestions? " if suggestions else "") + hint,
        suggestions=suggestions,
    )


# --- pipelines ---------------------------------------------------------------------------------
def all_pipelines(ctx: KfpContext) -> list[Any]:
    client = ctx.client
    return list(
        iter_pages(
            lambda tok: client.list_pipelines(page_token=tok, page_size=PAGE_SIZE, sort_by="created_at desc"),
            "pipelines",
        )
    )


def resolve_pipeline(ctx: KfpContext, ref: str) -> Any:
    """A V2beta1Pipeline by id or name."""
    pipelines = all_pipelines(ctx)
    for p in pipelines:
        if p.pipeline_id == ref.strip():
            return p
    hits = match_by_name(ref, pipelines, display_name, "pipeline")
    if hits:
        return hits[0]
    if looks_like_id(ref) and len(pipelines) >= SCAN_CAP:  # beyond the listing cap: ask directly
        try:
            return ctx.client.get_pipeline(ref.strip())
        except ApiException as exc:
            if not _missing(exc.status):
                raise
    raise not_found(
        "pipeline",
        ref,
        [display_name(p) for p in pipelines],
        "Call list_pipelines to see what exists, or upload_pipeline to add it.",
    )


def list_versions(ctx: KfpContext, pipeline_id: str, cap: int = SCAN_CAP) -> list[Any]:
    """Versions newest first."""
    client = ctx.client
    return list(
        iter_pages(
            lambda tok: client.list_pipeline_versions(
                pipeline_id, page_token=tok, page_size=min(PAGE_SIZE, cap), sort_by="created_at desc"
            ),
            "pipeline_versions",
            cap,
        )
    )


def resolve_version(ctx: KfpContext, pipeline: Any, ref: str | None) -> Any:
    """A V2beta1PipelineVersion of `pipeline` by id or name; None means the newest one."""
    versions = list_versions(ctx, pipeline.pipeline_id)
    name = display_name(pipeline)
    if not versions:
        raise ToolFailure(
            "NoPipelineVersion",
            f"Pipeline '{name}' has no versions to run.",
            hint="Upload one with upload_pipeline_version.",
        )
    if ref is None or ref.strip().lower() in LATEST:
        return versions[0]
    for v in versions:
        if v.pipeline_version_id == ref.strip():
            return v
    hits = match_by_name(ref, versions, display_name, "version")
    if hits:
        return hits[0]
    raise not_found(
        "version",
        ref,
        [display_name(v) for v in versions],
        f"Call get_pipeline('{name}') to see its versions; omit version to use the newest.",
    )


def full_version(ctx: KfpContext, version: Any) -> Any:
    """A version with its pipeline_spec: list responses may omit the (large) spec."""
    if getattr(version, "pipeline_spec", None):
        return version
    return ctx.client.get_pipeline_version(version.pipeline_id, version.pipeline_version_id)


# --- experiments -------------------------------------------------------------------------------
def all_experiments(ctx: KfpContext) -> list[Any]:
    client = ctx.client
    return list(
        iter_pages(
            lambda tok: client.list_experiments(page_token=tok, page_size=PAGE_SIZE, sort_by="created_at desc"),
            "experiments",
        )
    )


def find_experiment(ctx: KfpContext, ref: str, experiments: list[Any] | None = None) -> Any | None:
    """An experiment by id or exact / case-insensitive name, else None (no fuzzy matching: a
    fuzzy hit would file runs under the wrong experiment)."""
    experiments = all_experiments(ctx) if experiments is None else experiments
    wanted = ref.strip()
    for rule in (
        lambda e: e.experiment_id == wanted,
        lambda e: display_name(e) == wanted,
        lambda e: display_name(e).lower() == wanted.lower(),
    ):
        for e in experiments:
            if rule(e):
                return e
    return None


def resolve_experiment(ctx: KfpContext, ref: str) -> Any:
    experiments = all_experiments(ctx)
    found = find_experiment(ctx, ref, experiments)
    if found is not None:
        return found
    raise not_found(
        "experiment",
        ref,
        [display_name(e) for e in experiments],
        "Call list_experiments to see what exists.",
    )


# --- runs --------------------------------------------------------------------------------------
def recent_runs(ctx: KfpContext, cap: int = SCAN_CAP, experiment_id: str | None = None) -> Iterable[Any]:
    """Runs newest first (lazily paged)."""
    client = ctx.client
    return iter_pages(
        lambda tok: client.list_runs(
            page_token=tok, page_size=min(PAGE_SIZE, cap), sort_by="created_at desc", experiment_id=experiment_id
        ),
        "runs",
        cap,
    )


def resolve_run(ctx: KfpContext, ref: str) -> Any:
    """A full V2beta1Run by id, display name (newest of several) or "latest"."""
    wanted = ref.strip()
    if wanted.lower() in LATEST:
        newest = next(iter(recent_runs(ctx, cap=1)), None)
        if newest is None:
            raise ToolFailure("RunNotFound", "There are no runs yet.", hint="Start one with submit_run.")
        return ctx.client.get_run(newest.run_id)
    if looks_like_id(wanted):
        try:
            return ctx.client.get_run(wanted)
        except ApiException as exc:
            if not _missing(exc.status):
                raise
    runs = list(recent_runs(ctx))
    hits = match_by_name(wanted, runs, display_name, "run")
    if hits:
        return ctx.client.get_run(hits[0].run_id)  # newest first, so hits[0] is the newest
    by_prefix = [r for r in runs if len(wanted) >= 6 and r.run_id.startswith(wanted.lower())]
    if len(by_prefix) == 1:  # a shortened id, as people copy them from tables
        return ctx.client.get_run(by_prefix[0].run_id)
    raise not_found(
        "run",
        ref,
        [display_name(r) for r in runs] + [r.run_id for r in runs if r.run_id.startswith(wanted)],
        "Call list_runs to see recent runs, or pass 'latest' for the newest run.",
    )
