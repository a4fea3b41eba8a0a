"""Turning S3/transport exceptions into errors a model can recover from on its own.

A bare "NoSuchKey" makes a model ask the user; "NoSuchKey, did you mean datasets/train.csv?"
lets it retry. Suggestion look-ups are best effort: they must never mask the original error.
"""

from __future__ import annotations

import re
import socket
from typing import TYPE_CHECKING, Any

import urllib3.exceptions as u3
from minio.error import InvalidResponseError, S3Error, ServerError

from tools.base import ToolFailure, closest

if TYPE_CHECKING:
    from tools.storage.context import StorageContext

#: Keys listed when looking for "did you mean" candidates; enough for typos, cheap on big buckets.
SUGGESTION_LIST_CAP = 1000

_CREDENTIAL_CODES = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "InvalidClientTokenId",
}
_DOCTOR = "Check that the server is running and the endpoint is right, e.g. with `swarmops doctor`."


def bucket_names(ctx: StorageContext) -> list[str]:
    try:
        return [b.name for b in ctx.client.list_buckets()]
    except Exception:
        return []


def no_such_bucket(ctx: StorageContext, bucket: str) -> ToolFailure:
    names = bucket_names(ctx)
    suggestions = closest(bucket, names)
    hint = (
        "Retry with one of the suggested buckets."
        if suggestions
        else "Call list_buckets to see existing buckets, or create_bucket to make this one."
    )
    return ToolFailure(
        "NoSuchBucket",
        f"Bucket '{bucket}' does not exist at {ctx.endpoint}.",
        hint=hint,
        suggestions=suggestions,
    )


