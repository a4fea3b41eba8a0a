"""Publishing a finished run's artifacts and task logs to the object store, where swarmops' storage tools look.

Layout (like KFP on a cluster, bucket `mlpipeline`):
  v2/artifacts/<pipeline-name>/<run-id>/<task-name>/<artifact-name>  (directories -> files under it)
  v2/logs/<pipeline-name>/<run-id>/<task-name>.log
Metrics and ClassificationMetrics artifacts have no file on disk with kfp.local (the values live in
metadata), so their metadata is written as a JSON object: the logged metrics, or as kfp writes a
ClassificationMetrics: {"confusionMatrix": {"annotationSpecs": [{"displayName": ...}, ...],
"rows": [{"row": [...]}, ...]}, "confidenceMetrics": [{"confidenceThreshold", "recall",
"falsePositiveRate"}, ...]} (every number a float, having passed through a protobuf Struct).
Publishing never raises: a run's outcome must not depend on the store being up, so problems are
returned for the caller to record. A store that is briefly down (restarting, or an embedded one that
died and is started again) is retried for about `RETRY_DELAYS_S` (~15 s) before a run is recorded as
"artifacts not published".
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from swarmops.services.kfp_server.objectstore import ObjectStoreLink, StoreSettings

log = logging.getLogger(__name__)
BUCKET = "mlpipeline"
_TIMEOUT_S = 5.0
#: Waits between attempts to reach the store: ~15 s in all, enough for an embedded store to restart.
RETRY_DELAYS_S = (0.5, 1.0, 2.0, 4.0, 8.0)
#: Artifact kinds whose content is their metadata (kfp.local writes no file for them): class names, schema titles.
METADATA_ONLY_TYPES = frozenset({"Metrics", "ClassificationMetrics"})
METADATA_ONLY_SCHEMAS = frozenset({"system.Metrics", "system.ClassificationMetrics"})


def _client(settings: StoreSettings) -> Any:
    import urllib3
    from minio import Minio

    # Short timeouts and no transport retries of its own: publish() retries, and says so in the log.
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=_TIMEOUT_S, read=30.0),
        retries=urllib3.Retry(total=1, connect=0, read=0, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )
    return Minio(
        settings.endpoint,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
        secure=settings.secure,
        http_client=http,
    )


def _ensure_bucket(client: Any) -> None:
    from minio.error import S3Error

    if client.bucket_exists(BUCKET):
        return
    try:
        client.make_bucket(BUCKET)
    except S3Error as exc:  # two runs finishing at once both try to create it
        if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise


def _metadata_only(artifact: dict[str, Any]) -> bool:
    return artifact.get("type") in METADATA_ONLY_TYPES or artifact.get("schema_title") in METADATA_ONLY_SCHEMAS


def planned_uploads(run_dir: Path, run_info: dict[str, Any], pipeline: str, run_id: str) -> list[tuple[str, Any, str]]:
    """(key, Path or bytes, content type) for everything a run produced, so it can be tested without a store."""
    uploads: list[tuple[str, Any, str]] = []
    art_prefix, log_prefix = f"v2/artifacts/{pipeline}/{run_id}", f"v2/logs/{pipeline}/{run_id}"
    for task in run_info.get("tasks", []):
        name = task["task_name"]
        for out_name, value in (task.get("outputs") or {}).items():
            for i, artifact in enumerate(value if isinstance(value, list) else [value]):
                if not isinstance(artifact, dict) or "uri" not in artifact:
                    continue  # a parameter output, kept in run.json only
                key = f"{art_prefix}/{name}/{out_name}" + (f"/{i}" if isinstance(value, list) else "")
                path = Path(artifact["uri"])
                if path.is_file():  # a metrics artifact's own file holds its JSON (swarmops/pipelines/iris.py)
                    kind = "application/json" if _metadata_only(artifact) else "application/octet-stream"
                    uploads.append((key, path, kind))
                elif path.is_dir():
                    uploads += [
                        (f"{key}/{p.relative_to(path)}", p, "application/octet-stream")
                        for p in sorted(path.rglob("*"))
                        if p.is_file()
                    ]
                elif _metadata_only(artifact):
                    body = json.dumps(artifact.get("metadata") or {}, indent=1).encode()
                    uploads.append((key, body, "application/json"))
        task_log = run_dir / "logs" / f"{name}.log"
        if task_log.is_file():
            uploads.append((f"{log_prefix}/{name}.log", task_log, "text/plain; charset=utf-8"))
    return uploads


def _is_transport(exc: BaseException) -> bool:
    import urllib3.exceptions as u3

    return isinstance(exc, u3.HTTPError | ConnectionError | TimeoutError)


def _connect(link: ObjectStoreLink, run_id: str, sleep: Callable[[float], None]) -> tuple[Any, str | None]:
    """A client whose store answered, trying again while it is briefly down; (None, why) if it never did."""
    problem = ""
    for attempt, delay in enumerate((0.0, *RETRY_DELAYS_S)):
        sleep(delay)
        try:
            settings = link.settings(ensure=attempt > 0)
        except Exception as exc:  # noqa: BLE001 - the embedded store could not be started
            problem = f"could not start the embedded object store: {exc}"
            continue
        if settings is None:
            return None, "no object store configured (SWARMOPS_S3_ENDPOINT is unset)"
        try:
            client = _client(settings)
            _ensure_bucket(client)
            return client, None
        except Exception as exc:  # noqa: BLE001 - any store failure is reported, never raised
            problem = f"could not reach the object store at {settings.endpoint}: {type(exc).__name__}: {exc}"
            if not _is_transport(exc):
                break  # it answered, and said no (credentials, permissions): waiting will not help
            log.info("run %s: object store not answering (attempt %d), retrying", run_id, attempt + 1)
    return None, problem


def publish(
    run_dir: Path,
    run_info: dict[str, Any],
    pipeline: str,
    run_id: str,
    link: ObjectStoreLink,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Upload a run's outputs; returns problems (empty when everything was stored)."""
    uploads = planned_uploads(run_dir, run_info, pipeline, run_id)
    if not uploads:
        return []
    client, problem = _connect(link, run_id, sleep)
    if client is None:
        message = f"{problem}; artifacts stay in {run_dir}"
        log.warning("run %s: %s", run_id, message)
        return [message]
    problems: list[str] = []
    for key, source, content_type in uploads:
        data = source if isinstance(source, bytes) else source.read_bytes()
        error = _put(client, key, data, content_type)
        if error is not None and _is_transport(error):  # the store went away mid-way: reconnect once
            client, problem = _connect(link, run_id, sleep)
            error = _put(client, key, data, content_type) if client is not None else error
        if error is not None:
            problems.append(f"could not upload s3://{BUCKET}/{key}: {type(error).__name__}: {error}")
            log.warning("run %s: %s", run_id, problems[-1])
            if len(problems) >= 3 or client is None:
                problems.append("giving up on the remaining uploads")
                break
    return problems


def _put(client: Any, key: str, data: bytes, content_type: str) -> Exception | None:
    try:
        client.put_object(BUCKET, key, io.BytesIO(data), len(data), content_type=content_type)
    except Exception as exc:  # noqa: BLE001 - reported by the caller
        return exc
    return None
