"""What a case finds on the backends before it starts, and what it left behind.

A worker keeps one set of embedded backends for many cases (starting SeaweedFS and the KFP API per
case would cost seconds each), so isolation comes from wiping them between cases: every bucket
with every object version, every run, experiment and uploaded pipeline (the bundled examples are
kept), every document a case indexed. Then the case's declarative setup is applied through the
same clients the tools use. Snapshots of the state let "nothing changed" and "a change happened
after a rejection" be checked against the backends themselves, not against what the assistant
said it did.
"""

from __future__ import annotations

import io
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minio import Minio
from minio.commonconfig import Tags
from minio.versioningconfig import ENABLED, VersioningConfig

from swarmops.backends import Backends
from swarmops.evaluation.cases import RunSetup, Setup
from swarmops.pipelines import EXAMPLES
from tools.kfp.common import quiet

FINAL = ("SUCCEEDED", "FAILED", "CANCELED", "SKIPPED")
#: Where run artifacts go: written by the KFP API as runs end, so never part of "unchanged".
SYSTEM_BUCKETS = frozenset({"mlpipeline"})


@dataclass(frozen=True)
class Snapshot:
    objects: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)  # bucket -> key -> (size, etag)
    runs: frozenset[str] = frozenset()
    pipelines: dict[str, int] = field(default_factory=dict)  # name -> number of versions
    experiments: frozenset[str] = frozenset()

    def user_view(self) -> tuple[Any, ...]:
        objects = {b: keys for b, keys in self.objects.items() if b not in SYSTEM_BUCKETS}
        return (objects, self.runs, self.pipelines, self.experiments)

    def differences(self, later: Snapshot) -> list[str]:
        """What changed from this snapshot to `later`, in words (empty when nothing did)."""
        out = []
        before, after = self.user_view(), later.user_view()
        for bucket in sorted(set(before[0]) | set(after[0])):
            if bucket not in after[0]:
                out.append(f"bucket {bucket} deleted")
            elif bucket not in before[0]:
                out.append(f"bucket {bucket} created")
            elif before[0][bucket] != after[0][bucket]:
                out.append(f"objects in {bucket} changed")
        if after[1] - before[1]:
            out.append(f"{len(after[1] - before[1])} run(s) submitted")
        if before[2] != after[2]:
            out.append("pipelines changed")
        if before[3] != after[3]:
            out.append("experiments changed")
        return out


def _minio(backends: Backends) -> Minio:
    return backends.storage.client


def _kfp(backends: Backends) -> Any:
    return backends.kfp.client


def snapshot(backends: Backends) -> Snapshot:
    client = _minio(backends)
    objects = {
        b.name: {
            o.object_name: (o.size or 0, o.etag or "")
            for o in client.list_objects(b.name, recursive=True)
            if o.object_name is not None
        }
        for b in client.list_buckets()
    }
    kfp = _kfp(backends)
    runs = frozenset(r.run_id for r in (kfp.list_runs(page_size=1000).runs or []))
    pipelines = {
        p.display_name: len(kfp.list_pipeline_versions(p.pipeline_id, page_size=100).pipeline_versions or [])
        for p in (kfp.list_pipelines(page_size=1000).pipelines or [])
    }
    experiments = frozenset(e.display_name for e in (kfp.list_experiments(page_size=1000).experiments or []))
    return Snapshot(objects, runs, pipelines, experiments)


# --- wiping -----------------------------------------------------------------------------------


def wipe(backends: Backends) -> None:
    """Back to a fresh install: no buckets, no runs, only the example pipelines, the default experiment."""
    _wipe_storage(_minio(backends))
    _wipe_kfp(_kfp(backends))
    kb = backends.docs.opened_kb
    if kb is not None:
        from knowledge.builtin import BUILTIN_ORIGINS

        for source in kb.sources():
            if source.origin not in BUILTIN_ORIGINS:
                kb.remove(source.source)


def _wipe_storage(client: Minio) -> None:
    for bucket in client.list_buckets():
        for obj in client.list_objects(bucket.name, recursive=True, include_version=True):
            client.remove_object(bucket.name, obj.object_name, version_id=obj.version_id)
        client.remove_bucket(bucket.name)


def stop_runs(backends: Backends) -> None:
    """End every run still going, and wait for it: a run left behind by a case that timed out would
    keep writing into the eval's temporary data dir while it is removed."""
    _stop_runs(_kfp(backends))


