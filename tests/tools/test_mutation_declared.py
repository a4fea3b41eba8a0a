"""Every tool's `mutating` declaration, checked against what the tool really does to real backends.

Approval and read-only mode rest on `ToolSpec.mutating`: a tool that changes state but is declared
read-only would run without anyone approving it. So each tool runs once, with valid arguments, on
real servers (moto S3; the embedded KFP API over SeaweedFS; a real knowledge base), and the backend
state is snapshotted before and after: buckets, versioning, objects and their versions and tags;
pipelines and their versions, experiments, runs (and whether they were cancelled); indexed sources;
and the local files of the working directory. Then:

- state changed => the tool is declared mutating (the check that matters);
- a mutating tool changed state in its case (otherwise the snapshot misses what the tool changes,
  and the first check would prove nothing for it);
- the call succeeded (the arguments were valid: the tool really ran).

A new tool without a case here fails `test_every_tool_has_a_case`. Nothing waits for a pipeline
to execute: runs are terminated right after they are submitted (`nap` keeps a live one running).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from minio import Minio

from tests.helpers import raw_client
from tests.services.kfp_helpers import compile_to, nap_pipeline, scored_pipeline, shout_pipeline
from tests.tools.kfp_helpers import kfp_ctx
from tests.tools.kfp_helpers import ok as kfp_ok
from tools.base import ToolResult, ToolSpec, run_tool
from tools.docs import DOCS_TOOLS, DocsContext
from tools.kfp import KFP_TOOLS, KfpContext
from tools.storage import STORAGE_TOOLS, StorageContext, make_minio_client

State = dict[str, object]
Args = dict[str, Any]

SPECS: dict[str, ToolSpec[Any, Any]] = {t.name: t for t in [*STORAGE_TOOLS, *KFP_TOOLS, *DOCS_TOOLS]}


def _files(root: Path) -> State:
    return {
        f"file {p.relative_to(root)}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


_ABSENT = "(absent)"


def _differences(before: State, after: State) -> list[str]:
    keys = sorted(before.keys() | after.keys())
    return [
        f"{k}: {before.get(k, _ABSENT)} -> {after.get(k, _ABSENT)}"
        for k in keys
        if k not in before or k not in after or before[k] != after[k]
    ]


def _check(spec: ToolSpec[Any, Any], result: ToolResult, before: State, after: State) -> None:
    assert result.ok, f"{spec.name} failed, so its case proves nothing: {result.error}"
    changed = _differences(before, after)
    if changed:
        assert spec.mutating, f"{spec.name} changed state but is declared read-only: {changed}"
    else:
        assert not spec.mutating, f"{spec.name} is declared mutating but changed nothing the snapshot sees"


# --- object storage (moto) -------------------------------------------------------------------------

STORAGE_CASES: dict[str, Args] = {
    "list_buckets": {},
    "create_bucket": {"bucket": "made-here"},
    "delete_bucket": {"bucket": "empty"},
    "list_objects": {"bucket": "src"},
    "stat_object": {"bucket": "src", "key": "a.txt"},
    "preview_object": {"bucket": "src", "key": "a.txt"},
    "plot_object": {"bucket": "src", "key": "h.csv"},
    "upload": {"local_path": "up.txt", "bucket": "src"},
    "download": {"bucket": "src", "key": "a.txt"},
    "copy_object": {"src_bucket": "src", "src_key": "a.txt", "dst_bucket": "empty"},
    "move_object": {"src_bucket": "src", "src_key": "a.txt", "dst_bucket": "empty"},
    "delete_objects": {"bucket": "src", "keys": ["a.txt"]},
    "presign_url": {"bucket": "src", "key": "a.txt"},
    "get_bucket_versioning": {"bucket": "src"},
    "set_bucket_versioning": {"bucket": "src", "enabled": True},
    "get_object_tags": {"bucket": "src", "key": "a.txt"},
    "set_object_tags": {"bucket": "src", "key": "a.txt", "tags": {"team": "ml"}},
}


def _storage_state(client: Minio, workdir: Path) -> State:
    state = _files(workdir)
    for bucket in client.list_buckets():
        state[f"bucket {bucket.name}"] = client.get_bucket_versioning(bucket.name).status
        for obj in client.list_objects(bucket.name, recursive=True, include_version=True):
            version = obj.version_id if obj.version_id not in (None, "null") else None
            tags = None if obj.is_delete_marker else client.get_object_tags(bucket.name, obj.object_name, version)
            state[f"object {bucket.name}/{obj.object_name}@{obj.version_id}"] = (
                obj.etag,
                obj.size,
                obj.is_delete_marker,
                dict(tags or {}),
            )
    return state


@pytest.mark.parametrize("name", list(STORAGE_CASES))
def test_storage_tool_declares_what_it_does(name: str, s3_endpoint: str, tmp_path: Path) -> None:
    client = raw_client(s3_endpoint)
    client.make_bucket("src")
    client.make_bucket("empty")
    client.put_object("src", "a.txt", io.BytesIO(b"hello"), 5)
    client.put_object("src", "h.csv", io.BytesIO(b"step,loss\n1,0.5\n2,0.25\n"), 23)
    (tmp_path / "up.txt").write_text("uploaded\n")
    ctx = StorageContext(
        client_factory=lambda: make_minio_client(s3_endpoint, "testing", "testing"),
        endpoint=s3_endpoint,
        workdir=tmp_path,
    )
    before = _storage_state(client, tmp_path)
    result = run_tool(SPECS[name], STORAGE_CASES[name], ctx)
    _check(SPECS[name], result, before, _storage_state(client, tmp_path))


# --- pipelines (the embedded KFP API) --------------------------------------------------------------


@dataclass
class KfpWorld:
    ctx: KfpContext
    tag: str
    pipeline: str  # "shout-<tag>", uploaded from shout.yaml in the working directory
    napper: str  # "nap-<tag>": its runs keep running until terminated
    experiment: str
    done: tuple[str, str]  # two runs of `pipeline`, terminated (final) before any case runs
    scored: str  # a finished run that logged Metrics and a ClassificationMetrics artifact


def _terminate(ctx: KfpContext, run_id: str) -> None:
    ctx.client.terminate_run(run_id)


@pytest.fixture(scope="module")
def kfp_world(kfp_host: str, seaweed_endpoint: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KfpWorld]:
    workdir = tmp_path_factory.mktemp("kfp-mutation")
    ctx = kfp_ctx(kfp_host, seaweed_endpoint, workdir)
    store = make_minio_client(seaweed_endpoint.endpoint, seaweed_endpoint.access_key, seaweed_endpoint.secret_key)
    if not store.bucket_exists(ctx.artifact_bucket):  # made by the first run that publishes; none may have yet
        store.make_bucket(ctx.artifact_bucket)
    tag = uuid.uuid4().hex[:6]
    pipeline, napper = f"shout-{tag}", f"nap-{tag}"
    compile_to(shout_pipeline, workdir / "shout.yaml", pipeline)
    compile_to(nap_pipeline, workdir / "nap.yaml", napper)
    kfp_ok(ctx, "upload_pipeline", path="shout.yaml", name=pipeline)
    kfp_ok(ctx, "upload_pipeline", path="nap.yaml", name=napper)
    experiment = f"exp-{tag}"
    kfp_ok(ctx, "create_experiment", name=experiment)
    done = []
    for n in (1, 2):
        run = kfp_ok(ctx, "submit_run", pipeline=pipeline, parameters={}, run_name=f"done-{n}-{tag}")
        _terminate(ctx, run["run_id"])
        done.append(f"done-{n}-{tag}")
    compile_to(scored_pipeline, workdir / "scored.yaml", f"scored-{tag}")
    kfp_ok(ctx, "upload_pipeline", path="scored.yaml", name=f"scored-{tag}")
    scored = kfp_ok(ctx, "submit_run", pipeline=f"scored-{tag}", parameters={}, run_name=f"scored-{tag}")
    kfp_ok(ctx, "wait_for_run", run=scored["run_id"], timeout_seconds=120)
    yield KfpWorld(ctx, tag, pipeline, napper, experiment, (done[0], done[1]), scored["run_id"])


def _kfp_state(ctx: KfpContext) -> State:
    client = ctx.client
    state = _files(ctx.workdir)
    token = ""
    while True:
        page = client.list_pipelines(page_token=token, page_size=100)
        for p in page.pipelines or []:
            versions = client.list_pipeline_versions(p.pipeline_id, page_size=100).pipeline_versions or []
            state[f"pipeline {p.display_name}"] = sorted(v.pipeline_version_id for v in versions)
        token = page.next_page_token or ""
        if not token:
            break
    for e in client.list_experiments(page_size=1000).experiments or []:
        state[f"experiment {e.display_name}"] = (e.experiment_id, str(e.storage_state))
    for r in client.list_runs(page_size=1000).runs or []:
        # A run moving on by itself (PENDING -> RUNNING -> SUCCEEDED) is the server's doing, not a
        # tool's; the only run state a tool changes is cancelling it.
        cancelled = str(r.state).upper() in ("CANCELED", "CANCELING")
        state[f"run {r.run_id}"] = (r.display_name, r.experiment_id, cancelled, str(r.storage_state))
    return state


KfpCase = Callable[[KfpWorld], Args]

KFP_CASES: dict[str, KfpCase] = {
    "list_pipelines": lambda w: {},
    "get_pipeline": lambda w: {"pipeline": w.pipeline},
    "upload_pipeline": lambda w: {"path": "shout.yaml", "name": f"again-{w.tag}"},
    "upload_pipeline_version": lambda w: {"path": "shout.yaml", "pipeline": w.pipeline, "version_name": f"v2-{w.tag}"},
    "list_experiments": lambda w: {},
    "create_experiment": lambda w: {"name": f"made-{w.tag}"},
    "submit_run": lambda w: {"pipeline": w.pipeline, "parameters": {"word": "yo"}, "experiment": w.experiment},
    "list_runs": lambda w: {},
    "get_run": lambda w: {"run": w.done[0]},
    "wait_for_run": lambda w: {"run": w.done[0], "timeout_seconds": 5, "poll_seconds": 0.5},
    "terminate_run": lambda w: {"run": _live_run(w)},
    "get_task_logs": lambda w: {"run": w.done[0]},
    "compare_runs": lambda w: {"runs": list(w.done)},
    "get_run_plots": lambda w: {"run": w.scored},
    "plot_metric_history": lambda w: {"metric": "accuracy", "pipeline": f"scored-{w.tag}"},
}


def _live_run(world: KfpWorld) -> str:
    """A run that keeps running until something terminates it (set up before the snapshot)."""
    name = f"live-{uuid.uuid4().hex[:6]}"
    kfp_ok(world.ctx, "submit_run", pipeline=world.napper, parameters={}, run_name=name)
    return name


@pytest.mark.parametrize("name", list(KFP_CASES))
def test_kfp_tool_declares_what_it_does(name: str, kfp_world: KfpWorld) -> None:
    args = KFP_CASES[name](kfp_world)
    before = _kfp_state(kfp_world.ctx)
    result = run_tool(SPECS[name], args, kfp_world.ctx)
    after = _kfp_state(kfp_world.ctx)
    if name == "submit_run" and result.ok:  # never leave a run executing behind the test
        _terminate(kfp_world.ctx, result.data["run_id"])
    _check(SPECS[name], result, before, after)


# --- documentation (a real knowledge base) ---------------------------------------------------------

DOCS_CASES: dict[str, Args] = {
    "search_docs": {"query": "how do I restart the trainer"},
    "list_sources": {},
    "index_documents": {"inputs": ["new.md"]},
}


def _docs_state(ctx: DocsContext) -> State:
    state = _files(ctx.workdir)
    for source in ctx.kb.sources():
        state[f"source {source.source}"] = (source.chunks, source.title)
    return state


@pytest.mark.parametrize("name", list(DOCS_CASES))
def test_docs_tool_declares_what_it_does(name: str, make_kb: Callable[..., Any], tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "runbook.md").write_text("# Runbook\n\n## Restarting the trainer\n\nRun `make restart` on the host.\n")
    (workdir / "new.md").write_text("# New\n\nA page nobody has indexed yet.\n")
    ctx = DocsContext(kb_factory=lambda: make_kb(), workdir=workdir)
    assert run_tool(SPECS["index_documents"], {"inputs": ["runbook.md"]}, ctx).ok
    before = _docs_state(ctx)
    result = run_tool(SPECS[name], DOCS_CASES[name], ctx)
    _check(SPECS[name], result, before, _docs_state(ctx))


def test_every_tool_has_a_case() -> None:
    """A new tool must say here how to run it, so its declaration is checked too."""
    cases = [*STORAGE_CASES, *KFP_CASES, *DOCS_CASES]
    assert sorted(cases) == sorted(SPECS)
