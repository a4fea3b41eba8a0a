"""Checking a case's `end_state` against the backends and the working directory after its last turn.

What the assistant says it did is not evidence: an object "uploaded" must be in the store with
the right bytes, a run "submitted" must exist with its parameters and reach the state expected.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from minio.error import S3Error

from swarmops.backends import Backends
from swarmops.evaluation.backendstate import FINAL, Snapshot
from swarmops.evaluation.cases import StateCheck


@dataclass(frozen=True)
class CheckOutcome:
    check: str
    ok: bool
    detail: str = ""


def _split(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _object(backends: Backends, check: StateCheck) -> tuple[bool, str]:
    client = backends.storage.client
    bucket, key = _split(check.object or "")
    try:
        stat = client.stat_object(bucket, key)
    except S3Error as exc:
        return False, f"{check.object} is missing ({exc.code})"
    if check.size is not None and stat.size != check.size:
        return False, f"{check.object} has {stat.size} bytes, expected {check.size}"
    if check.contains is not None:
        body = client.get_object(bucket, key).read(1 << 20).decode(errors="replace")
        if check.contains.lower() not in body.lower():
            return False, f"{check.object} does not contain {check.contains!r}"
    if check.tags or check.tags_exact is not None:
        tags = dict(client.get_object_tags(bucket, key) or {})
        missing = {k: v for k, v in (check.tags or {}).items() if tags.get(k) != v}
        if missing:
            return False, f"{check.object} tags {tags}, expected to include {missing}"
        if check.tags_exact is not None and tags != check.tags_exact:
            return False, f"{check.object} tags {tags}, expected exactly {check.tags_exact}"
    return True, ""


def _bucket(backends: Backends, check: StateCheck) -> tuple[bool, str]:
    client = backends.storage.client
    name = check.bucket_exists or ""
    if not client.bucket_exists(name):
        return False, f"bucket {name} does not exist"
    if check.versioning is not None:
        enabled = client.get_bucket_versioning(name).status == "Enabled"
        if enabled != check.versioning:
            return False, f"bucket {name} versioning is {'on' if enabled else 'off'}"
    return True, ""


def _runs(backends: Backends) -> list[Any]:
    return backends.kfp.client.list_runs(page_size=1000, sort_by="created_at desc").runs or []


def _run(backends: Backends, check: StateCheck, before: Snapshot) -> tuple[bool, str]:
    runs = [r for r in _runs(backends) if check.run == "latest" or r.display_name == check.run]
    if check.pipeline is not None:
        runs = [r for r in runs if _pipeline_of(backends, r) == check.pipeline]
    if check.run == "latest":
        runs = [r for r in runs if r.run_id not in before.runs] or runs  # prefer a run made by the case
    if not runs:
        return False, f"no run {check.run!r}" + (f" of pipeline {check.pipeline}" if check.pipeline else "")
    run = runs[0]
    given = dict(getattr(run.runtime_config, "parameters", None) or {})
    for name, value in (check.params or {}).items():
        if str(given.get(name)) != str(value):
            return False, f"run {run.display_name} has {name}={given.get(name)!r}, expected {value!r}"
    if check.state is not None:
        state = _final_state(backends, run.run_id)
        if state != check.state.upper():
            return False, f"run {run.display_name} ended {state}, expected {check.state}"
    return True, ""


def _pipeline_of(backends: Backends, run: Any) -> str | None:
    ref = getattr(run, "pipeline_version_reference", None)
    pipeline_id = getattr(ref, "pipeline_id", None)
    if not pipeline_id:
        return None
    try:
        return backends.kfp.client.get_pipeline(pipeline_id).display_name
    except Exception:  # noqa: BLE001 - a deleted pipeline: no name to compare
        return None


def _final_state(backends: Backends, run_id: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while True:
        state = str(backends.kfp.client.get_run(run_id).state or "PENDING").upper()
        if state in FINAL or time.monotonic() > deadline:
            return state
        time.sleep(0.3)


def _version(backends: Backends, check: StateCheck) -> tuple[bool, str]:
    kfp = backends.kfp.client
    pipeline_id = kfp.get_pipeline_id(check.pipeline)
    versions = kfp.list_pipeline_versions(pipeline_id, page_size=100).pipeline_versions or []
    names = [v.display_name for v in versions]
    return (check.version in names, f"pipeline {check.pipeline} has versions {names}, not {check.version!r}")


def _describe(check: StateCheck) -> str:
    return ", ".join(f"{k}={v}" for k, v in check.model_dump(exclude_none=True).items())


def check_state(
    backends: Backends, check: StateCheck, workdir: Path, before: Snapshot, after: Snapshot
) -> CheckOutcome:
    """One end_state check; never raises (a backend error is a failed check with its reason)."""
    try:
        ok, detail = _check(backends, check, workdir, before, after)
    except Exception as exc:  # noqa: BLE001 - reported in the case's result
        ok, detail = False, f"could not check: {type(exc).__name__}: {exc}"
    return CheckOutcome(_describe(check), ok, detail)


def _check(backends: Backends, check: StateCheck, workdir: Path, before: Snapshot, after: Snapshot) -> tuple[bool, str]:
    client = backends.storage.client
    if check.bucket_exists is not None:
        return _bucket(backends, check)
    if check.bucket_absent is not None:
        return (not client.bucket_exists(check.bucket_absent), f"bucket {check.bucket_absent} still exists")
    if check.object is not None:
        return _object(backends, check)
    if check.object_absent is not None:
        bucket, key = _split(check.object_absent)
        present = bucket in after.objects and key in after.objects[bucket]
        return (not present, f"{check.object_absent} still exists")
    if check.file is not None:
        path = workdir / check.file
        if not path.is_file():
            return False, f"no local file {check.file}"
        text = path.read_text(errors="replace")
        return (
            check.contains is None or check.contains.lower() in text.lower(),
            f"{check.file} lacks {check.contains!r}",
        )
    if check.file_absent is not None:
        target = (workdir / check.file_absent).resolve()
        return (not target.exists(), f"{check.file_absent} exists ({target})")
    if check.run is not None:
        return _run(backends, check, before)
    if check.pipeline is not None:
        if check.pipeline not in after.pipelines:
            return False, f"no pipeline {check.pipeline}"
        return _version(backends, check) if check.version is not None else (True, "")
    if check.indexed is not None:
        kb = backends.docs.opened_kb
        sources = [s.source for s in kb.sources()] if kb is not None else []
        return (any(check.indexed in s for s in sources), f"nothing indexed matching {check.indexed!r}")
    if check.experiment is not None:
        return (check.experiment in after.experiments, f"no experiment {check.experiment}")
    if check.no_runs:
        made = after.runs - before.runs
        return (not made, f"{len(made)} run(s) were submitted")
    if check.unchanged:
        changes = before.differences(after)
        return (not changes, "; ".join(changes))
    return False, "empty check"


def cited_sources(answer: str, known: set[str]) -> tuple[set[str], set[str]]:
    """(known sources the answer cites, source-like names it cites that do not exist).

    Known names are found verbatim; anything shaped like a corpus source (docs/... or api/...) that
    is not in the knowledge base counts as invented.
    """
    cited = {s for s in known if s in answer}
    # Not inside a URL or a longer path (an API docstring may quote https://.../docs/reference/...).
    shaped = set(re.findall(r"(?<![\w./:-])(?:docs|api)/[\w./-]*\w", answer))
    invented = {s for s in shaped if s not in known and not any(s in k for k in cited)}
    return cited, invented
