"""Run outputs in the object store: artifacts, task logs, Metrics and ClassificationMetrics.

The KFP API only carries states; what a person asks about ("what accuracy did it get?", "why did it
fail?") lives in the object store the server publishes to:
    s3://<bucket>/v2/artifacts/<pipeline-name>/<run-id>/<task>/<artifact>
    s3://<bucket>/v2/logs/<pipeline-name>/<run-id>/<task>.log
where <pipeline-name> is the spec's pipelineInfo.name (not the name it was uploaded under).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from minio.error import S3Error

from tools.base import ToolFailure
from tools.kfp.context import KfpContext
from tools.kfp.errors import is_transport
from tools.storage.errors import unreachable as storage_unreachable

ARTIFACT_CAP = 50
#: Bytes read from the end of a log: far more than any tail a model gets, bounded for huge logs.
LOG_READ_BYTES = 256 * 1024
MAX_LINE_CHARS = 500
METRICS_MAX_BYTES = 64 * 1024
#: A ClassificationMetrics artifact carries a whole ROC curve (one point per distinct score).
CLASSIFICATION_MAX_BYTES = 2 * 1024 * 1024


@contextlib.contextmanager
def object_store(ctx: KfpContext) -> Iterator[None]:
    """Name the object store, not the KFP API, when it is the store that cannot be reached."""
    try:
        yield
    except Exception as exc:
        if ctx.storage is not None and is_transport(exc):
            raise storage_unreachable(ctx.storage, exc) from exc
        raise


def need_store(ctx: KfpContext, code: str, what: str) -> None:
    """Fail with `code` when no object store is configured: `what` ("task logs") is only kept there."""
    if ctx.storage is None:
        raise ToolFailure(
            code,
            f"No object store is configured, and {what} are only kept there.",
            hint="Configure the object store (s3_endpoint) or use the embedded one; `swarmops doctor` shows it.",
        )


def artifact_prefix(pipeline: str, run_id: str) -> str:
    return f"v2/artifacts/{pipeline}/{run_id}/"


def log_key(pipeline: str, run_id: str, task: str) -> str:
    return f"v2/logs/{pipeline}/{run_id}/{task}.log"


def list_artifacts(ctx: KfpContext, pipeline: str, run_id: str) -> tuple[list[dict[str, Any]], bool]:
    """One entry per artifact; directory artifacts (e.g. a saved model dir) are summed into one."""
    if ctx.storage is None:
        return [], False
    prefix = artifact_prefix(pipeline, run_id)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    truncated = False
    for obj in ctx.storage.client.list_objects(ctx.artifact_bucket, prefix=prefix, recursive=True):
        parts = obj.object_name[len(prefix) :].split("/")
        if len(parts) < 2:
            continue
        task, name = parts[0], parts[1]
        entry = found.get((task, name))
        if entry is None:
            if len(found) >= ARTIFACT_CAP:
                truncated = True
                break
            uri = f"s3://{ctx.artifact_bucket}/{prefix}{task}/{name}"
            entry = found[(task, name)] = {"task": task, "name": name, "uri": uri, "size": 0}
        entry["size"] += obj.size or 0
    return list(found.values()), truncated


def logged_tasks(ctx: KfpContext, pipeline: str, run_id: str) -> list[str]:
    if ctx.storage is None:
        return []
    prefix = f"v2/logs/{pipeline}/{run_id}/"
    names = []
    for obj in ctx.storage.client.list_objects(ctx.artifact_bucket, prefix=prefix, recursive=True):
        if obj.object_name.endswith(".log"):
            names.append(obj.object_name[len(prefix) : -len(".log")])
    return names


def _read(ctx: KfpContext, key: str, offset: int = 0, length: int = 0) -> bytes:
    assert ctx.storage is not None
    resp = ctx.storage.client.get_object(ctx.artifact_bucket, key, offset=offset, length=length)
    try:
        return resp.read()
    finally:
        resp.close()
        resp.release_conn()


def read_log_tail(ctx: KfpContext, pipeline: str, run_id: str, task: str, lines: int) -> tuple[list[str], bool] | None:
    """The last `lines` lines of a task's log and whether earlier lines exist; None if no log."""
    if ctx.storage is None:
        return None
    key = log_key(pipeline, run_id, task)
    try:
        size = ctx.storage.client.stat_object(ctx.artifact_bucket, key).size or 0
    except S3Error as exc:
        if exc.code in ("NoSuchKey", "NoSuchBucket", "NoSuchObject"):
            return None
        raise
    start = max(0, size - LOG_READ_BYTES)
    data = _read(ctx, key, offset=start) if size else b""
    text = data.decode("utf-8", errors="replace")
    all_lines = text.splitlines()
    if start > 0 and all_lines:
        all_lines = all_lines[1:]  # the first line was cut by the byte offset
    tail = [line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + " ...[cut]" for line in all_lines]
    return tail[-lines:], start > 0 or len(tail) > lines


def read_json(ctx: KfpContext, pipeline: str, run_id: str, task: str, name: str, max_bytes: int) -> Any:
    """The JSON value an artifact holds (metadata-only artifacts are published as JSON), None when it
    is missing or not JSON. Reads at most `max_bytes` (+1 to tell a cut one from a whole one)."""
    if ctx.storage is None:
        return None
    key = f"{artifact_prefix(pipeline, run_id)}{task}/{name}"
    try:
        raw = _read(ctx, key, length=max_bytes + 1)
    except S3Error:
        return None
    if len(raw) > max_bytes:
        raise ToolFailure(
            "ArtifactTooLarge",
            f"s3://{ctx.artifact_bucket}/{key} is larger than {max_bytes // 1024} KB; it is not read whole.",
            hint="Download it with the storage tools to look at it.",
        )
    try:
        return json.loads(raw)
    except ValueError:
        return None


def read_metrics(ctx: KfpContext, pipeline: str, run_id: str, outputs: list[tuple[str, str]]) -> dict[str, Any]:
    """Numeric metrics from the run's Metrics artifacts (JSON objects); missing ones are skipped.

    When two tasks log the same metric name, the later ones are prefixed with their task.
    """
    metrics: dict[str, Any] = {}
    for task, name in outputs:
        try:
            data = read_json(ctx, pipeline, run_id, task, name, METRICS_MAX_BYTES)
        except ToolFailure:
            continue  # not a Metrics artifact as pipelines write them: nothing to read as scores
        if not isinstance(data, dict):
            continue
        for metric, value in data.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            metrics[metric if metric not in metrics else f"{task}.{metric}"] = value
    return metrics