def _stop_runs(kfp: Any) -> list[Any]:
    runs = kfp.list_runs(page_size=1000).runs or []
    for run in runs:
        if str(run.state or "").upper() not in FINAL:
            kfp.terminate_run(run.run_id)
    for run in runs:
        _until_final(kfp, run.run_id, timeout=30)
    return runs


def _wipe_kfp(kfp: Any) -> None:
    for run in _stop_runs(kfp):
        kfp.delete_run(run.run_id)
    for exp in kfp.list_experiments(page_size=1000).experiments or []:
        if exp.display_name != "Default":
            kfp.delete_experiment(exp.experiment_id)
    for pipeline in kfp.list_pipelines(page_size=1000).pipelines or []:
        versions = kfp.list_pipeline_versions(
            pipeline.pipeline_id, page_size=100, sort_by="created_at"
        ).pipeline_versions
        keep = 1 if pipeline.display_name in EXAMPLES else 0
        for version in (versions or [])[keep:]:
            kfp.delete_pipeline_version(pipeline.pipeline_id, version.pipeline_version_id)
        if not keep:
            kfp.delete_pipeline(pipeline.pipeline_id)


def _until_final(kfp: Any, run_id: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        run = kfp.get_run(run_id)
        if str(run.state or "").upper() in FINAL or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


# --- setting up -------------------------------------------------------------------------------


def apply_setup(backends: Backends, setup: Setup, case_dir: Path, workdir: Path) -> None:
    """Create what the case declares, through the real clients, before the conversation starts."""
    client = _minio(backends)
    for name in [*setup.buckets, *setup.versioned_buckets]:
        client.make_bucket(name)
    for name in setup.versioned_buckets:
        client.set_bucket_versioning(name, VersioningConfig(ENABLED))
    for obj in setup.objects:
        bucket, _, key = obj.uri.removeprefix("s3://").partition("/")
        if not client.bucket_exists(bucket):
            client.make_bucket(bucket)
        body = obj.content.encode() if obj.content is not None else b"x" * (obj.size or 0)
        tags = None
        if obj.tags:
            tags = Tags.new_object_tags()
            tags.update(obj.tags)
        client.put_object(bucket, key, io.BytesIO(body), len(body), metadata=obj.metadata or None, tags=tags)
    for item in setup.files:
        path = workdir / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.content)
    if setup.documents:
        _index_documents(backends, setup, workdir)
    kfp = _kfp(backends)
    with quiet():  # kfp.Client prints UI links for every upload and run
        for pipeline in setup.pipelines:
            _upload_pipeline(kfp, pipeline.name, pipeline.file, case_dir)
        for name in setup.experiments:
            kfp.create_experiment(name)
        started = [(_submit(kfp, run), run) for run in setup.runs]
    for run_id, run in started:
        if run.wait:
            _until_final(kfp, run_id, timeout=120)


def _index_documents(backends: Backends, setup: Setup, workdir: Path) -> None:
    from knowledge.indexer import index_inputs

    paths = []
    for doc in setup.documents:
        path = workdir / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.content)
        paths.append(str(path))
    index_inputs(backends.docs.kb, paths)


def _upload_pipeline(kfp: Any, name: str, file: str | None, case_dir: Path) -> None:
    if file is None:
        if name not in EXAMPLES:
            raise ValueError(f"pipeline '{name}' is not a bundled example; give `file:` for it")
        return  # the examples are always there
    from tools.kfp.source import load_source

    source = load_source(case_dir, file)
    with tempfile.TemporaryDirectory() as tmp:
        kfp.upload_pipeline(str(source.write_yaml(Path(tmp))), pipeline_name=name)


def _experiment_id(kfp: Any, name: str) -> str:
    for exp in kfp.list_experiments(page_size=1000).experiments or []:
        if exp.display_name == name:
            return exp.experiment_id
    return kfp.create_experiment(name).experiment_id


def _submit(kfp: Any, run: RunSetup) -> str:
    pipeline_id = kfp.get_pipeline_id(run.pipeline)
    if pipeline_id is None:
        raise ValueError(f"setup run: no pipeline '{run.pipeline}'")
    versions = kfp.list_pipeline_versions(pipeline_id, sort_by="created_at desc", page_size=1).pipeline_versions
    experiment = _experiment_id(kfp, run.experiment or "Default")
    name = run.name or f"{run.pipeline} setup {time.strftime('%H:%M:%S')}"
    created = kfp.run_pipeline(
        experiment, name, pipeline_id=pipeline_id, version_id=versions[0].pipeline_version_id, params=run.params
    )
    return created.run_id
