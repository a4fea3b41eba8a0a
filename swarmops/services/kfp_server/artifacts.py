"""Publishing a finished run's artifacts and task logs to the object store, where swarmops' storage tools look.

Layout (like KFP on a cluster, bucket `mlpipeline`):
  v2/artifacts/<pipeline-name>/<run-id>/<task-name>/<artifact-name>  (directories -> files under it)
  v2/logs/<pipeline-name>/<run-id>/<task-name>.log
Metrics artifacts have no file on disk with kfp.local (the values live in metadata), so they are
written as a JSON object of the logged metrics. Publishing never raises: a run's outcome must not
depend on the store being up, so problems are returned for the caller to record.
"""

from __future__ import annotations

import io
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
BUCKET = "mlpipeline"
_TIMEOUT_S = 5.0


def s3_from_env(env: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Store settings from SWARMOPS_S3_* (how the server is configured), or None when not configured."""
    env = dict(os.environ if env is None else env)
    endpoint = env.get("SWARMOPS_S3_ENDPOINT", "")
    if not endpoint:
        return None
    return {
        "endpoint": endpoint,
        "access_key": env.get("SWARMOPS_S3_ACCESS_KEY", ""),
        "secret_key": env.get("SWARMOPS_S3_SECRET_KEY", ""),
        "secure": env.get("SWARMOPS_S3_SECURE", "false").lower() == "true",
    }


def _client(settings: dict[str, Any]) -> Any:
    import urllib3
    from minio import Minio

    # Short timeouts and few retries: an unreachable store must not hold a finished run for minutes.
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=_TIMEOUT_S, read=30.0),
        retries=urllib3.Retry(total=1, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )
    return Minio(
        settings["endpoint"],
        access_key=settings["access_key"],
        secret_key=settings["secret_key"],
        secure=settings["secure"],
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
                if path.is_file():
                    uploads.append((key, path, "application/octet-stream"))
                elif path.is_dir():
                    uploads += [
                        (f"{key}/{p.relative_to(path)}", p, "application/octet-stream")
                        for p in sorted(path.rglob("*"))
                        if p.is_file()
                    ]
                elif artifact.get("type") == "Metrics" or artifact.get("schema_title") == "system.Metrics":
                    body = json.dumps(artifact.get("metadata") or {}, indent=1).encode()
                    uploads.append((key, body, "application/json"))
        task_log = run_dir / "logs" / f"{name}.log"
        if task_log.is_file():
            uploads.append((f"{log_prefix}/{name}.log", task_log, "text/plain; charset=utf-8"))
    return uploads


def publish(run_dir: Path, run_info: dict[str, Any], pipeline: str, run_id: str) -> list[str]:
    """Upload a run's outputs; returns problems (empty when everything was stored)."""
    settings = s3_from_env()
    if settings is None:
        return ["no object store configured (SWARMOPS_S3_ENDPOINT is unset); artifacts stay in " + str(run_dir)]
    uploads = planned_uploads(run_dir, run_info, pipeline, run_id)
    if not uploads:
        return []
    try:
        client = _client(settings)
        _ensure_bucket(client)
    except Exception as exc:  # noqa: BLE001 - any store failure is reported, never raised
        message = f"could not reach the object store at {settings['endpoint']}: {type(exc).__name__}: {exc}"
        log.warning("run %s: %s", run_id, message)
        return [message]
    problems: list[str] = []
    for key, source, content_type in uploads:
        try:
            data = source if isinstance(source, bytes) else source.read_bytes()
            client.put_object(BUCKET, key, io.BytesIO(data), len(data), content_type=content_type)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"could not upload s3://{BUCKET}/{key}: {type(exc).__name__}: {exc}")
            log.warning("run %s: %s", run_id, problems[-1])
            if len(problems) >= 3:
                problems.append("giving up on the remaining uploads")
                break
    return problems
