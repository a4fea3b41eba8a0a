"""Moving files between the local disk and the object store: upload and download."""

from __future__ import annotations

import mimetypes
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from minio import Minio
from minio.error import S3Error
from pydantic import Field

from tools.base import Change, ToolFailure
from tools.slots import Slot
from tools.storage.common import (
    COUNT_CAP,
    REPORT_CAP,
    Bucket,
    StrictArgs,
    human_size,
    plural,
    s3_uri,
    storage_tool,
)
from tools.storage.context import StorageContext
from tools.storage.errors import is_transport, map_storage_error, no_such_bucket, no_such_key
from tools.storage.object_ops import find_object
from tools.storage.paths import (
    key_problem,
    local_not_found,
    resolve_local,
    safe_destination,
    unsafe_key,
)

#: Types mimetypes does not know but ML data commonly uses; browsers and previews rely on them.
_EXTRA_TYPES = {
    ".parquet": "application/vnd.apache.parquet",
    ".jsonl": "application/x-ndjson",
    ".ndjson": "application/x-ndjson",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".md": "text/markdown",
    ".tsv": "text/tab-separated-values",
    ".csv": "text/csv",
}


def content_type_for(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return _EXTRA_TYPES.get(ext) or mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


# --- upload -----------------------------------------------------------------------------------


class UploadArgs(StrictArgs):
    local_path: Annotated[str, Slot("local_path", role="src")] = Field(
        min_length=1,
        description="File or directory on this machine, e.g. 'data/train.csv' or './data'. Relative "
        "paths are relative to the working directory; directories are uploaded recursively.",
    )
    bucket: Annotated[Bucket, Slot("bucket", role="dst")]
    key: Annotated[str | None, Slot("object_key", role="dst")] = Field(
        default=None,
        description="Destination. For a file: the object key (default: the file name; ending in '/' "
        "puts the file in that folder). For a directory: the key prefix to upload under (default: the "
        "directory's name; '' uploads into the bucket root).",
    )


@dataclass
class UploadPlan:
    files: list[tuple[Path, str]]
    size: int
    #: Key prefix for directory uploads, None for a single file.
    prefix: str | None

    @property
    def destination_label(self) -> str:
        return self.prefix + "/" if self.prefix else ""


def _check_destination(key: str) -> None:
    """S3-compatible servers (and the SDK) reject '.'/'..' key segments; say so before uploading."""
    if {".", ".."} & set(key.split("/")):
        raise ToolFailure(
            "InvalidKey",
            f"Destination key '{key}' contains a '.' or '..' segment, which object stores reject.",
            hint="Use a plain key such as 'datasets/train.csv'.",
        )


def plan_upload(args: UploadArgs, ctx: StorageContext) -> UploadPlan:
    src = resolve_local(args.local_path, ctx.workdir)
    if src.is_file():
        key = args.key or src.name
        if key.endswith("/"):
            key += src.name
        _check_destination(key)
        return UploadPlan([(src, key)], src.stat().st_size, None)
    if not src.is_dir():
        if src.exists():
            raise ToolFailure(
                "UnsupportedLocalPath",
                f"'{args.local_path}' is neither a regular file nor a directory.",
            )
        raise local_not_found(args.local_path, ctx.workdir)
    prefix = (src.resolve().name if args.key is None else args.key).strip("/")
    _check_destination(prefix)
    files: list[tuple[Path, str]] = []
    for root, dirs, names in os.walk(src):  # symlinked directories are not followed: no loops
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file():
                rel = path.relative_to(src).as_posix()
                files.append((path, f"{prefix}/{rel}" if prefix else rel))
    return UploadPlan(files, sum(p.stat().st_size for p, _ in files), prefix)


def upload(args: UploadArgs, ctx: StorageContext) -> dict[str, Any]:
    plan = plan_upload(args, ctx)
    client = ctx.client
    if not client.bucket_exists(args.bucket):
        raise no_such_bucket(ctx, args.bucket)
    uploaded: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for path, key in plan.files:
        try:
            client.fput_object(args.bucket, key, str(path), content_type=content_type_for(key))
        except Exception as exc:
            if is_transport(exc) or (not uploaded and len(plan.files) == 1):
                raise
            failure = map_storage_error(exc, args, ctx)
            errors.append({"path": str(path), "key": key, "error": failure.message if failure else str(exc)})
            continue
        uploaded.append({"key": key, "size": path.stat().st_size})
    if plan.files and not uploaded:
        first = errors[0]["error"] if errors else "unknown error"
        raise ToolFailure("UploadFailed", f"No file could be uploaded; first error: {first}")
    out: dict[str, Any] = {
        "bucket": args.bucket,
        "destination": s3_uri(args.bucket, plan.files[0][1] if plan.prefix is None else plan.destination_label),
        "uploaded": uploaded[:REPORT_CAP],
        "count": len(uploaded),
        "total_bytes": sum(u["size"] for u in uploaded),
        "errors": errors[:REPORT_CAP],
        "truncated": len(uploaded) > REPORT_CAP or len(errors) > REPORT_CAP,
    }
    if not plan.files:
        out["note"] = f"'{args.local_path}' is an empty directory; nothing was uploaded."
    return out


def _existing_keys(client: Minio, bucket: str, prefix: str) -> tuple[set[str], bool]:
    keys: set[str] = set()
    for obj in client.list_objects(bucket, prefix=prefix or None, recursive=True):
        if len(keys) >= COUNT_CAP:
            return keys, True
        keys.add(obj.object_name)
    return keys, False


def preview_upload(args: UploadArgs, ctx: StorageContext) -> Change:
    plan = plan_upload(args, ctx)
    client = ctx.client
    if not client.bucket_exists(args.bucket):
        return Change(f"Upload '{args.local_path}' — will fail: bucket '{args.bucket}' does not exist.")
    if plan.prefix is None:
        path, key = plan.files[0]
        existing = find_object(client, args.bucket, key)
        effect = f"overwrites the existing {human_size(existing.size)} object" if existing else "creates a new object"
        text = f"Upload {args.local_path} ({human_size(plan.size)}) to {s3_uri(args.bucket, key)} — {effect}."
        return Change(text, overwrites=existing is not None)
    dest = s3_uri(args.bucket, plan.destination_label)
    if not plan.files:
        return Change(f"Upload {args.local_path} to {dest} — the directory is empty, nothing will be uploaded.")
    existing_keys, capped = _existing_keys(client, args.bucket, plan.destination_label)
    clash = [k for _, k in plan.files if k in existing_keys]
    text = f"Upload {plural(len(plan.files), 'file')} ({human_size(plan.size)}) from {args.local_path} to {dest}"
    if clash:
        shown = ", ".join(clash[:3]) + (", ..." if len(clash) > 3 else "")
        text += f" — overwrites {plural(len(clash), 'existing object')} ({shown})"
    else:
        text += " — no existing objects are overwritten" + (" (checked the first 10000)" if capped else "")
    return Change(text + ".", overwrites=bool(clash))


# --- download ---------------------------------------------------------------------------------


class DownloadArgs(StrictArgs):
    bucket: Bucket
    key: Annotated[str, Slot("object_key")] = Field(
        description="Object key to download, or a folder prefix ending in '/' (e.g. 'datasets/2024/') "
        "to download everything under it. A key with no exact object is treated as a folder."
    )
    local_path: Annotated[str | None, Slot("local_path", role="dst")] = Field(
        default=None,
        description="Where to write. One object: a file path, or a directory (existing, or ending in '/') "
        "to keep the object's file name; default: the working directory. A folder: the directory that "
        "receives its contents; default: a directory named after the folder in the working directory.",
    )


@dataclass
class DownloadPlan:
    source: str
    target: Path
    items: list[tuple[str, Path, int]] = field(default_factory=list)
    single: bool = False

    @property
    def size(self) -> int:
        return sum(size for _, _, size in self.items)


def _single_plan(args: DownloadArgs, ctx: StorageContext, size: int) -> DownloadPlan:
    name = args.key.rsplit("/", 1)[-1]
    if args.local_path is None:
        dest = safe_destination(ctx.workdir, name, args.key)
    else:
        chosen = resolve_local(args.local_path, ctx.workdir)
        if chosen.is_dir() or args.local_path.endswith(("/", os.sep)):
            dest = safe_destination(chosen, name, args.key)
        else:
            dest = chosen  # an explicit file name given by the user, not derived from the key
    return DownloadPlan(s3_uri(args.bucket, args.key), dest, [(args.key, dest, size)], single=True)


def plan_download(args: DownloadArgs, ctx: StorageContext) -> DownloadPlan:
    """Every (key, destination) pair, validated before a single byte is written."""
    client, key = ctx.client, args.key
    if key and not key.endswith("/"):
        problem = key_problem(key)
        if problem:
            raise unsafe_key(key, problem)
        obj = find_object(client, args.bucket, key)
        if obj is not None:
            return _single_plan(args, ctx, obj.size or 0)
        prefix = key + "/"
    else:
        prefix = key
    listed = list(client.list_objects(args.bucket, prefix=prefix or None, recursive=True))
    if not listed:
        if not prefix:
            raise ToolFailure("EmptyBucket", f"Bucket '{args.bucket}' has no objects to download.")
        raise no_such_key(ctx, args.bucket, key)
    if args.local_path is not None:
        target = resolve_local(args.local_path, ctx.workdir)
        if target.exists() and not target.is_dir():
            raise ToolFailure(
                "LocalPathIsFile",
                f"'{args.local_path}' is a file; downloading a folder needs a directory.",
                hint="Pass a directory path (it is created if missing).",
            )
    else:
        folder = prefix.rstrip("/").rsplit("/", 1)[-1] or args.bucket
        target = safe_destination(ctx.workdir, folder, prefix)
    plan = DownloadPlan(s3_uri(args.bucket, prefix), target)
    unsafe: list[str] = []
    for obj in listed:
        if obj.object_name.endswith("/"):  # folder marker objects carry no data
            continue
        try:
            dest = safe_destination(target, obj.object_name[len(prefix) :], obj.object_name)
        except ToolFailure:
            unsafe.append(obj.object_name)
            continue
        plan.items.append((obj.object_name, dest, obj.size or 0))
    if unsafe:
        shown = ", ".join(repr(k) for k in unsafe[:5]) + (", ..." if len(unsafe) > 5 else "")
        raise ToolFailure(
            "UnsafeKey",
            f"Refusing to download {plan.source}: {plural(len(unsafe), 'key')} would be written outside "
            f"{target.resolve()} ({shown}). Nothing was written.",
            hint="Download a narrower prefix that excludes these keys, or copy them to clean keys first.",
            suggestions=unsafe[:5],
        )
    return plan


def _fetch(client: Minio, bucket: str, key: str, dest: Path) -> None:
    """Write via an exclusive temp file then rename: no half files, no following planted symlinks."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        response = client.get_object(bucket, key)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in response.stream(1 << 20):
                    fh.write(chunk)
        finally:
            response.close()
            response.release_conn()
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def download(args: DownloadArgs, ctx: StorageContext) -> dict[str, Any]:
    plan = plan_download(args, ctx)
    client = ctx.client
    done: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    seen: set[Path] = set()
    for key, dest, size in plan.items:
        if dest in seen:
            errors.append({"key": key, "error": f"another key already maps to {dest}; skipped"})
            continue
        seen.add(dest)
        try:
            _fetch(client, args.bucket, key, dest)
        except Exception as exc:
            if plan.single or is_transport(exc) or (isinstance(exc, S3Error) and exc.code == "NoSuchBucket"):
                raise
            failure = map_storage_error(exc, args, ctx)
            errors.append({"key": key, "error": failure.message if failure else str(exc)})
            continue
        done.append({"key": key, "path": str(dest), "size": size})
    return {
        "bucket": args.bucket,
        "source": plan.source,
        "local_path": str(plan.items[0][1] if plan.single else plan.target.resolve()),
        "downloaded": done[:REPORT_CAP],
        "count": len(done),
        "total_bytes": sum(d["size"] for d in done),
        "errors": errors[:REPORT_CAP],
        "truncated": len(done) > REPORT_CAP or len(errors) > REPORT_CAP,
    }


def preview_download(args: DownloadArgs, ctx: StorageContext) -> Change:
    plan = plan_download(args, ctx)
    if plan.single:
        _, dest, size = plan.items[0]
        effect = (
            f"overwrites the existing local file ({human_size(dest.stat().st_size)})"
            if dest.is_file()
            else "creates a new local file"
        )
        return Change(f"Download {plan.source} ({human_size(size)}) to {dest} — {effect}.", overwrites=dest.is_file())
    clash = [dest for _, dest, _ in plan.items if dest.exists()]
    text = (
        f"Download {plural(len(plan.items), 'object')} ({human_size(plan.size)}) under {plan.source} "
        f"into {plan.target.resolve()}/"
    )
    if clash:
        shown = ", ".join(str(p) for p in clash[:3]) + (", ..." if len(clash) > 3 else "")
        text += f" — overwrites {plural(len(clash), 'existing local file')} ({shown})"
    else:
        text += " — no local files are overwritten"
    return Change(text + ".", overwrites=bool(clash))


UPLOAD = storage_tool(
    "upload",
    "Upload a local file, or a whole directory recursively, to a bucket. Use it when the user wants "
    "local data or artifacts in object storage.",
    UploadArgs,
    upload,
    mutating=True,
    preview=preview_upload,
)
DOWNLOAD = storage_tool(
    "download",
    "Download one object, or everything under a folder prefix, to the local disk. Use it when the "
    "user wants a copy of stored data on this machine.",
    DownloadArgs,
    download,
    mutating=True,
    preview=preview_download,
)