def _keys_under(ctx: StorageContext, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for obj in ctx.client.list_objects(bucket, prefix=prefix or None, recursive=True):
        keys.append(obj.object_name)
        if len(keys) >= SUGGESTION_LIST_CAP:
            break
    return keys


def no_such_key(ctx: StorageContext, bucket: str, key: str) -> ToolFailure:
    """NoSuchKey with the closest keys under the same "directory" (or the bucket root)."""
    parent = key.rsplit("/", 1)[0] + "/" if "/" in key.rstrip("/") else ""
    try:
        keys = _keys_under(ctx, bucket, parent)
        if not keys and parent:
            keys = _keys_under(ctx, bucket, "")
    except S3Error as exc:
        if exc.code == "NoSuchBucket":
            return no_such_bucket(ctx, bucket)
        keys = []
    except Exception:
        keys = []
    suggestions = closest(key, keys)
    hint = (
        "Keys are case-sensitive full paths; retry with one of the suggested keys."
        if suggestions
        else f"Call list_objects on bucket '{bucket}' (optionally with a prefix) to see its keys."
    )
    return ToolFailure(
        "NoSuchKey",
        f"No object '{key}' in bucket '{bucket}'.",
        hint=hint,
        suggestions=suggestions,
    )


def _arg(args: Any, *names: str) -> str | None:
    for name in names:
        value = getattr(args, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def _missing_bucket(exc: S3Error, args: Any, ctx: StorageContext) -> str:
    """Which of the call's buckets is missing (copy/move name two, and S3 may not say which)."""
    if exc.bucket_name:
        return exc.bucket_name
    given = [b for b in (_arg(args, "bucket"), _arg(args, "src_bucket"), _arg(args, "dst_bucket")) if b]
    if len(given) > 1:
        existing = set(bucket_names(ctx))
        for name in given:
            if name not in existing:
                return name
    return given[0] if given else "?"


def _missing_key(exc: S3Error, args: Any) -> tuple[str | None, str | None]:
    key = exc.object_name or _arg(args, "key", "src_key")
    if key is not None and key == _arg(args, "src_key"):
        return _arg(args, "src_bucket"), key
    return exc.bucket_name or _arg(args, "bucket", "src_bucket"), key


def _seconds(text: str, kind: str) -> str:
    """' after 10 s' from urllib3's '(read timeout=10.0)', or '' when it is not there."""
    match = re.search(rf"{kind} timeout=([\d.]+)", text)
    return f" after {float(match.group(1)):g} s" if match else ""


def _short_reason(exc: BaseException) -> str:
    """'connection refused' rather than urllib3's repr of a connection object."""
    reason: BaseException | None = exc.reason if isinstance(exc, u3.MaxRetryError) else exc
    text = str(reason or exc)
    low = text.lower()
    if isinstance(reason, u3.NewConnectionError | ConnectionRefusedError) and "refused" in low:
        return "connection refused"
    if isinstance(reason, u3.ReadTimeoutError) or "read timed out" in low:
        return f"it accepted the connection but did not answer in time: timed out{_seconds(text, 'read')}"
    if isinstance(reason, TimeoutError | u3.TimeoutError) or "timed out" in low:
        return f"connecting timed out{_seconds(text, 'connect')}"
    if isinstance(reason, socket.gaierror) or "Name or service not known" in text:
        return "host name could not be resolved"
    if isinstance(reason, u3.ProtocolError):
        return "the connection was dropped"
    match = re.search(r"\[Errno -?\d+\] ([^')\]]+)", text)
    return match.group(1).strip() if match else type(reason or exc).__name__


def is_transport(exc: BaseException) -> bool:
    return isinstance(exc, u3.HTTPError | ConnectionError | TimeoutError | socket.gaierror)


def unreachable(ctx: StorageContext, exc: BaseException) -> ToolFailure:
    reason = exc.reason if isinstance(exc, u3.MaxRetryError) else exc
    if isinstance(reason, u3.SSLError):
        return ToolFailure(
            "StorageTLSError",
            f"TLS handshake with the object store at {ctx.endpoint} failed.",
            hint="If the server speaks plain HTTP, set secure=false; otherwise check its certificate. " + _DOCTOR,
            backend_down=True,
        )
    return ToolFailure(
        "StorageUnreachable",
        f"Cannot reach the object store at {ctx.endpoint} ({_short_reason(exc)}).",
        hint=_DOCTOR,
        backend_down=True,
    )


def _map_s3(exc: S3Error, args: Any, ctx: StorageContext) -> ToolFailure:
    code = exc.code or "S3Error"
    if code == "NoSuchBucket":
        return no_such_bucket(ctx, _missing_bucket(exc, args, ctx))
    if code == "NoSuchKey":
        bucket, key = _missing_key(exc, args)
        if bucket and key:
            return no_such_key(ctx, bucket, key)
    if code == "BucketNotEmpty":
        bucket = exc.bucket_name or _arg(args, "bucket") or "?"
        return ToolFailure(
            "BucketNotEmpty",
            f"Bucket '{bucket}' is not empty (it may hold objects or older object versions).",
            hint="Pass force=true to delete its objects and versions together with the bucket.",
        )
    if code in {"BucketAlreadyExists", "BucketAlreadyOwnedByYou"}:
        bucket = exc.bucket_name or _arg(args, "bucket") or "?"
        return ToolFailure(
            "BucketAlreadyExists",
            f"Bucket '{bucket}' already exists.",
            hint="Use the existing bucket, or choose a different name.",
        )
    if code in _CREDENTIAL_CODES:
        return ToolFailure(
            code,
            f"The object store at {ctx.endpoint} refused the request ({code}).",
            hint="Check the storage access key and secret key in the swarmops config (`swarmops doctor` "
            "tests them); AccessDenied can also mean the key lacks permission for this bucket or object.",
        )
    return ToolFailure(code, exc.message or code)


def map_storage_error(exc: Exception, args: Any, ctx: StorageContext) -> ToolFailure | None:
    """ToolSpec.on_error for every storage tool; None lets run_tool report the exception as is."""
    if isinstance(exc, ToolFailure):
        return exc
    if isinstance(exc, S3Error):
        return _map_s3(exc, args, ctx)
    if is_transport(exc):
        return unreachable(ctx, exc)
    if isinstance(exc, InvalidResponseError):
        status = getattr(exc, "_code", "?")
        return ToolFailure(
            "StorageBadResponse",
            f"The server at {ctx.endpoint} did not answer like an S3 server (HTTP {status}).",
            hint="The endpoint may point at a different service or port. " + _DOCTOR,
            backend_down=True,
        )
    if isinstance(exc, ServerError):
        return ToolFailure(
            "StorageServerError",
            f"The object store at {ctx.endpoint} failed with HTTP {exc.status_code}.",
            hint="This is a server-side problem; retry later or check the server's logs.",
            backend_down=True,
        )
    if isinstance(exc, ValueError):  # the SDK's own argument checks (bucket/key syntax)
        return ToolFailure("InvalidArguments", str(exc))
    if isinstance(exc, OSError):  # local files in upload/download
        where = f" ({exc.filename})" if exc.filename else ""
        return ToolFailure("LocalIOError", f"{exc.strerror or exc}{where}")
    return None
